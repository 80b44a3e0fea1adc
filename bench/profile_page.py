#!/usr/bin/env python
"""CPU per request of one or more pages, in-process (no gunicorn, no network): the figure
issue 25 tracks for the inbox, with the number of Python calls (cProfile), which does not
depend on how busy the machine is.

    .venv/bin/python bench/profile_page.py [--tickets 100000] /inbox "/inbox?sort=due"
    .venv/bin/python bench/profile_page.py --top 30 /inbox     # and cProfile's top entries

Uses the data bench/run generated (bench/data/sqlite-<tickets>.db; run it once first) and
logs in as its first agent (or its founder for /founders pages). CPU is the best of five
rounds of 30 requests (`time.process_time`), after ten to warm the caches.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=0, help="print cProfile's top N by own time")
    args = parser.parse_args()
    database = ROOT / "bench" / "data" / f"sqlite-{args.tickets}.db"
    if not database.exists():
        raise SystemExit(f"{database} is missing: run bench/run --tickets {args.tickets} first")
    os.environ.update(
        HELPDESK_DATABASE_URL=f"sqlite:///{database}",
        HELPDESK_ENV="production",
        HELPDESK_SCHEDULER="off",
        SECRET_KEY="profile-" + "x" * 40,
    )
    sys.path.insert(0, str(ROOT))
    from helpdesk import create_app
    from helpdesk.dev.generate import AGENT_PASSWORD, FOUNDER_EMAIL, GENERATED_DOMAIN

    app = create_app()
    for path in args.paths:
        client = app.test_client()
        who = FOUNDER_EMAIL if path.startswith("/founders") else f"agent1@{GENERATED_DOMAIN}"
        # Off to log in without a form, on again for the pages: they render a CSRF token
        # in each form, as they do under gunicorn (a dozen on a ticket page).
        app.config["WTF_CSRF_ENABLED"] = False
        login = client.post("/login", data={"email": who, "password": AGENT_PASSWORD})
        if login.status_code != 302:
            raise SystemExit(f"logging in as {who} failed ({login.status_code})")
        app.config["WTF_CSRF_ENABLED"] = True
        for _ in range(10):
            client.get(path)
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            for _ in range(30):
                response = client.get(path)
            best = min(best, (time.process_time() - started) / 30 * 1000)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        calls = stats.total_calls / 10  # type: ignore[attr-defined]
        print(
            f"{path}: {best:.2f} ms CPU a request, {calls:,.0f} Python calls,"
            f" {len(response.data):,} bytes, {response.status_code}"
        )
        if args.top:
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
