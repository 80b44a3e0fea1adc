"""The shortcuts to Flask-Babel's per-request state (`helpdesk.i18n`) agree with
Flask-Babel's own accessors, also inside `force_locale` and after `refresh`: they read
Flask-Babel's attribute names, so a Flask-Babel upgrade that renames them fails here."""

from __future__ import annotations

from flask import g
from flask.globals import _cv_app
from flask_babel import force_locale, get_locale, get_timezone, get_translations

from helpdesk.i18n import (
    gettext,
    locale_in_use,
    timezone_in_use,
    translations_in_use,
    use_language,
)


def test_shortcuts_agree_with_flask_babel(app):
    with app.test_request_context("/", headers={"Accept-Language": "th"}):
        assert str(locale_in_use()) == "th"
        assert locale_in_use() is get_locale()
        assert timezone_in_use() is get_timezone()
        assert translations_in_use() is get_translations()
        assert translations_in_use() is translations_in_use()  # kept for the request
        assert g._flask_babel.babel_locale is get_locale()  # Flask-Babel's own name
        assert _cv_app.get().g is g._get_current_object()  # Flask's context variable


def test_force_locale_and_refresh_change_the_translations(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = gettext("Inbox")
        assert english == "Inbox"
        with force_locale("bn"):
            assert str(locale_in_use()) == "bn"
            assert gettext("Inbox") != english
            assert translations_in_use() is get_translations()
        assert gettext("Inbox") == english
        use_language("id")  # a customer's chosen language: Flask-Babel's refresh()
        assert str(locale_in_use()) == "id"
        assert gettext("Inbox") != english
        assert gettext("Ticket #%(number)d is open.", number=7).count("7") == 1


def test_outside_a_request_the_default_locale_and_no_translation(app):
    with app.app_context():
        assert gettext("Inbox") == "Inbox"
    assert locale_in_use() is None
    assert gettext("Inbox") == "Inbox"


def test_labels_in_use_follow_the_locale_and_translate_each_language_once(app, monkeypatch):
    from flask_babel import lazy_gettext

    from helpdesk import i18n

    labels = i18n.LabelsInUse({"inbox": lazy_gettext("Inbox")})
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert labels["inbox"] == "Inbox"
        assert dict(labels) == {"inbox": "Inbox"} and len(labels) == 1
        with force_locale("bn"):
            bengali = labels["inbox"]
            assert bengali != "Inbox"
        assert labels.texts() == {"inbox": "Inbox"}
    translated: list[str] = []
    monkeypatch.setattr(i18n, "locale_in_use", lambda: translated.append("looked up") or "bn")
    assert labels["inbox"] == bengali  # kept: not translated again
