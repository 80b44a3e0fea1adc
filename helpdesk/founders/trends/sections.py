"""The trends dashboard's sections: each builds one table (and names the columns its chart
draws) from the range's figures (`figures.Figures`: kept weeks, or computed ones).
`trend_section` is the entry point the views and the CSV export share, so the page and the
file show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.extensions import db
from helpdesk.founders.trends import (
    TOTAL,
    Bucket,
    Cell,
    Row,
    Table,
    TrendRange,
    count_at,
    count_cell,
    number_cell,
    week_label,
)
from helpdesk.founders.trends.figures import Figures
from helpdesk.founders.trends.metrics import DETECTOR_KEYS, NPS_GROUPS
from helpdesk.founders.trends.sections_team import (
    promises,
    recovery,
    recovery_steps,
    repeat_contacts,
    response_times,
)
from helpdesk.models import RATING_SCORES, NpsRound, RootCause


def complaints(figures: Figures) -> Table:
    weeks = figures.weeks
    complaints = figures.counts("complaints")
    active = figures.counts("active")
    rows = []
    for index, week in enumerate(weeks):
        filed, customers = count_at(complaints, index, None), count_at(active, index, None)
        rate = 100.0 * filed / customers if customers else None
        rows.append(
            Row(
                week_label(week),
                (
                    count_cell(filed, "complaints", week),
                    count_cell(customers, "active", week),
                    number_cell(rate, "complaints", week),
                ),
            )
        )
    return Table(
        "complaints",
        _("Complaints per week"),
        _(
            "Complaints captured each week, and per 100 active customers (customers who "
            "opened a ticket or wrote to us that week). More captured complaints is good "
            "news: customers talk instead of leaving."
        ),
        _("Week of"),
        (_("Complaints"), _("Active customers"), _("Complaints per 100 active customers")),
        tuple(rows),
    )


def _detector_cells(
    counts: dict[tuple[int, str | None], float], index: int, span: Bucket
) -> tuple[Cell, ...]:
    found = {key: count_at(counts, index, key) for key in DETECTOR_KEYS}
    flagged = found["caught"] + found["false_alarm"]
    complaints = found["caught"] + found["missed"]
    precision = 100.0 * found["caught"] / flagged if flagged else None
    recall = 100.0 * found["caught"] / complaints if complaints else None
    return (
        *(count_cell(found[key], "detector", span, key) for key in DETECTOR_KEYS),
        number_cell(recall, "detector", span, "caught"),
        number_cell(precision, "detector", span, "caught"),
    )


def detector(figures: Figures) -> Table:
    rng = figures.rng
    weeks = figures.weeks
    counts = figures.counts("detector", total=True)
    rows = tuple(
        Row(week_label(week), _detector_cells(counts, index, week))
        for index, week in enumerate(weeks)
    )
    footer = (Row(_("Whole range"), _detector_cells(counts, TOTAL, rng.whole)),)
    return Table(
        "detector",
        _("Complaint detector against your team"),
        _(
            'Your team\'s answers to "is this a complaint?", by the week they were given, '
            "against what the detector had said: complaints it caught or missed, false "
            "alarms, and messages both agreed were no complaint. Captured (%) is the share "
            "of your team's complaints the detector caught (its recall); Right when flagged "
            "(%) is its precision. Every answer also teaches the detector."
        ),
        _("Week of"),
        (
            _("Complaints caught"),
            _("Complaints missed"),
            _("False alarms"),
            _("Agreed: no complaint"),
            _("Captured (%)"),
            _("Right when flagged (%)"),
        ),
        rows,
        chart_columns=(4, 5),
        chart_unit="%",
        footer=footer,
    )


def root_causes(figures: Figures) -> Table:
    weeks = figures.weeks
    counts = figures.counts("root_cause")
    ids = sorted({int(key) for _index, key in counts if key is not None})
    causes = (
        db.session.execute(
            sa.select(RootCause.id, RootCause.name)
            .where(RootCause.id.in_(ids))
            .order_by(RootCause.position, RootCause.name)
        ).all()
        if ids
        else []
    )
    rows = tuple(
        Row(
            week_label(week),
            tuple(
                count_cell(
                    count_at(counts, index, str(cause_id)), "root_cause", week, str(cause_id)
                )
                for cause_id, _name in causes
            ),
        )
        for index, week in enumerate(weeks)
    )
    return Table(
        "root_causes",
        _("Root causes over time"),
        _("Complaints diagnosed each week, by the root cause found in the Diagnose step."),
        _("Week of"),
        tuple(name for _cause_id, name in causes),
        rows,
        chart_columns=tuple(range(len(causes))),
        stacked=True,
    )


def ratings(figures: Figures) -> Table:
    weeks = figures.weeks
    counts = figures.counts("rating")
    labels = {"good": _("Good"), "okay": _("Okay"), "bad": _("Bad")}
    rows = tuple(
        Row(
            week_label(week),
            tuple(
                count_cell(count_at(counts, index, score), "rating", week, score)
                for score in RATING_SCORES
            ),
        )
        for index, week in enumerate(weeks)
    )
    return Table(
        "ratings",
        _("Ratings per week"),
        _("Ratings by the week they were first given, with the customer's current choice."),
        _("Week of"),
        tuple(labels[score] for score in RATING_SCORES),
        rows,
        chart_columns=(0, 1, 2),
        stacked=True,
    )


def nps(figures: Figures) -> Table:
    rng = figures.rng
    whole = rng.whole
    counts = figures.whole_counts("nps")
    rounds = db.session.execute(
        sa.select(NpsRound.id, NpsRound.period_start, NpsRound.period_end, NpsRound.created_at)
        .where(NpsRound.created_at >= whole.starts, NpsRound.created_at < whole.ends)
        .order_by(NpsRound.created_at, NpsRound.id)
    ).all()
    rows = []
    for round_id, period_start, period_end, created_at in rounds:
        groups = {group: count_at(counts, 0, f"{round_id}-{group}") for group in NPS_GROUPS}
        total = sum(groups.values())
        score = 100.0 * (groups["promoter"] - groups["detractor"]) / total if total else None
        label = _(
            "%(sent)s (customers active %(start)s to %(end)s)",
            sent=created_at.astimezone(rng.zone).date().isoformat(),
            start=period_start.astimezone(rng.zone).date().isoformat(),
            end=(period_end.astimezone(rng.zone).date()).isoformat(),
        )
        rows.append(
            Row(
                label,
                (
                    count_cell(total, "nps", whole, str(round_id)),
                    *(
                        count_cell(groups[group], "nps", whole, f"{round_id}-{group}")
                        for group in NPS_GROUPS
                    ),
                    number_cell(score, "nps", whole, str(round_id), digits=0),
                ),
            )
        )
    return Table(
        "nps",
        _("Net Promoter Score per round"),
        _(
            "Each survey round sent in the range: answers, promoters (9-10), passives (7-8), "
            "detractors (0-6) and the score (the percentage of promoters minus the "
            "percentage of detractors)."
        ),
        _("Round sent"),
        (_("Answers"), _("Promoters"), _("Passives"), _("Detractors"), _("NPS")),
        tuple(rows),
        chart_columns=(1, 2, 3),
        stacked=True,
    )


SECTIONS: dict[str, Callable[[Figures], Table]] = {
    "complaints": complaints,
    "detector": detector,
    "root_causes": root_causes,
    "ratings": ratings,
    "nps": nps,
    "promises": promises,
    "recovery": recovery,
    "recovery_steps": recovery_steps,
    "repeat_contacts": repeat_contacts,
    "response_times": response_times,
}


def trend_section(*, name: str, rng: TrendRange) -> Table:
    """One section's table; KeyError for an unknown name (the view's 404)."""
    return SECTIONS[name](Figures(rng))


def trend_sections(*, rng: TrendRange, keep: bool = True) -> list[Table]:
    """Every section's table; `keep=False` computes every week instead of taking the kept
    ones (`figures.Figures`)."""
    figures = Figures(rng, keep=keep)
    return [build(figures) for build in SECTIONS.values()]
