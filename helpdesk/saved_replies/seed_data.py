"""The team's starting saved replies, in every language the product speaks. Loaded by
migration 0017 (skipping any the phrase library's "General" phrases already became) and by
`flask helpdesk demo`. Placeholders: see `helpdesk.saved_replies.placeholders`.
"""

from __future__ import annotations

from typing import NamedTuple


class SeedReply(NamedTuple):
    title: str
    language: str
    body: str
    keywords: str = ""
    set_status: str | None = None
    add_tags: str = ""


SAVED_REPLIES: tuple[SeedReply, ...] = (
    # English
    SeedReply("Greeting", "en", "Hi {customer_first_name}, {agent_first_name} here.", "hello hi"),
    SeedReply(
        "Anything else?",
        "en",
        "Is there anything else I can help with, {customer_first_name}?",
        "closing",
    ),
    SeedReply(
        "Update by the promised time",
        "en",
        "I'll send you an update by {promise_time}.",
        "promise update",
    ),
    SeedReply(
        "Need more details",
        "en",
        "Could you send me a screenshot or the exact steps, {customer_first_name}? "
        "Then I can look into it right away.",
        "screenshot steps",
        "pending",
    ),
    SeedReply(
        "Solved",
        "en",
        "I'm glad that's sorted, {customer_first_name}. I'll mark this as resolved; just "
        "reply here if anything else comes up.\n\n{agent_name}",
        "done resolved",
        "resolved",
    ),
    # Thai
    SeedReply("ทักทาย", "th", "สวัสดีค่ะ คุณ{customer_first_name} ดิฉัน{agent_first_name}ค่ะ", "hello"),
    SeedReply(
        "มีอะไรเพิ่มเติมไหม",
        "th",
        "มีอะไรให้ช่วยเพิ่มเติมไหมคะ คุณ{customer_first_name}",
        "closing",
    ),
    SeedReply("แจ้งความคืบหน้า", "th", "จะแจ้งความคืบหน้าให้ภายใน {promise_time} ค่ะ", "promise"),
    SeedReply(
        "ขอรายละเอียดเพิ่ม",
        "th",
        "รบกวนส่งภาพหน้าจอหรือขั้นตอนที่ทำให้หน่อยนะคะ คุณ{customer_first_name} แล้วจะตรวจสอบให้ทันทีค่ะ",
        "screenshot",
        "pending",
    ),
    SeedReply(
        "แก้ไขเรียบร้อย",
        "th",
        "ดีใจที่เรื่องนี้เรียบร้อยแล้วค่ะ คุณ{customer_first_name} "
        "หากมีอะไรเพิ่มเติม ตอบกลับที่นี่ได้เลยนะคะ\n\n{agent_name}",
        "resolved",
        "resolved",
    ),
    # Indonesian
    SeedReply("Salam", "id", "Halo {customer_first_name}, saya {agent_first_name}.", "halo"),
    SeedReply(
        "Ada lagi?",
        "id",
        "Ada lagi yang bisa saya bantu, {customer_first_name}?",
        "closing",
    ),
    SeedReply(
        "Kabar sesuai janji",
        "id",
        "Saya akan kabari perkembangannya paling lambat {promise_time}.",
        "janji promise",
    ),
    SeedReply(
        "Perlu detail",
        "id",
        "Boleh kirimkan tangkapan layar atau langkah-langkahnya, {customer_first_name}? "
        "Setelah itu langsung saya periksa.",
        "screenshot",
        "pending",
    ),
    SeedReply(
        "Selesai",
        "id",
        "Senang masalahnya sudah beres, {customer_first_name}. Tiket ini saya tandai selesai; "
        "balas saja di sini kalau ada hal lain.\n\n{agent_name}",
        "selesai resolved",
        "resolved",
    ),
    # Bengali
    SeedReply("শুভেচ্ছা", "bn", "হ্যালো {customer_first_name}, আমি {agent_first_name}।", "hello"),
    SeedReply(
        "আর কিছু?",
        "bn",
        "আর কিছুতে সাহায্য করতে পারি, {customer_first_name}?",
        "closing",
    ),
    SeedReply(
        "প্রতিশ্রুত আপডেট",
        "bn",
        "{promise_time}-এর মধ্যে আপনাকে আপডেট জানাব।",
        "promise",
    ),
    SeedReply(
        "আরও তথ্য দরকার",
        "bn",
        "একটা স্ক্রিনশট বা ঠিক কোন ধাপগুলো করেছেন তা পাঠাবেন, {customer_first_name}? "
        "তাহলে এখনই দেখে নিতে পারব।",
        "screenshot",
        "pending",
    ),
    SeedReply(
        "সমাধান হয়েছে",
        "bn",
        "সমস্যাটা মিটেছে জেনে ভালো লাগল, {customer_first_name}। টিকিটটি সমাধান হিসেবে "
        "চিহ্নিত করছি; আর কিছু লাগলে এখানেই উত্তর দিন।\n\n{agent_name}",
        "resolved",
        "resolved",
    ),
)
