"""The pure parts of two-factor sign-in and the audit CSV: the code window and replay
rule, recovery-code typing, the secret's encryption, the QR code, formula quoting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask import Flask

from helpdesk.auth import two_factor
from helpdesk.settings.audit_log import safe_cell

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MOMENT = datetime(2026, 6, 2, 12, 0, 10, tzinfo=UTC)
STEP = int(MOMENT.timestamp()) // 30


def code(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(MOMENT + timedelta(seconds=30 * offset_steps))


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_codes_of_the_current_step_and_one_either_side_match(offset):
    assert two_factor._matching_step(SECRET, code(offset), None, MOMENT) == STEP + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_codes_further_away_do_not(offset):
    if code(offset) in {code(-1), code(0), code(1)}:
        pytest.skip("the same six digits happen to repeat")
    assert two_factor._matching_step(SECRET, code(offset), None, MOMENT) is None


def test_a_step_already_used_and_older_ones_are_refused():
    assert two_factor._matching_step(SECRET, code(0), STEP, MOMENT) is None
    assert two_factor._matching_step(SECRET, code(-1), STEP, MOMENT) is None
    assert two_factor._matching_step(SECRET, code(1), STEP, MOMENT) == STEP + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_malformed_codes_never_match(typed):
    assert two_factor._matching_step(SECRET, typed, None, MOMENT) is None


def test_spaces_and_hyphens_are_forgiven():
    spaced = code(0)[:3] + " " + code(0)[3:]
    assert two_factor._matching_step(SECRET, spaced, None, MOMENT) == STEP
    assert two_factor.clean_code(" AbCde-FGhjk ") == "abcdefghjk"
    assert two_factor._code_hash("abcde-fghjk") == two_factor._code_hash("ABCDE FGHJK")


def test_the_secret_is_encrypted_and_needs_the_same_key():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "one key " * 5
    with app.app_context():
        stored = two_factor.encrypt_secret(SECRET)
        assert SECRET not in stored
        assert two_factor.decrypt_secret(stored) == SECRET
        assert two_factor.decrypt_secret("garbage") is None
    app.config["SECRET_KEY"] = "another key " * 5
    with app.app_context():
        assert two_factor.decrypt_secret(stored) is None


def test_the_qr_code_is_a_png_data_uri():
    uri = two_factor.qr_data_uri("otpauth://totp/Helpdesk:a%40example.com?secret=" + SECRET)
    assert uri.startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("Ana", "Ana"),
        ("", ""),
    ],
)
def test_csv_cells_that_spreadsheets_would_run_are_quoted(text, expected):
    assert safe_cell(text) == expected
