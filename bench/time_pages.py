"""Time a few agent pages in-process against an existing database (no HTTP server):
`HELPDESK_DATABASE_URL=... .venv/bin/python bench/time_pages.py`. A quick look, not the
benchmark: bench/run (issue 9) measures under load with a same-run baseline."""

from __future__ import annotations

import re
import statistics
import sys
import time

import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.dev.generate import AGENT_PASSWORD, GENERATED_DOMAIN
from helpdesk.extensions import db

app = create_app({"ENVIRONMENT": "testing", "RATELIMIT_ENABLED": False})
client = app.test_client()
html = client.get("/login").get_data(as_text=True)
token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
login = client.post(
    "/login",
    data={"email": f"agent1@{GENERATED_DOMAIN}", "password": AGENT_PASSWORD, "csrf_token": token},
)
if login.status_code != 302:
    sys.exit("log in failed: run `flask helpdesk generate` on this database first")

queries: list[str] = []
with app.app_context():
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    number = db.session.execute(sa.text("SELECT max(number) FROM tickets")).scalar()


def measure(
    label: str, url: str, runs: int = 7, headers: dict[str, str] | None = None, status: int = 200
) -> None:
    client.get(url, headers=headers)  # warm
    times = []
    for _ in range(runs):
        queries.clear()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != status:
            sys.exit(f"{url} answered {response.status_code}")
    print(f"{label:34} median {statistics.median(times):7.1f} ms  queries {len(queries)}")


measure("inbox, open view", "/inbox")
measure("inbox, complaints view", "/inbox?view=complaints")
measure("inbox, all, priority sort", "/inbox?view=all&sort=priority")
deep = "/inbox?view=all"
for _ in range(40):
    body = client.get(deep).get_data(as_text=True)
    deep = re.search(r'href="(/inbox\?[^"]*after=[^"]+)"[^>]*rel="next"', body).group(1)
    deep = deep.replace("&amp;", "&")
measure("inbox, all, page 41", deep)
measure("search 'refund'", "/inbox?view=all&q=refund")
measure("search 'duplicate charge'", "/inbox?view=all&q=duplicate+charge")
measure("search Thai 'เข้าสู่ระบบ'", "/inbox?view=all&q=เข้าสู่ระบบ")
measure("search Bengali 'লগইন'", "/inbox?view=all&q=লগইন")
measure("search customer 'Srisuk'", "/inbox?view=all&q=Srisuk")
measure(f"search number '#{number}'", f"/inbox?view=all&q=%23{number}")
measure("ticket page", f"/tickets/{number}")
measure("bell poll (200)", "/notifications")
etag = client.get("/notifications").headers["ETag"]
measure("bell poll (304)", "/notifications", headers={"If-None-Match": etag}, status=304)
