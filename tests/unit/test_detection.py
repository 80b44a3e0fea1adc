"""Complaint detection: labelled messages in English, Thai, Indonesian and Bengali measured
for precision and recall, and the detector's reasons, negation, storage and robustness."""

from __future__ import annotations

import json

import pytest

from helpdesk.recovery.detection import COMPLAINT_THRESHOLD, Detection, detect
from helpdesk.recovery.reasons import Reason, describe

C, OK = True, False  # is it a complaint?

# (text, language, is_complaint). Labels were written before running the detector; a few
# are expected to be misclassified, and that is what the measurement is for.
EXAMPLES: list[tuple[str, str, bool]] = [
    # English
    ("This is the worst service I have ever used. Absolutely unacceptable.", "en", C),
    ("I want a refund for the duplicate charge on my card.", "en", C),
    ("Cancel my subscription and close my account, I'm switching to another provider.", "en", C),
    (
        "The export is broken again. Third time I'm reporting this and it's still not fixed.",
        "en",
        C,
    ),
    ("You charged me twice and nobody replied to my emails. Really frustrated.", "en", C),
    ("Scam. You took my money and the app doesn't work.", "en", C),
    ("I've never been so disappointed with a company.", "en", C),
    ("Still waiting for my money back, this is ridiculous.", "en", C),
    ("WHY IS MY ACCOUNT LOCKED AGAIN?? I NEED ACCESS NOW!!!", "en", C),
    ("I'm not happy with how my last ticket was handled.", "en", C),
    ("Hi, how do I add a second user to my team?", "en", OK),
    ("Thanks so much, that fixed it!", "en", OK),
    ("The new dashboard is not bad at all, thanks.", "en", OK),
    ("No problem, take your time, there's no rush.", "en", OK),
    ("How do I cancel a single invoice line?", "en", OK),
    ("What is your refund policy for annual plans?", "en", OK),
    ("Not a big deal, but the button label has a typo.", "en", OK),
    ("Can you remind me again how to export to CSV?", "en", OK),
    ("I got my refund today, thank you for sorting it out so quickly.", "en", OK),
    ("Is it bad if I reset my password twice?", "en", OK),
    # Thai
    ("บริการห่วยมาก รอมาสามวันแล้วยังไม่มีใครตอบ", "th", C),
    ("ขอเงินคืนด้วยครับ สินค้าใช้ไม่ได้เลย", "th", C),
    ("แย่มาก โกงเงินลูกค้าชัดๆ", "th", C),
    ("ยกเลิกสมาชิกให้ด้วย จะไปใช้เจ้าอื่นแล้ว", "th", C),
    ("ระบบล่มอีกแล้ว เป็นครั้งที่สามในสัปดาห์นี้", "th", C),
    ("ผิดหวังมากกับการบริการ ไม่พอใจอย่างแรง", "th", C),
    ("โดนตัดเงินซ้ำสองครั้ง ต้องการเงินคืนทันที", "th", C),
    ("แจ้งไปหลายครั้งแล้วยังไม่ได้รับของ ทนไม่ไหวแล้ว", "th", C),
    ("ทำไมยังไม่ได้รับสินค้า สั่งไปสองอาทิตย์แล้ว ไม่พอใจมาก", "th", C),
    ("รอมาสามวันแล้วนะคะ ยังไม่มีใครติดต่อกลับเลย", "th", C),
    ("สอบถามหน่อยครับ จะเพิ่มผู้ใช้ในทีมได้อย่างไร", "th", OK),
    ("ขอบคุณมากค่ะ ใช้งานได้แล้ว", "th", OK),
    ("ไม่เป็นไรครับ ไม่ต้องรีบ", "th", OK),
    ("แอปใหม่ไม่แย่เลย ชอบครับ", "th", OK),
    ("ไม่มีปัญหาค่ะ ขอบคุณที่แจ้งนะคะ", "th", OK),
    ("นโยบายคืนเงินเป็นอย่างไรบ้างครับ", "th", OK),
    ("อยากทราบวิธียกเลิกรายการในใบแจ้งหนี้หนึ่งรายการ", "th", OK),
    ("ช่วยแนะนำวิธีเปลี่ยนรหัสผ่านหน่อยค่ะ", "th", OK),
    # Indonesian
    ("Pelayanan parah banget, sudah seminggu tidak ada respon!", "id", C),
    ("Saya minta refund, barang yang dikirim rusak.", "id", C),
    ("Ini penipuan, uang saya sudah dipotong tapi pesanan tidak diproses.", "id", C),
    ("Tolong tutup akun saya, saya mau pindah ke layanan lain.", "id", C),
    ("Aplikasinya error lagi-lagi, sudah ketiga kalinya saya lapor.", "id", C),
    ("Saya kecewa berat dengan layanan kalian.", "id", C),
    ("Kenapa saldo saya ditagih dua kali? Tolong kembalikan uang saya.", "id", C),
    ("Sudah tiga hari menunggu dan masih belum ada balasan, sangat mengecewakan.", "id", C),
    ("Saya tidak puas, pesanan saya belum sampai juga.", "id", C),
    ("Halo, bagaimana cara menambah pengguna baru?", "id", OK),
    ("Terima kasih banyak, masalahnya sudah beres.", "id", OK),
    ("Tidak apa-apa, tidak perlu buru-buru.", "id", OK),
    ("Tampilan barunya tidak buruk kok.", "id", OK),
    ("Tidak masalah, saya tunggu kabarnya.", "id", OK),
    ("Bagaimana cara membatalkan satu baris di faktur?", "id", OK),
    ("Mohon info, apakah bisa bayar pakai transfer bank?", "id", OK),
    # Bengali
    ("আপনাদের সার্ভিস একদম জঘন্য, খুবই খারাপ অভিজ্ঞতা।", "bn", C),
    ("আমার টাকা ফেরত চাই, পণ্যটা কাজ করছে না।", "bn", C),
    ("এটা পরিষ্কার প্রতারণা, টাকা কেটে নিয়েছে কিন্তু কিছুই পাইনি।", "bn", C),
    ("আমার অ্যাকাউন্ট বন্ধ করে দিন, আর ব্যবহার করব না।", "bn", C),
    ("আবারও একই সমস্যা, এই নিয়ে তৃতীয়বার জানাচ্ছি।", "bn", C),
    ("তিন দিন ধরে অপেক্ষা করছি, কেউ উত্তর দেয়নি। খুব হতাশ।", "bn", C),
    ("সার্ভিস ভালো না, খুব বিরক্ত লাগছে।", "bn", C),
    ("দুইবার টাকা কেটেছে, রিফান্ড দিন।", "bn", C),
    ("অর্ডার দিয়েছি এক সপ্তাহ হলো, এখনো পণ্য পাইনি। এটা অগ্রহণযোগ্য।", "bn", C),
    ("নতুন ব্যবহারকারী কীভাবে যোগ করব?", "bn", OK),
    ("অনেক ধন্যবাদ, সমাধান হয়ে গেছে।", "bn", OK),
    ("কোনো সমস্যা নেই, ধীরে সুস্থে করুন।", "bn", OK),
    ("নতুন ডিজাইনটা খারাপ না, ভালোই লাগছে।", "bn", OK),
    ("চিন্তা করবেন না, তাড়া নেই।", "bn", OK),
    ("রিফান্ড নীতি সম্পর্কে জানতে চাই।", "bn", OK),
    ("আমার পাসওয়ার্ড ভুলে গেছি, কীভাবে রিসেট করব?", "bn", OK),
]

