"""The trends dashboard's sections about the team's own work: promises, recoveries and
their steps, repeat contacts and response times (`sections.py` lists every section)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from helpdesk.founders.trends import (
    TOTAL,
    Row,
    Table,
    count_at,
    count_cell,
    hours_at,
    number_cell,
    week_label,
)
from helpdesk.founders.trends.figures import Figures
from helpdesk.founders.trends.metrics import PROMISE_KEYS
from helpdesk.models.recovery import STEPS


def promises(figures: Figures) -> Table:
    weeks = figures.weeks
    counts = figures.counts("promise")
    rows = tuple(
        Row(
            week_label(week),
            tuple(
                count_cell(count_at(counts, index, key), "promise", week, key)
                for key in PROMISE_KEYS
            ),
        )
        for index, week in enumerate(weeks)
    )
    return Table(
        "promises",
        _("Promises per week"),
        _("Promises by the week they fell due: kept (early ones included), kept early, missed."),
        _("Week of"),
        (_("Kept"), _("Kept early"), pgettext("promise", "Missed")),
        rows,
        chart_columns=(0, 1, 2),
    )


def recovery(figures: Figures) -> Table:
    weeks = figures.weeks
    started = figures.counts("recovery_started")
    completed = figures.counts("recovery_completed")
    rows = []
    for index, week in enumerate(weeks):
        begun, done = count_at(started, index, None), count_at(completed, index, None)
        share = 100.0 * done / begun if begun else None
        rows.append(
            Row(
                week_label(week),
                (
                    count_cell(begun, "recovery_started", week),
                    count_cell(done, "recovery_completed", week),
                    number_cell(share, "recovery_completed", week),
                ),
            )
        )
    return Table(
        "recovery",
        _("Recovery completion"),
        _("Recoveries started each week, how many reached completion, and the share (%)."),
        _("Week of"),
        (_("Started"), _("Completed"), _("Completed (%)")),
        tuple(rows),
        chart_columns=(0, 1),
    )


def recovery_steps(figures: Figures) -> Table:
    rng = figures.rng
    whole = rng.whole
    counts = figures.whole_counts("recovery_step")
    medians = figures.whole_medians("recovery_step")
    labels = {
        "hear": _("Hear"),
        "empathize": _("Empathize"),
        "apologize": _("Apologize"),
        "resolve": pgettext("HEARD step", "Resolve"),
        "diagnose": _("Diagnose"),
    }
    rows = tuple(
        Row(
            labels[step],
            (
                count_cell(count_at(counts, 0, step), "recovery_step", whole, step),
                number_cell(hours_at(medians, 0, step), "recovery_step", whole, step),
            ),
        )
        for step in STEPS
    )
    return Table(
        "recovery_steps",
        _("Median time per HEARD step"),
        _(
            "For recoveries started in the range: each step done (skipped ones left out) and "
            "the median hours since the step before (Hear: since the recovery started)."
        ),
        _("Step"),
        (_("Done"), _("Median hours")),
        rows,
        chart_columns=(1,),
        chart_unit=_("hours"),
    )


def repeat_contacts(figures: Figures) -> Table:
    rng = figures.rng
    weeks = figures.weeks
    whole = rng.whole
    counts = figures.counts("repeat_contact", total=True)
    rows = tuple(
        Row(
            week_label(week),
            (count_cell(count_at(counts, index, None), "repeat_contact", week),),
        )
        for index, week in enumerate(weeks)
    )
    footer = (
        Row(
            _("Whole range"), (count_cell(count_at(counts, TOTAL, None), "repeat_contact", whole),)
        ),
    )
    return Table(
        "repeat_contacts",
        _("Customers with repeat contacts"),
        _(
            "Customers with a ticket that week that is part of a run of repeat contacts "
            "(by default 3 or more tickets within 14 days; the founder settings). The last "
            "row counts each customer once over the whole range."
        ),
        _("Week of"),
        (_("Customers"),),
        rows,
        footer=footer,
    )


def response_times(figures: Figures) -> Table:
    weeks = figures.weeks
    first_counts = figures.counts("first_response")
    first_medians = figures.medians("first_response")
    resolved_counts = figures.counts("resolution")
    resolved_medians = figures.medians("resolution")
    rows = tuple(
        Row(
            week_label(week),
            (
                count_cell(count_at(first_counts, index, None), "first_response", week),
                number_cell(hours_at(first_medians, index, None), "first_response", week),
                count_cell(count_at(resolved_counts, index, None), "resolution", week),
                number_cell(hours_at(resolved_medians, index, None), "resolution", week),
            ),
        )
        for index, week in enumerate(weeks)
    )
    return Table(
        "response_times",
        _("First response and resolution times"),
        _(
            "First response: tickets opened that week that got a public reply, and the median "
            "hours to it. Resolution: tickets whose final resolve (no reopen after it) fell in "
            "that week, and the median hours from opening to that resolve."
        ),
        _("Week of"),
        (
            _("Answered"),
            _("Median first response (hours)"),
            _("Resolved"),
            _("Median resolution (hours)"),
        ),
        rows,
        chart_columns=(1, 3),
        chart_unit=_("hours"),
    )
