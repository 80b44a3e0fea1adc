"""The NPS arithmetic and the answer groups."""

from __future__ import annotations

import pytest

from helpdesk.feedback.nps import nps_score
from helpdesk.models import NpsResponse


@pytest.mark.parametrize(
    ("promoters", "detractors", "responded", "expected"),
    [
        (0, 0, 0, None),
        (1, 0, 1, 100),
        (0, 1, 1, -100),
        (2, 1, 4, 25),
        (1, 1, 3, 0),
        (2, 0, 3, 67),
    ],
)
def test_nps_is_percent_promoters_minus_percent_detractors(
    promoters: int, detractors: int, responded: int, expected: int | None
) -> None:
    assert nps_score(promoters, detractors, responded) == expected


@pytest.mark.parametrize(
    ("score", "group"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_groups(score: int, group: str) -> None:
    assert NpsResponse(score=score).group == group
