"""Search terms and highlighting: what a query is split into, and how matches are marked."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from helpdesk.search.terms import MAX_TERM_LENGTH, MAX_TERMS, highlight, query_terms


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Refund  please", ["refund", "please"]),
        ("REFUND refund Refund", ["refund"]),
        ("  ", []),
        ("", []),
        ("\"'*()^:-%_\\", []),
        ("😀🎉", []),
        ("alice@example.com", ["alice@example.com"]),
        ("don't", ["don't"]),
        ('"refund NEAR(broken laptop)"', ["refund", "near", "broken", "laptop"]),
        ("refund* -broken +laptop^2", ["refund", "broken", "laptop"]),
        ("#42", ["42"]),
        ("50% off", ["off"]),  # "50" is short and there is a longer term
        ("a_b%c\\d", ["a_b%c\\d"]),
        ("I am ok", ["i", "am", "ok"]),  # only short terms: all kept
        ("ผมอยากขอคืนเงินครับ", ["ผมอยากขอคืนเงินครับ"]),
        ("টাকা ফেরত", ["টাকা", "ফেরত"]),
        ("Pengembalian dana", ["pengembalian", "dana"]),
        ("a\x00b\x07cde", ["cde"]),
    ],
)
def test_query_terms(query, terms):
    assert query_terms(query) == terms


def test_query_terms_are_bounded():
    words = [f"word{n}" for n in range(50)]
    assert query_terms(" ".join(words)) == words[:MAX_TERMS]
    assert query_terms("x" * 500) == ["x" * MAX_TERM_LENGTH]


def test_marks_each_term_case_insensitively():
    assert highlight("Refund for a broken REFUND", "refund broken") == Markup(
        "<mark>Refund</mark> for a <mark>broken</mark> <mark>REFUND</mark>"
    )


def test_escapes_html_in_the_text_and_in_the_query():
    marked = highlight("<script>alert(1)</script> refund", "<script> refund")
    assert "<script>" not in marked
    assert marked == Markup(
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>refund</mark>"
    )
    assert highlight("<img src=x onerror='alert(1)'>", '"><img src=x>') == Markup(
        "&lt;<mark>img</mark> <mark>src</mark>=x onerror=&#39;alert(1)&#39;&gt;"
    )


def test_marks_a_thai_word_inside_a_thai_sentence():
    assert highlight("ผมอยากขอคืนเงินครับ", "คืนเงิน") == Markup("ผมอยากขอ<mark>คืนเงิน</mark>ครับ")


def test_marks_bengali_and_escapes_around_it():
    assert highlight("আমি <টাকা> ফেরত চাই", "টাকা") == Markup("আমি &lt;<mark>টাকা</mark>&gt; ফেরত চাই")


def test_overlapping_terms_mark_the_longest():
    assert highlight("refunded", "refund refunded") == Markup("<mark>refunded</mark>")


def test_nothing_to_mark():
    assert highlight("<i>text</i>", "") == Markup("&lt;i&gt;text&lt;/i&gt;")
    assert highlight("", "refund") == Markup("")
    assert highlight("a % b", "%") == Markup("a % b")
