"""What the recovery panel says at each HEARD step: one line of guidance and a short
checklist, in the agent's language; and the blame-shifting words an apology should avoid."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

STEP_LABELS = {
    "hear": _l("Hear"),
    "empathize": _l("Empathize"),
    "apologize": _l("Apologize"),
    # The step, not the action ("Resolve" on the founders' queue): some languages differ.
    "resolve": lazy_pgettext("HEARD step", "Resolve"),
    "diagnose": _l("Diagnose"),
}

GUIDANCE = {
    "hear": _l("Let the customer tell the whole story. Read every message before you answer."),
    "empathize": _l("Show you understand how they feel — their feelings are real to them."),
    "apologize": _l("Apologise sincerely, even for feelings you did not cause. No “but”."),
    "resolve": _l(
        "Fix it fast, or ask what would make it right. Promise an update if you can't fix it now."
    ),
    "diagnose": _l("Find the process that let this happen — never the person — and fix it."),
}

CHECKLISTS = {
    "hear": (
        _l("Read the whole conversation to the end"),
        _l("Write the problem in the customer's own words"),
        _l("Don't interrupt or correct them yet"),
    ),
    "empathize": (
        _l("Name the feeling (frustrated, worried, let down)"),
        _l("Use their name"),
    ),
    "apologize": (
        _l("Say sorry without “but”, “unfortunately you” or “policy”"),
        _l("Own the mistake as a company"),
    ),
    "resolve": (
        _l("Fix it now if you can"),
        _l("Or ask: what can we do to make this right?"),
        _l("Record what was done"),
    ),
    "diagnose": (
        _l("Pick the root cause"),
        _l("Describe what in the process let it happen"),
        _l("Propose the fix to the process"),
    ),
}

# Words that turn an apology into an excuse, per language; matched case-insensitively.
BLAME_WORDS = {
    "en": (
        "but",
        "however",
        "unfortunately you",
        "our policy",
        "policy",
        "you should have",
        "as I said",
        "as mentioned",
    ),
    # Not "แต่" ("but"): it sits inside common words such as ตั้งแต่ ("since").
    "th": ("นโยบาย", "ตามที่แจ้งไปแล้ว", "คุณควรจะ"),
    "id": ("tapi", "tetapi", "namun", "kebijakan", "sayangnya Anda", "seharusnya Anda"),
    "bn": ("কিন্তু", "নীতিমালা", "আপনার উচিত ছিল"),
}