LANGUAGES = ("en", "th", "id", "bn")


def measure(examples: list[tuple[str, str, bool]]) -> tuple[float, float, list[str]]:
    """Precision, recall and the misclassified texts, complaint meaning score >= threshold."""
    true_pos = false_pos = false_neg = 0
    wrong: list[str] = []
    for text, language, is_complaint in examples:
        predicted = detect(text, language=language).score >= COMPLAINT_THRESHOLD
        true_pos += predicted and is_complaint
        false_pos += predicted and not is_complaint
        false_neg += is_complaint and not predicted
        if predicted != is_complaint:
            wrong.append(text)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    return precision, recall, wrong


def test_the_examples_are_enough_and_balanced():
    for language in LANGUAGES:
        labelled = [example for example in EXAMPLES if example[1] == language]
        assert len(labelled) >= 12
        assert any(is_complaint for *_, is_complaint in labelled)
        assert not all(is_complaint for *_, is_complaint in labelled)


def test_precision_and_recall():
    print()
    for language in (*LANGUAGES, "all"):
        examples = [e for e in EXAMPLES if language in ("all", e[1])]
        precision, recall, wrong = measure(examples)
        print(
            f"complaint detection [{language}] n={len(examples)} "
            f"precision={precision:.2f} recall={recall:.2f} misclassified={wrong}"
        )
    precision, recall, _ = measure(EXAMPLES)
    assert precision >= 0.85
    assert recall >= 0.85


