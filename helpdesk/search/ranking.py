"""What the search engines share: the field weights and scores, and for tickets the plan
(which terms are common where, and the rare term that bounds the answer) and the shape of
one arm of matches (`search.tickets` has the whole story).

The engines read `CANDIDATES` through this module (`ranking.CANDIDATES`), so a test can
change it in one place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

SUBJECT_WEIGHT = 3.0
CUSTOMER_WEIGHT = 2.0
MESSAGE_WEIGHT = 1.0
# What any match scores before the engine's own rank is added (bm25 gives next to nothing
# for a term found in most rows); all a substring-only match on PostgreSQL or a scanned
# short term scores.
MATCH_SCORE = 0.1
# A term matching more rows of one field than this is "common" there: it is not ranked
# (bm25 and ts_rank look at every match first), and when every term of the query is
# common, only its newest CANDIDATES matches per field are read.
CANDIDATES = 500
# Far above any text score, so the ticket with the number asked for comes first.
NUMBER_SCORE = 1_000_000.0
# Articles: a term in the title counts this many times one in the body.
ARTICLE_TITLE_WEIGHT = 10.0
ARTICLE_BODY_WEIGHT = 1.0

# A model attribute or any SQL expression.
Expression = sa.ColumnElement[Any] | QueryableAttribute[Any]
# One source of matches: (ticket_id, term index, score, 1 if a ticket-number hit).
Arm = sa.Select[int, int, float, int]


@dataclass(frozen=True)
class Plan:
    """Which (term index, FTS table) pairs are common, and the rare term, if any, whose
    tickets bound the answer."""

    common: dict[tuple[int, str], bool]
    anchor: tuple[int, str] | None  # (index, term)
    # PostgreSQL: the rows each probe found, per (term index, field): every match of a rare
    # term, the newest CANDIDATES of a common one.
    rows: dict[tuple[int, str], list[int]] = dataclasses.field(default_factory=dict)


def float_score(value: float) -> sa.ColumnElement[float]:
    return sa.cast(sa.literal_column(repr(float(value))), sa.Float)


def match_arm(ticket_id: Expression, index: int, score: sa.ColumnElement[Any]) -> Arm:
    return sa.select(
        ticket_id.label("ticket_id"),
        sa.literal_column(str(index), sa.Integer).label("term"),
        sa.cast(score, sa.Float).label("score"),
        sa.literal_column("0", sa.Integer).label("number_hit"),
    )
