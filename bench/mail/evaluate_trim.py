#!/usr/bin/env python3
"""Measure the inbound reply trimmer on our own mail corpus and on another project's
reply-parser fixtures.

    .venv/bin/python bench/mail/evaluate_trim.py [--crisp DIR] [--github DIR] [--show]

Ours: every message in tests/fixtures/mail/replies/ parsed as the app parses mail, its body
compared with expected.json ("exact": the same text, whitespace at line ends and Markdown
bold aside;
"kept": every line the customer wrote is in the body). Theirs (--crisp, a checkout of
crisp-oss/email-reply-parser at 0b3704c, MIT, not committed): the 42 fixtures its own
tests expect to reduce to one known paragraph (replies above the history, in a dozen
languages and clients). --github, a checkout of github/email_reply_parser at 59e5859
(MIT, not committed): the 8 fixtures its tests give a whole expected reply for (Outlook
replies, device signatures, a sentence that only looks like one, bullets). Prints the
rates for our trimmer and for the mail-parser-reply
library on the same messages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "tests" / "fixtures" / "mail" / "replies"
CRISP_PARAGRAPH = (
    "Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra "
    "sodales ante sem sit amet metus."
)
# The fixtures crisp-oss/email-reply-parser's test.js expects to reduce to its common
# first paragraph (COMMON_FIRST_FRAGMENT).
CRISP_CASES = (
    "email_7 email_8 email_9 email_10 email_11 email_12 email_13 email_14 email_15 "
    "email_16 email_17 email_18 email_22 email_23 email_25 email_26 email_portuguese "
    "email_german email_german_2 email_german_3 email_german_outlook email_norwegian_gmail "
    "email_finnish email_italian email_russian email_24 email_outlook_split_line_from "
    "email_gmail_split_line_from email_ios_outlook_fr email_ios_outlook email_msn "
    "email_fr_multiline email_en_multiline_2 email_original_message "
    "email_original_message_2 email_danish_dash_separator email_french_dash_separator "
    "email_tricky_5_mixed_languages email_tricky_10_special_chars_in_name "
    "email_tricky_12_no_space_after_header email_tricky_14_long_quote_header "
    "email_tricky_15_original_message_variations"
).split()


# github/email_reply_parser's test file names each fixture's expected `parse_reply`.
GITHUB_CASES = {
    "email_2_1": "Outlook with a reply",
    "email_2_2": "Outlook with a reply directly above line",
    "email_2_3": "Outlook with a reply directly above line",
    "email_iPhone": "Here is another email",
    "email_BlackBerry": "Here is another email",
    "email_multi_word_sent_from_my_mobile_device": "Here is another email",
    "email_sent_from_my_not_signature": (
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone."
    ),
    "email_bullets": (
        "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n"
        "   - how about bullets\n   - and another"
    ),
}


def normal(text: str) -> str:
    """Line ends and blank-line runs aside; bold from HTML mail (the body is Markdown:
    `<strong>Sari</strong>` becomes `**Sari**`) counts as the same text."""
    text = text.replace("**", "")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def kept(expected: str, got: str) -> bool:
    got = got.replace("**", "")
    return all(line.strip() in got for line in expected.splitlines() if line.strip())


def library_trim(text: str) -> str:
    from mailparser_reply import EmailReplyParser
    from mailparser_reply.constants import MAIL_LANGUAGES

    return str(EmailReplyParser(languages=sorted(MAIL_LANGUAGES)).parse_reply(text=text))


def score(cases: list[tuple[str, str, str]], trim, show: bool, label: str) -> None:  # type: ignore[no-untyped-def]
    exact = soft = 0
    for name, text, expected in cases:
        got = trim(text)
        is_exact, is_kept = normal(got) == normal(expected), kept(expected, got)
        exact += is_exact
        soft += is_kept
        if show and not is_exact:
            print(f"  {label} {name}: {'kept' if is_kept else 'LOST TEXT'}")
    total = len(cases)
    print(
        f"{label}: exact {exact}/{total} ({exact / total:.0%}), customer text kept "
        f"{soft}/{total} ({soft / total:.0%})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crisp", type=Path, help="checkout of crisp-oss/email-reply-parser")
    parser.add_argument("--github", type=Path, help="checkout of github/email_reply_parser")
    parser.add_argument("--show", action="store_true", help="name the messages that differ")
    args = parser.parse_args()
    from helpdesk.mail.parse import parse_email
    from helpdesk.mail.parse_trim import trim_reply

    expected = json.loads((OURS / "expected.json").read_text(encoding="utf-8"))
    ours = []
    for name, entry in sorted(expected.items()):
        parsed = parse_email((OURS / name).read_bytes())
        ours.append((name, parsed.text, entry["expected"]))
    print(f"Our corpus ({len(ours)} messages, tests/fixtures/mail/replies):")
    score([(n, t, e) for n, t, e in ours], trim_reply, args.show, "  helpdesk trimmer")
    score(ours, library_trim, False, "  mail-parser-reply")
    if args.crisp:
        folder = args.crisp / "test" / "fixtures"
        paragraph = (folder / "email_7.txt").read_text(encoding="utf-8")
        first = normal(paragraph.split("\n\n")[0])
        assert first.startswith(CRISP_PARAGRAPH)  # noqa: S101
        crisp = [
            (name, (folder / f"{name}.txt").read_text(encoding="utf-8"), first)
            for name in CRISP_CASES
        ]
        print(f"crisp-oss/email-reply-parser fixtures ({len(crisp)} replies above history):")
        score(crisp, trim_reply, args.show, "  helpdesk trimmer")
        score(crisp, library_trim, False, "  mail-parser-reply")
    if args.github:
        folder = args.github / "test" / "emails"
        github = [
            (name, (folder / f"{name}.txt").read_text(encoding="utf-8"), expected)
            for name, expected in GITHUB_CASES.items()
        ]
        print(f"github/email_reply_parser fixtures ({len(github)} with a whole expected reply):")
        score(github, trim_reply, args.show, "  helpdesk trimmer")
        score(github, library_trim, False, "  mail-parser-reply")
    return 0


if __name__ == "__main__":
    sys.exit(main())
