"""Translated names of the three ratings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

RATING_LABELS = {
    "good": _l("Good"),
    "okay": _l("Okay"),
    "bad": _l("Bad"),
}
