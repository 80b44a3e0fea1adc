"""Redirect targets and role grants."""

from __future__ import annotations

import pytest

from helpdesk.auth.access import safe_next
from helpdesk.models import User


@pytest.mark.parametrize(
    "target",
    ["/inbox", "/tickets/12?tab=notes", "/settings/team#people", "/help/a%2Fb"],
)
def test_same_site_paths_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.com",
        "/\\evil.com",
        "\\/evil.com",
        "https:evil.com",
        "https://evil.com",
        "http://evil.com/inbox",
        "evil.com",
        "javascript:alert(1)",
        "/\t/evil.com",
        "/\n/evil.com",
        "/\x00",
        "///evil.com",
        "/" + "a" * 3000,
    ],
)
def test_offsite_or_odd_targets_are_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    ("role", "grants"),
    [
        ("agent", {"agent"}),
        ("founder", {"agent", "founder"}),
        ("admin", {"agent", "founder", "admin"}),
    ],
)
def test_role_grants(role, grants):
    user = User(role=role)
    assert {r for r in ("agent", "founder", "admin") if user.can(r)} == grants
