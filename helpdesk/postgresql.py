"""PostgreSQL connection settings.

Parallel query is off for the app's connections (`max_parallel_workers_per_gather`, from
HELPDESK_POSTGRESQL_PARALLEL_WORKERS, default 0). Starting worker processes costs about
5 ms, more than the whole of a typical helpdesk query (a rare-word search: 7 ms with two
workers, 2 ms without, at 100,000 tickets), and on a small server the workers compete for
the same cores as the web workers serving other requests.
"""

from __future__ import annotations

from typing import Any


def postgresql_engine_options(options: dict[str, Any], *, parallel_workers: int) -> dict[str, Any]:
    """`options` for a PostgreSQL engine, with the parallel-query limit set per connection."""
    if parallel_workers < 0:
        raise ValueError("parallel_workers must be 0 or more")
    connect_args = dict(options.get("connect_args", {}))
    setting = f"-c max_parallel_workers_per_gather={int(parallel_workers)}"
    connect_args["options"] = " ".join(filter(None, (connect_args.get("options"), setting)))
    return {**options, "connect_args": connect_args}