def codes(detection: Detection) -> list[str]:
    return [reason.code for reason in detection.reasons]


def reason(detection: Detection, code: str) -> Reason:
    return next(found for found in detection.reasons if found.code == code)


def test_a_refund_reason_carries_the_word_as_written():
    detection = detect("Please REFUND me, the order never arrived.", language="en")
    assert reason(detection, "refund").words == ("REFUND",)
    assert "negative_words" in codes(detection)


def test_three_contacts_this_week_is_a_reason():
    calm = "Hello, any news about my order?"
    assert "repeat_contact" not in codes(detect(calm, recent_contacts=2))
    detection = detect(calm, recent_contacts=3)
    assert reason(detection, "repeat_contact") == Reason("repeat_contact", count=3)
    assert detect(calm, recent_contacts=6).score > detection.score > detect(calm).score


def test_a_furious_message_is_strongly_negative():
    detection = detect(
        "This is a SCAM!!! Worst company ever, absolutely disgusting. I want my money back."
    )
    assert detection.strongly_negative
    assert detection.score >= 0.8
    assert set(reason(detection, "strong_words").words) >= {"SCAM", "Worst", "disgusting"}
    assert not detect("I want a refund for order 1042, please.").strongly_negative


def test_thai_is_matched_inside_a_sentence_without_spaces():
    detection = detect("ผมสั่งของไปแล้วแต่บริการห่วยมากจริงๆครับขอเงินคืนด้วย")  # no language set
    assert reason(detection, "strong_words").words == ("ห่วยมาก",)
    assert reason(detection, "refund").words == ("เงินคืน",)
    assert detection.score >= COMPLAINT_THRESHOLD


@pytest.mark.parametrize(
    ("negated", "plain"),
    [
        ("The update is not bad", "The update is bad"),
        ("It wasn't that disappointing", "It was disappointing"),
        ("แอปไม่แย่", "แอปแย่"),
        ("Hasilnya tidak buruk", "Hasilnya buruk"),
        ("ডিজাইন খারাপ না", "ডিজাইন খারাপ"),
        ("ডিজাইন খারাপ হয়নি", "ডিজাইন খারাপ লাগছে"),
    ],
)
def test_a_negator_neutralises_a_negative_word(negated, plain):
    assert "negative_words" not in codes(detect(negated))
    assert "negative_words" in codes(detect(plain))


def test_bengali_not_good_is_negative():
    assert reason(detect("সার্ভিস ভালো না"), "negative_words").words == ("ভালো না",)


@pytest.mark.parametrize(
    "polite",
    ["No problem at all!", "No worries, not a big deal", "ไม่เป็นไรค่ะ", "ไม่มีปัญหา",
     "Tidak apa-apa", "tidak masalah", "কোনো সমস্যা নেই"],
)  # fmt: skip
def test_polite_phrases_do_not_count(polite):
    assert detect(polite).reasons == ()
    assert detect(polite).score < 0.05


def test_a_negated_neutral_phrase_still_counts():
    assert detect("I got my refund, thanks!").reasons == ()
    assert "refund" in codes(detect("I still haven't received my refund"))


def test_emphasis_after_never_is_not_negation():
    assert "negative_words" in codes(detect("I have never been so frustrated"))


