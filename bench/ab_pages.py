#!/usr/bin/env python
"""CPU per request of pages in two checkouts, side by side: each checkout's app runs in its
own process, and the two serve alternating batches of requests, so a machine whose speed
drifts (shared cores, CPU steal) slows both alike. Prints, per page, each side's best and
median CPU per request and the median of the paired new/old ratios: the figure to trust
on a noisy machine (`bench/profile_page.py` measures one checkout alone). Also the paired
ratio of wall-clock time, which on PostgreSQL holds the database server's work too (the
server runs in its own processes: the CPU figure leaves it out).

    git worktree add /tmp/before <commit>    # then copy static/vendor and the .mo files
    .venv/bin/python bench/ab_pages.py /tmp/before . /inbox /tickets/100001
    .venv/bin/python bench/ab_pages.py --rounds 20 --batch 10 /tmp/before . /inbox
    .venv/bin/python bench/ab_pages.py --db postgresql /tmp/before . /inbox

Uses the data bench/run generated for this checkout (bench/data/, or the PostgreSQL
database helpdesk_bench_<tickets>) and logs in as its first agent (or its founder for
/founders pages).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRESQL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"  # as bench/run


def serve(checkout: str, database_url: str, paths: list[str]) -> None:
    """Worker mode: build the app of `checkout`, then answer "<path> <n>" lines on stdin
    with the CPU and the wall-clock milliseconds per request of n requests."""
    os.environ.update(
        HELPDESK_DATABASE_URL=database_url,
        HELPDESK_ENV="production",
        HELPDESK_SCHEDULER="off",
        SECRET_KEY="profile-" + "x" * 40,
    )
    sys.path.insert(0, checkout)
    os.chdir(checkout)
    from helpdesk import create_app
    from helpdesk.dev.generate import AGENT_PASSWORD, FOUNDER_EMAIL, GENERATED_DOMAIN

    app = create_app()
    clients = {}
    for path in paths:
        client = app.test_client()
        who = FOUNDER_EMAIL if path.startswith("/founders") else f"agent1@{GENERATED_DOMAIN}"
        # Off to log in without a form, on again for the pages: they render a CSRF token
        # in each form, as they do under gunicorn (a dozen on a ticket page).
        app.config["WTF_CSRF_ENABLED"] = False
        if (
            client.post("/login", data={"email": who, "password": AGENT_PASSWORD}).status_code
            != 302
        ):
            raise SystemExit(f"{checkout}: logging in as {who} failed")
        app.config["WTF_CSRF_ENABLED"] = True
        for _ in range(10):
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{checkout}: {path} answered {status}")
        clients[path] = client
    print("ready", flush=True)
    for line in sys.stdin:
        path, count = line.split()
        started, wall = time.process_time(), time.perf_counter()
        for _ in range(int(count)):
            clients[path].get(path)
        cpu, wall = time.process_time() - started, time.perf_counter() - wall
        print(cpu / int(count) * 1000, wall / int(count) * 1000, flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:  # one side, started by the lines below
        serve(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batch", type=int, default=20, help="requests per turn")
    args = parser.parse_args()
    facts = ROOT / "bench" / "data" / f"{args.db}-{args.tickets}.json"  # written by bench/run
    if not facts.exists():
        raise SystemExit(
            f"{facts} is missing: run bench/run --db {args.db} --tickets {args.tickets} first"
        )
    if args.db == "sqlite":
        database_url = f"sqlite:///{facts.with_suffix('.db')}"
    else:
        database_url = f"{POSTGRESQL_SERVER}helpdesk_bench_{args.tickets}"
    sides = {
        name: subprocess.Popen(  # noqa: S603  # this script, with our own arguments
            [sys.executable, __file__, "--serve", str(Path(checkout).resolve()), database_url]
            + args.paths,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, checkout in (("before", args.before), ("after", args.after))
    }
    for name, process in sides.items():
        if process.stdout is None or process.stdout.readline().strip() != "ready":
            raise SystemExit(f"the {name} checkout did not start")
    times: dict[tuple[str, str], list[float]] = {(n, p): [] for n in sides for p in args.paths}
    walls: dict[tuple[str, str], list[float]] = {(n, p): [] for n in sides for p in args.paths}
    for turn in range(args.rounds):
        order = ["before", "after"] if turn % 2 == 0 else ["after", "before"]
        for path in args.paths:
            for name in order:
                process = sides[name]
                assert process.stdin is not None and process.stdout is not None  # noqa: S101
                process.stdin.write(f"{path} {args.batch}\n")
                process.stdin.flush()
                cpu, wall = process.stdout.readline().split()
                times[(name, path)].append(float(cpu))
                walls[(name, path)].append(float(wall))
    for path in args.paths:
        before, after = times[("before", path)], times[("after", path)]
        paired = statistics.median(b / a for a, b in zip(before, after, strict=True))
        wall = statistics.median(
            b / a for a, b in zip(walls[("before", path)], walls[("after", path)], strict=True)
        )
        print(
            f"{path}: before best {min(before):.2f} ms, median {statistics.median(before):.2f};"
            f" after best {min(after):.2f} ms, median {statistics.median(after):.2f};"
            f" after/before {paired:.3f} (median of {args.rounds} paired turns);"
            f" wall-clock after/before {wall:.3f}"
        )
    for process in sides.values():
        if process.stdin is not None:
            process.stdin.close()
        process.wait()


if __name__ == "__main__":
    main()
