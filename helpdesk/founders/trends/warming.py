"""The trends' weeks computed ahead of the founders, by the scheduler (`warm_trends`).

A range's first computation reads every row of its weeks: about 20 s for a year at a
million tickets, minutes at five million. Afterwards only the weeks a change reaches, and
the weeks past their lifetime (`kept_weeks.WEEK_LIFETIME`), are computed again. Run by the
scheduler, the first computation happens after a deploy or a change of the workspace
zone (its weeks are kept per zone), not while a founder waits on the "being prepared"
page; the later runs keep every week of the last `WARM_WEEKS` good, so any range within
them computes only its current week and what changed in the last few minutes.
"""

from __future__ import annotations

from datetime import date, timedelta

from helpdesk.clock import now
from helpdesk.founders.trends import TrendRange, workspace_zone
from helpdesk.founders.trends.figures import Figures
from helpdesk.founders.trends.metrics import METRICS

WARM_WEEKS = 53  # a year back from any day of this week


def warm_range() -> TrendRange:
    """The last WARM_WEEKS full weeks (Monday to Sunday) in the workspace zone: the weeks
    the dashboard keeps (a week is kept once over)."""
    zone = workspace_zone()
    today = now().astimezone(zone).date()
    last_sunday: date = today - timedelta(days=today.weekday() + 1)
    return TrendRange(
        start=last_sunday - timedelta(weeks=WARM_WEEKS, days=-1), end=last_sunday, zone=zone
    )


def warm_trends() -> dict[str, int]:
    """Every metric's kept weeks over `warm_range`, computed where missing, changed or too
    old: how many weeks each metric computed."""
    figures = Figures(warm_range())
    for metric in METRICS:
        figures.counts(metric)
    return {metric: figures.recomputed[metric] for metric in METRICS}
