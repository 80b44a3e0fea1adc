"""Isolating text that is not ours in plain text (`helpdesk.bidi.isolate`): FSI before it,
PDI after it, and nothing inside able to end the isolate early or keep it open."""

from __future__ import annotations

from helpdesk.bidi import FSI, PDI, isolate

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
LRI, RLI = "\u2066", "\u2067"


def test_a_name_goes_between_first_strong_isolate_and_pop_directional_isolate():
    assert isolate("Ann Lee") == f"{FSI}Ann Lee{PDI}"
    assert isolate("নুসরাত") == f"{FSI}নুসরাত{PDI}"
    assert isolate(42) == f"{FSI}42{PDI}"


def test_nothing_stays_nothing():
    assert isolate("") == ""
    assert isolate(None) == ""


def test_an_unbalanced_override_stays_inside():
    """UAX #9 (X6a): the PDI closing the isolate also ends the override opened in it."""
    assert isolate(f"Ann {RLO}moc.liame") == f"{FSI}Ann {RLO}moc.liame{PDI}"


def test_a_stray_pdi_cannot_close_the_isolate_early():
    assert isolate(f"x{PDI}{RLO}evil") == f"{FSI}x{RLO}evil{PDI}"
    assert isolate(f"{PDI}{PDI}") == f"{FSI}{PDI}"


def test_isolates_left_open_inside_are_closed():
    assert isolate(f"a{RLI}b") == f"{FSI}a{RLI}b{PDI}{PDI}"
    assert isolate(f"a{LRI}b{PDI}c{FSI}") == f"{FSI}a{LRI}b{PDI}c{FSI}{PDI}{PDI}"


def test_a_paragraph_break_inside_cannot_let_the_rest_out():
    """A new paragraph ends every isolate, so line breaks inside one value become spaces."""
    assert isolate(f"Ann\n{RLO}x\r\ny\u2029z") == f"{FSI}Ann {RLO}x  y z{PDI}"
