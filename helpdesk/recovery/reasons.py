"""Why a message looks like a complaint: reasons stored as codes with the ticket, and put
into words, in the reader's language, when shown."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, ngettext

REASON_CODES = frozenset(
    ("refund", "cancel", "strong_words", "negative_words", "repeat_words", "repeat_contact")
    + ("shouting", "negative_tone", "model_words", "waiting")
)
MAX_WORDS = 5
MAX_WORD_CHARS = 100


@dataclass(frozen=True)
class Reason:
    """One reason a message looks like a complaint, storable as JSON with the ticket."""

    code: str
    words: tuple[str, ...] = ()
    count: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "words": list(self.words), "count": self.count}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Reason:
        """Read a stored reason back; anything unrecognisable becomes code "unknown", and a
        bad `words` or `count` field falls back to its default."""
        if not isinstance(data, dict):
            return cls("unknown")
        code = data.get("code")
        if not isinstance(code, str) or code not in REASON_CODES:
            return cls("unknown")
        raw_words = data.get("words")
        words: tuple[str, ...] = ()
        if isinstance(raw_words, list | tuple):
            words = tuple(w[:MAX_WORD_CHARS] for w in raw_words if isinstance(w, str))
        count = data.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            count = 0
        return cls(code, words[:MAX_WORDS], max(0, min(count, 1_000_000)))


def describe(reason: Reason) -> str:
    """The reason in words for the agent, in the agent's language (needs an app context)."""
    if reason.code == "repeat_contact":
        count = max(reason.count, 1)
        return ngettext("%(num)d contact this week", "%(num)d contacts this week", count)
    if reason.code == "waiting":
        count = max(reason.count, 1)
        return ngettext(
            "Wrote again after waiting %(num)d hour for us",
            "Wrote again after waiting %(num)d hours for us",
            count,
        )
    labels = {
        "refund": gettext("Mentions a refund"),
        "cancel": gettext("Wants to cancel or leave"),
        "strong_words": gettext("Strongly negative words"),
        "negative_words": gettext("Negative words"),
        "repeat_words": gettext("Says it has happened before"),
        "shouting": gettext("Shouting (capital letters or !!!)"),
        "negative_tone": gettext("Negative tone overall"),
        "model_words": gettext("Words that weighed most"),
    }
    label = labels.get(reason.code) or gettext("Another reason")
    if not reason.words or reason.code == "refund":
        return label
    return gettext("%(reason)s: %(words)s", reason=label, words=", ".join(reason.words))
