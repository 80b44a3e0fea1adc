"""The HEARD phrase library's seed: every language has every phrase English has, in each of
its registers, with the same placeholders; each register keeps to its own voice; the
fallbacks read naturally; and a phrase never comes out with a raw placeholder or a
stranded space."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from helpdesk.models import User
from helpdesk.models.user import DEFAULT_REGISTERS, PHRASE_REGISTERS
from helpdesk.recovery.legacy_phrases import LEGACY_PHRASES
from helpdesk.recovery.seed_data import LIBRARY, thai_khrap
from helpdesk.saved_replies.placeholders import (
    FALLBACKS,
    PLACEHOLDERS,
    fallbacks,
    fill_placeholders,
    placeholders_in,
)

ENGLISH = {seed.key: seed for seed in LIBRARY if seed.language == "en"}
LANGUAGE_REGISTERS = [
    (language, register)
    for language, registers in PHRASE_REGISTERS.items()
    for register in registers
]


def offered(language: str, register: str) -> dict[str, str]:
    """Key -> text of what an agent in `register` is offered in `language`."""
    found: dict[str, str] = {}
    for seed in LIBRARY:
        if seed.language == language and seed.register in (None, register):
            assert seed.key not in found, f"{language}/{register} has {seed.key} twice"
            found[seed.key] = seed.text
    return found


def test_english_has_the_whole_library_once():
    keys = [seed.key for seed in LIBRARY if seed.language == "en"]
    assert len(keys) == len(set(keys)) == 23
    assert all(seed.register is None for seed in ENGLISH.values())


@pytest.mark.parametrize(("language", "register"), LANGUAGE_REGISTERS)
def test_every_language_and_register_has_every_english_phrase(language, register):
    have = offered(language, register)
    missing = sorted(ENGLISH.keys() - have.keys())
    assert not missing, f"{language}/{register} lacks {missing}"
    assert not sorted(have.keys() - ENGLISH.keys()), "a key English does not have"


@pytest.mark.parametrize(("language", "register"), LANGUAGE_REGISTERS)
def test_each_phrase_uses_the_placeholders_english_uses(language, register):
    for key, text in offered(language, register).items():
        assert placeholders_in(text) == placeholders_in(ENGLISH[key].text), (language, key)


def test_registers_are_only_the_languages_registers():
    for seed in LIBRARY:
        assert seed.register is None or seed.register in PHRASE_REGISTERS[seed.language]
        assert seed.step in {"hear", "empathize", "apologize", "resolve", "diagnose"} | {
            "promise",
            "closing",
        }


def test_thai_registers_keep_to_their_pronoun_and_particle():
    for key, text in offered("th", "kha").items():
        assert "ครับ" not in text and "ผม" not in text, key
        assert re.search(r"ค่ะ|คะ", text), f"{key} has no polite particle"
    for key, text in offered("th", "khrap").items():
        assert not re.search(r"ค่ะ|คะ|ดิฉัน", text), key
        assert "ครับ" in text, key


def test_thai_khrap_turns_statements_and_questions_alike():
    assert thai_khrap("ดิฉันช่วยได้ค่ะ") == "ผมช่วยได้ครับ"
    assert thai_khrap("ใช่ไหมคะ") == "ใช่ไหมครับ"
    assert thai_khrap("ขอบคุณนะคะ") == "ขอบคุณนะครับ"


def test_indonesian_registers_do_not_mix_kak_and_anda():
    for key, text in offered("id", "formal").items():
        assert "Kak" not in text, key
    for key, text in offered("id", "friendly").items():
        assert "Anda" not in text, key
        assert not re.search(r"\bkamu\b", text, re.IGNORECASE), key


def test_bengali_is_always_apni():
    for register in PHRASE_REGISTERS["bn"]:
        for key, text in offered("bn", register).items():
            assert not re.search(r"তুমি|তোমার|তোমাকে", text), key


def test_the_scolding_and_literal_phrases_are_gone():
    texts = " ".join(seed.text for seed in LIBRARY)
    for old in (
        "คุณไม่ควรต้องติดต่อเราหลายครั้ง",
        "Anda tidak seharusnya menghubungi kami",
        "আমাদের লেখার জন্য",
        "{issue_summary} is fixed on our side",
    ):
        assert old not in texts
    assert "{resolution}" in ENGLISH["resolve.done"].text


def test_every_old_seeded_phrase_has_its_key_in_the_new_library():
    keys = {(seed.key, seed.language) for seed in LIBRARY}
    for key, step, language, _text in LEGACY_PHRASES:
        assert (key, language) in keys
        assert key.split(".")[0] == step


def test_every_language_has_a_fallback_for_every_placeholder():
    for language, words in FALLBACKS.items():
        assert set(words) == set(PLACEHOLDERS), language


def test_fallbacks_read_naturally():
    assert fallbacks("th")["agent_name"] == "ทีมบริการลูกค้า"  # the glossary's term
    assert "Kak" not in fallbacks("id", "formal")["customer_first_name"]
    assert fallbacks("id", "formal")["customer_first_name"] == "Bapak/Ibu"
    assert "বন্ধু" not in fallbacks("bn").values()
    assert fill_placeholders("คุณ{customer_first_name}", {}, "th") == "คุณลูกค้า"
    # Friendly Indonesian writes "Kak {name}": without a name it reads "Kak", not "Kak Kak".
    assert (
        fill_placeholders("Maaf ya, Kak {customer_first_name}.", {}, "id", "friendly")
        == "Maaf ya, Kak."
    )
    assert (
        fill_placeholders(
            "Maaf ya, Kak {customer_first_name}.", {"customer_first_name": "Budi"}, "id", "friendly"
        )
        == "Maaf ya, Kak Budi."
    )


def test_a_kept_placeholder_stays_for_the_panel_to_fill():
    text = "Here's what I've done: {resolution}. — {agent_first_name}"
    assert (
        fill_placeholders(text, {"agent_first_name": "Dewi"}, "en", keep=frozenset({"resolution"}))
        == "Here's what I've done: {resolution}. — Dewi"
    )
    assert (
        fill_placeholders(
            text, {"resolution": "I refunded it"}, "en", keep=frozenset({"resolution"})
        )
        == "Here's what I've done: I refunded it. — the support team"
    )


@pytest.mark.parametrize(("language", "register"), [("en", None), *LANGUAGE_REGISTERS])
def test_every_phrase_renders_cleanly_without_any_values(language, register):
    for key, text in (
        offered(language, register) if register else {k: s.text for k, s in ENGLISH.items()}
    ).items():
        rendered = fill_placeholders(text, {}, language, register)
        assert "{" not in rendered and "}" not in rendered, key
        assert "  " not in rendered and not re.search(r" [,.?!।]", rendered), (key, rendered)


def test_an_agent_register_defaults_per_language_and_ignores_bad_values():
    user = User(name="Somchai Wong", phrase_voice={})
    assert {language: user.phrase_register(language) for language in PHRASE_REGISTERS} == (
        DEFAULT_REGISTERS
    )
    assert user.phrase_register("en") is None and user.phrase_register(None) is None
    user.phrase_voice = {"th": "khrap", "id": "khrap", "bn": "friendly"}
    assert user.phrase_register("th") == "khrap"
    assert user.phrase_register("id") == "formal"  # not an Indonesian register
    assert user.phrase_register("bn") == "friendly"


def test_the_library_has_each_language_in_each_register_in_english_order():
    order: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for seed in LIBRARY:
        order[(seed.language, seed.register)].append(seed.key)
    english = list(ENGLISH)
    for (language, register), keys in order.items():
        assert keys == [key for key in english if key in keys], (language, register)
