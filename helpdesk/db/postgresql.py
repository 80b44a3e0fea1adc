"""PostgreSQL connection settings, sent by libpq as the connection's `options`
(HELPDESK_POSTGRESQL_OPTIONS, read and checked in config.py; empty leaves everything to
the server's configuration).

The default, `-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1
-c plan_cache_mode=force_custom_plan`:
- **No parallel query.** Starting worker processes costs more than the whole of a typical
  helpdesk query, and on a small server the workers take the cores the web workers need.
- **Random reads priced for SSDs** (the server's default, 4, assumes spinning disks): with
  4, the planner scanned every customer for a rare word rather than use the trigram index.
- **A plan for each query's own values.** psycopg prepares a statement after its fifth
  use, and PostgreSQL then may switch to one generic plan for any values. For search that
  is the wrong plan for almost every word (how many rows a word matches decides between the
  trigram index and a walk from the newest row).

What each setting was measured to change is in docs/architecture.md (Performance).
"""

from __future__ import annotations

from typing import Any


def postgresql_engine_options(options: dict[str, Any], *, settings: str) -> dict[str, Any]:
    """`options` for a PostgreSQL engine, with `settings` sent on every connection."""
    if not settings:
        return options
    connect_args = dict(options.get("connect_args", {}))
    connect_args["options"] = " ".join(filter(None, (connect_args.get("options"), settings)))
    return {**options, "connect_args": connect_args}