def test_a_strong_phrase_is_not_counted_again_as_negative():
    detection = detect("Saya kecewa berat", language="id")
    assert reason(detection, "strong_words").words == ("kecewa berat",)
    assert "negative_words" not in codes(detection)


def test_a_bare_cancel_weighs_less_than_leaving():
    question = detect("How do I cancel a single invoice line?")
    leaving = detect("Please close my account.")
    assert reason(question, "cancel").words == ("cancel",)
    assert question.score < COMPLAINT_THRESHOLD <= leaving.score


def test_the_language_hint_is_tolerant():
    text = "ระบบใช้ไม่ได้ แย่มาก"
    expected = detect(text).score
    for hint in ("th", "TH", "th-TH", "en", "xx", "", None):
        assert detect(text, language=hint).score == expected


@pytest.mark.parametrize(
    "data",
    [
        Reason("refund", ("refund", "money back")),
        Reason("repeat_contact", count=4),
        Reason("shouting"),
        Reason("negative_tone", count=72),
    ],
)
def test_a_reason_survives_json(data):
    stored = json.loads(json.dumps(data.as_dict()))
    assert Reason.from_dict(stored) == data


@pytest.mark.parametrize(
    ("junk", "expected"),
    [
        (None, Reason("unknown")),
        ([], Reason("unknown")),
        ("refund", Reason("unknown")),
        ({}, Reason("unknown")),
        ({"code": 5}, Reason("unknown")),
        ({"code": "bribery", "words": ["x"]}, Reason("unknown")),
        ({"code": "refund", "words": "refund", "count": "3"}, Reason("refund")),
        ({"code": "cancel", "words": ["a", 1, None, "b"], "count": True},
         Reason("cancel", ("a", "b"))),
        ({"code": "strong_words", "words": ["x" * 500] * 9},
         Reason("strong_words", ("x" * 100,) * 5)),
        ({"code": "repeat_contact", "count": -4}, Reason("repeat_contact")),
    ],
)  # fmt: skip
def test_reading_a_reason_tolerates_junk(junk, expected):
    assert Reason.from_dict(junk) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😡😡😡🔥",
        "<script>alert('refund')</script><img src=x onerror=alert(1)>",
        "\x00" * 100,
        "refund\x00now\x00terrible",
        "\ud800 lone surrogate",
        "İSTANBUL İS TERRİBLE",
        "!!!",
        "a" * 1_000_000,
        "terrible refund ไม่แย่ খারাপ না " * 30_000,
    ],
)
def test_any_text_gives_a_score_without_error(text):
    detection = detect(text, language="en", recent_contacts=2)
    assert 0.0 <= detection.score <= 1.0
    for found in detection.reasons:
        assert len(found.words) <= 5
        json.dumps(found.as_dict())


def test_not_a_string_is_calm():
    assert detect(None).score == 0.0  # type: ignore[arg-type]


def test_a_long_message_is_scored_from_its_ends():
    # Speed is the benchmark's business (no timed assertions in tests); what is checked
    # here is that a long message is still read, start and end.
    text = "Hello, a question about invoices. " * 3000 + " This is unacceptable, refund me now."
    detection = detect(text)
    assert {reason.code for reason in detection.reasons} >= {"strong_words", "refund"}


def test_describe_in_english(database):
    assert describe(Reason("refund", ("refund",))) == "Mentions a refund"
    assert (
        describe(Reason("strong_words", ("terrible", "scam")))
        == "Strongly negative words: terrible, scam"
    )
    assert describe(Reason("repeat_contact", count=3)) == "3 contacts this week"
    assert describe(Reason("repeat_contact", count=1)) == "1 contact this week"
    assert describe(Reason("cancel")) == "Wants to cancel or leave"
    assert describe(Reason("shouting")) == "Shouting (capital letters or !!!)"
    assert describe(Reason.from_dict({"code": "??"})) == "Another reason"
    detection = detect(
        "Terrible!!! Refund me or I cancel my account. Third time.", recent_contacts=3
    )
    described = [describe(found) for found in detection.reasons]
    assert all(described) and len(set(described)) == len(described)
