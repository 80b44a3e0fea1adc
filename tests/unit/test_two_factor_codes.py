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


def _person(**fields: object):  # type: ignore[no-untyped-def]
    from helpdesk.models import User

    values = {
        "id": 7,
        "password_hash": "scrypt:one",
        "totp_secret": "sealed-secret",
        "totp_enabled_at": MOMENT,
    }
    values.update(fields)
    return User(**values)


def test_a_remembered_device_is_bound_to_the_password_and_the_second_factor():
    same = two_factor._device_binding(_person())
    assert two_factor._device_binding(_person()) == same
    assert two_factor._device_binding(_person(password_hash="scrypt:two")) != same
    assert two_factor._device_binding(_person(totp_secret="another")) != same
    assert two_factor._device_binding(_person(totp_enabled_at=MOMENT + timedelta(1))) != same
    assert two_factor._device_binding(_person(id=8)) != same


def test_the_remembered_device_cookie_is_signed_and_names_one_user():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "one key " * 5
    person = _person()
    with app.app_context():
        cookie = two_factor._device_serializer().dumps(
            {"u": person.id, "b": two_factor._device_binding(person)}
        )
        with app.test_request_context(headers={"Cookie": f"{two_factor.DEVICE_COOKIE}={cookie}"}):
            assert two_factor.is_remembered_device(person)
            assert not two_factor.is_remembered_device(_person(id=8))
            assert not two_factor.is_remembered_device(_person(password_hash="scrypt:new"))
        forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        with app.test_request_context(headers={"Cookie": f"{two_factor.DEVICE_COOKIE}={forged}"}):
            assert not two_factor.is_remembered_device(person)
