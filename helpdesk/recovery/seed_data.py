"""The starting phrase library and root-cause list (migrations 0004 and 0025 load them; so
do tests and `seed_library`).

Written for this product: warm and plain, never corporate, and written for support in each
language rather than translated word by word. Every phrase has a stable key
("hear.thanks"): every language has every key English has, in each of its registers
(`helpdesk.models.user.PHRASE_REGISTERS`), and a unit test fails when one is missing.
Migration 0025 uses the keys to update the seeded rows nobody edited.

Registers: Thai phrases come in a ดิฉัน…ค่ะ (kha) and a ผม…ครับ (khrap) version; the khrap
version is derived from the kha one by `thai_khrap` (the two differ only in the pronoun and
the polite particle). Indonesian has a formal set (Anda; the customer by name or
"Bapak/Ibu") and a friendly set ("Kak", "Kakak" instead of a pronoun; never "kamu").
Bengali always says আপনি (তুমি is too intimate for support); its friendly set is warmer,
less bookish wording, and most phrases are the same in both (register NULL).

Placeholders are filled per customer; see `helpdesk.saved_replies.placeholders`. A phrase
that needs `{issue_summary}` or `{resolution}` is offered only once the agent has written
that field. The everyday "General" phrases are team saved replies now
(`helpdesk/saved_replies/seed_data.py`, migration 0017).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT_CAUSES = (
    "Billing or payment error",
    "Bug in the product",
    "Slow reply from us",
    "Promise not kept",
    "Unclear help or documentation",
    "Shipping or delivery problem",
    "Account or access problem",
    "Expectation set wrongly (sales or marketing)",
    "Outside our control (a supplier or partner)",
    "Other",
)


@dataclass(frozen=True)
class SeedPhrase:
    key: str  # "hear.thanks": the step, then a name
    language: str
    register: str | None  # None: any register of the language
    text: str

    @property
    def step(self) -> str:
        return self.key.split(".", 1)[0]


# English: one register. The keys' order is the panel's order.
ENGLISH: dict[str, str] = {
    "hear.thanks": "Thank you for telling us, {customer_first_name}. I've read everything you wrote.",
    "hear.confirm": "I want to be sure I've got it right: {issue_summary}. Is that it?",
    "hear.space": "Take all the space you need — tell me everything that happened, and I'll listen.",
    "hear.dont_know": "I don't know the answer yet — I'll find out for you.",
    "empathize.frustrated": "I'd be frustrated too, {customer_first_name}.",
    "empathize.product": "That sounds really stressful, especially when you were counting on {product}.",
    "empathize.expected_better": "I completely understand why you're upset — you expected better from us, and that's what you deserve.",
    "empathize.more_than_once": "You shouldn't have had to write to us more than once about this.",
    "apologize.experience": "I'm sorry, {customer_first_name}. This isn't the experience we want you to have.",
    "apologize.trouble": "I'm really sorry for the trouble this caused you.",
    "apologize.our_mistake": "We got this wrong, and I apologise.",
    "apologize.slow": "I'm sorry it took so long for us to get back to you.",
    "resolve.what_can_i_do": "What can I do to make this right for you?",
    "resolve.done": "Here's what I've done: {resolution}. Could you check it works for you now?",
    "resolve.on_it": "I'd be glad to help with this. I'm on it right now.",
    "resolve.refunded": "I've refunded the charge — you'll see it back on your card in a few days.",
    "diagnose.passed_on": "I've passed this to the team so it doesn't happen again to you or anyone else.",
    "diagnose.changing": "We're changing how we handle this, thanks to you.",
    "diagnose.thanks": "Thank you for telling us — it helps us fix the cause, not just this one case.",
    "promise.update_by": "I'll send you an update by {promise_time}.",
    "promise.either_way": "I don't have the full answer yet; you'll hear from me by {promise_time} either way.",
    "closing.anything_else": "Is there anything else I can help with, {customer_first_name}?",
    "closing.thanks_signed": "Thanks for your patience, {customer_first_name}. — {agent_first_name}",
}

# Thai, written in the ดิฉัน…ค่ะ register; `thai_khrap` makes the ผม…ครับ version. The
# customer is คุณ + first name (the fallback makes it "คุณลูกค้า").
THAI_KHA: dict[str, str] = {
    "hear.thanks": "ขอบคุณที่แจ้งเข้ามานะคะ คุณ{customer_first_name} ดิฉันอ่านรายละเอียดที่เขียนมาครบทั้งหมดแล้วค่ะ",
    "hear.confirm": "ขออนุญาตทวนเพื่อให้เข้าใจตรงกันนะคะ: {issue_summary} ถูกต้องไหมคะ",
    "hear.space": "เล่าให้ดิฉันฟังได้เต็มที่เลยนะคะว่าเกิดอะไรขึ้นบ้าง ไม่ต้องรีบค่ะ ดิฉันตั้งใจรับฟังทุกรายละเอียด",
    "hear.dont_know": "ตอนนี้ดิฉันยังไม่มีคำตอบที่แน่ชัด แต่จะตรวจสอบให้และแจ้งกลับแน่นอนค่ะ",
    "empathize.frustrated": "ถ้าเป็นดิฉันก็คงรู้สึกหงุดหงิดเหมือนกันค่ะ คุณ{customer_first_name}",
    "empathize.product": "เข้าใจเลยค่ะว่าเรื่องนี้ทำให้กังวลใจมาก โดยเฉพาะเมื่อคุณวางใจใช้ {product} อยู่",
    "empathize.expected_better": "เข้าใจดีค่ะว่าทำไมคุณถึงไม่พอใจ คุณคาดหวังสิ่งที่ดีกว่านี้จากเรา และคุณควรได้รับสิ่งนั้นจริง ๆ ค่ะ",
    "empathize.more_than_once": "เรื่องนี้ควรได้รับการแก้ไขตั้งแต่ครั้งแรกที่คุณแจ้งเข้ามา ไม่ควรต้องให้คุณติดต่อซ้ำหลายครั้งเลยค่ะ",
    "apologize.experience": "ขออภัยจริง ๆ ค่ะ คุณ{customer_first_name} เราไม่อยากให้คุณต้องเจอประสบการณ์แบบนี้เลยค่ะ",
    "apologize.trouble": "ขออภัยในความไม่สะดวกที่เกิดขึ้นกับคุณจริง ๆ นะคะ",
    "apologize.our_mistake": "เรื่องนี้เป็นความผิดพลาดของทางเราเอง ดิฉันขออภัยค่ะ",
    "apologize.slow": "ขออภัยที่ตอบกลับล่าช้า ทำให้คุณต้องรอนานนะคะ",
    "resolve.what_can_i_do": "มีอะไรที่ดิฉันพอจะทำได้เพื่อแก้ไขเรื่องนี้ให้คุณบ้างคะ",
    "resolve.done": "ดิฉันดำเนินการให้เรียบร้อยแล้วค่ะ: {resolution} รบกวนช่วยตรวจสอบอีกครั้งว่าตอนนี้ใช้งานได้ปกติแล้วหรือยังคะ",
    "resolve.on_it": "ยินดีดูแลเรื่องนี้ให้ค่ะ ดิฉันกำลังดำเนินการให้ตอนนี้เลยนะคะ",
    "resolve.refunded": "ดิฉันคืนเงินรายการนี้ให้แล้วค่ะ ยอดเงินจะกลับเข้าบัตรของคุณภายในไม่กี่วันค่ะ",
    "diagnose.passed_on": "ดิฉันส่งเรื่องนี้ให้ทีมที่เกี่ยวข้องแล้วค่ะ เพื่อไม่ให้เกิดขึ้นซ้ำอีก ทั้งกับคุณและลูกค้าท่านอื่น",
    "diagnose.changing": "ทางเรากำลังปรับวิธีดูแลเรื่องนี้ให้ดีขึ้นค่ะ ต้องขอบคุณคุณที่ช่วยให้เราเห็นปัญหานี้",
    "diagnose.thanks": "ขอบคุณที่บอกเรานะคะ ข้อมูลนี้ช่วยให้เราแก้ไขที่ต้นเหตุได้ ไม่ใช่แค่เฉพาะครั้งนี้ค่ะ",
    "promise.update_by": "ดิฉันจะแจ้งความคืบหน้าให้ทราบภายใน{promise_time}ค่ะ",
    "promise.either_way": "ตอนนี้ดิฉันยังไม่มีคำตอบที่ครบถ้วน แต่ไม่ว่าผลจะเป็นอย่างไร จะติดต่อกลับภายใน{promise_time}แน่นอนค่ะ",
    "closing.anything_else": "มีอะไรให้ดิฉันช่วยเพิ่มเติมอีกไหมคะ คุณ{customer_first_name}",
    "closing.thanks_signed": "ขอบคุณที่รอคอยอย่างใจเย็นนะคะ คุณ{customer_first_name} — {agent_first_name}",
}

# Indonesian: (formal, friendly). Formal says "Anda" and names the customer (the fallback is
# "Bapak/Ibu"); friendly says "Kak {customer_first_name}" and "Kakak" for "you" (without a
# name it reads "Kak"), with "ya" where a Jakarta agent would say it. No slang, no "kamu".
INDONESIAN: dict[str, tuple[str, str]] = {
    "hear.thanks": (
        "Terima kasih sudah menyampaikan hal ini kepada kami, {customer_first_name}. Saya sudah membaca semua yang Anda tulis.",
        "Terima kasih sudah cerita ke kami, Kak {customer_first_name}. Semua yang Kakak tulis sudah saya baca, ya.",
    ),
    "hear.confirm": (
        "Supaya saya tidak salah memahami: {issue_summary}. Apakah benar begitu?",
        "Supaya saya tidak salah tangkap ya, Kak: {issue_summary}. Betul begitu?",
    ),
    "hear.space": (
        "Silakan ceritakan semua yang terjadi, tidak perlu terburu-buru. Saya akan menyimak.",
        "Ceritakan saja semuanya ya, Kak, pelan-pelan saja. Saya dengarkan.",
    ),
    "hear.dont_know": (
        "Saat ini saya belum tahu jawabannya, tetapi akan saya cari tahu untuk Anda.",
        "Jawabannya belum saya ketahui sekarang, Kak, tapi akan saya cari tahu dulu, ya.",
    ),
    "empathize.frustrated": (
        "Saya pun pasti kesal jika mengalami hal yang sama, {customer_first_name}.",
        "Saya juga pasti kesal kalau mengalami ini, Kak {customer_first_name}.",
    ),
    "empathize.product": (
        "Ini pasti sangat membuat Anda tertekan, apalagi Anda sedang mengandalkan {product}.",
        "Pasti membuat stres ya, Kak, apalagi Kakak sedang mengandalkan {product}.",
    ),
    "empathize.expected_better": (
        "Saya sangat memahami kekecewaan Anda. Anda berharap lebih dari kami, dan memang itulah yang layak Anda dapatkan.",
        "Saya paham sekali kenapa Kakak kecewa. Kakak berharap lebih dari kami, dan memang sudah sepantasnya begitu.",
    ),
    "empathize.more_than_once": (
        "Seharusnya masalah ini sudah kami selesaikan sejak pertama kali Anda menghubungi kami, sehingga Anda tidak perlu menghubungi kami berulang kali.",
        "Harusnya ini sudah kami bereskan sejak pertama kali Kakak menghubungi kami, jadi Kakak tidak perlu sampai menghubungi berulang kali.",
    ),
    "apologize.experience": (
        "Mohon maaf, {customer_first_name}. Kami tidak ingin Anda mengalami hal seperti ini.",
        "Maaf sekali ya, Kak {customer_first_name}. Kami tidak ingin Kakak mengalami hal seperti ini.",
    ),
    "apologize.trouble": (
        "Saya sungguh mohon maaf atas ketidaknyamanan yang Anda alami.",
        "Saya benar-benar minta maaf atas kerepotannya ya, Kak.",
    ),
    "apologize.our_mistake": (
        "Ini kesalahan kami, dan saya mohon maaf.",
        "Ini memang kesalahan kami, Kak. Saya minta maaf, ya.",
    ),
    "apologize.slow": (
        "Mohon maaf atas lamanya balasan dari kami.",
        "Maaf ya, Kak, balasan dari kami lama sekali.",
    ),
    "resolve.what_can_i_do": (
        "Apa yang bisa saya lakukan agar masalah ini terselesaikan dengan baik untuk Anda?",
        "Kira-kira apa yang bisa saya lakukan supaya ini beres untuk Kakak?",
    ),
    "resolve.done": (
        "Berikut yang sudah saya lakukan: {resolution}. Mohon dicek kembali apakah sekarang sudah berfungsi dengan baik.",
        "Ini yang sudah saya lakukan, Kak: {resolution}. Boleh dicek lagi apakah sekarang sudah lancar?",
    ),
    "resolve.on_it": (
        "Dengan senang hati saya bantu. Saya tangani sekarang juga.",
        "Siap, Kak, saya bantu ya. Langsung saya tangani sekarang.",
    ),
    "resolve.refunded": (
        "Dana Anda sudah saya kembalikan dan akan masuk kembali ke kartu Anda dalam beberapa hari.",
        "Dananya sudah saya kembalikan ya, Kak. Dalam beberapa hari akan masuk lagi ke kartu Kakak.",
    ),
    "diagnose.passed_on": (
        "Hal ini sudah saya teruskan ke tim terkait agar tidak terulang, baik untuk Anda maupun pelanggan lain.",
        "Sudah saya teruskan ke tim terkait ya, Kak, supaya tidak terulang lagi, untuk Kakak maupun pelanggan lain.",
    ),
    "diagnose.changing": (
        "Berkat masukan Anda, kami sedang memperbaiki cara kami menangani hal ini.",
        "Berkat masukan Kakak, kami sedang memperbaiki cara kami menangani hal ini.",
    ),
    "diagnose.thanks": (
        "Terima kasih sudah memberi tahu kami. Masukan ini membantu kami memperbaiki penyebabnya, bukan hanya kasus ini saja.",
        "Terima kasih sudah memberi tahu kami ya, Kak. Ini membantu kami memperbaiki akar masalahnya, bukan cuma kasus ini saja.",
    ),
    "promise.update_by": (
        "Saya akan mengabari perkembangannya paling lambat {promise_time}.",
        "Saya kabari perkembangannya paling lambat {promise_time} ya, Kak.",
    ),
    "promise.either_way": (
        "Saya belum memiliki jawaban lengkapnya, tetapi apa pun hasilnya, saya akan menghubungi Anda paling lambat {promise_time}.",
        "Jawaban lengkapnya belum ada, Kak, tapi apa pun hasilnya saya kabari paling lambat {promise_time}, ya.",
    ),
    "closing.anything_else": (
        "Apakah ada hal lain yang bisa saya bantu, {customer_first_name}?",
        "Ada lagi yang bisa saya bantu, Kak {customer_first_name}?",
    ),
    "closing.thanks_signed": (
        "Terima kasih atas kesabaran Anda, {customer_first_name}. Salam, {agent_first_name}",
        "Terima kasih sudah sabar menunggu ya, Kak {customer_first_name}. Salam, {agent_first_name}",
    ),
}

# Bengali (Bangladesh, cholito bhasha, always আপনি): one text for both registers, or
# (formal, friendly) where the friendly wording is warmer. No case ending is glued to a
# placeholder (a fallback would break it): "{promise_time} পেরোনোর আগেই", not "-এর মধ্যে".
BENGALI: dict[str, str | tuple[str, str]] = {
    "hear.thanks": (
        "বিষয়টি আমাদের জানানোর জন্য ধন্যবাদ, {customer_first_name}। আপনি যা লিখেছেন, তার সবটুকু আমি পড়েছি।",
        "আমাদের জানানোর জন্য অনেক ধন্যবাদ, {customer_first_name}। আপনার পুরো লেখাটা আমি মন দিয়ে পড়েছি।",
    ),
    "hear.confirm": "আমি ঠিক বুঝেছি কি না, একটু মিলিয়ে নিই: {issue_summary}। বিষয়টা কি এমনই?",
    "hear.space": "কী কী ঘটেছে, সময় নিয়ে পুরোটা জানান; আমি মন দিয়ে শুনছি।",
    "hear.dont_know": "এই মুহূর্তে উত্তরটা আমার জানা নেই, তবে আমি খোঁজ নিয়ে আপনাকে জানাব।",
    "empathize.frustrated": (
        "আপনার জায়গায় আমি থাকলেও বিরক্ত হতাম, {customer_first_name}।",
        "আপনার বিরক্ত লাগাটা একদম স্বাভাবিক, {customer_first_name}; আমারও একই রকম লাগত।",
    ),
    "empathize.product": "নিশ্চয়ই খুব দুশ্চিন্তায় পড়েছিলেন, বিশেষ করে যখন ভরসা করে {product} ব্যবহার করছিলেন।",
    "empathize.expected_better": "আপনি কেন অসন্তুষ্ট, তা আমি পুরোপুরি বুঝতে পারছি। আপনি আমাদের কাছে আরও ভালো কিছু আশা করেছিলেন, আর সেটাই আপনার প্রাপ্য ছিল।",
    "empathize.more_than_once": "প্রথমবার জানানোর সময়েই বিষয়টির সমাধান হওয়া উচিত ছিল; আপনাকে যে বারবার যোগাযোগ করতে হয়েছে, তার দায় আমাদেরই।",
    "apologize.experience": (
        "আন্তরিকভাবে দুঃখিত, {customer_first_name}। আপনার অভিজ্ঞতা এমন হোক, তা আমরা কখনোই চাই না।",
        "সত্যিই দুঃখিত, {customer_first_name}। আপনার সঙ্গে এমনটা হোক, আমরা একদমই চাই না।",
    ),
    "apologize.trouble": "এই ঝামেলার জন্য আমি সত্যিই দুঃখিত।",
    "apologize.our_mistake": "ভুলটা আমাদেরই, এর জন্য আমি ক্ষমা চাইছি।",
    "apologize.slow": "উত্তর দিতে এত দেরি হওয়ায় আমি দুঃখিত।",
    "resolve.what_can_i_do": "বিষয়টি ঠিক করতে আমি আপনার জন্য কী করতে পারি, জানাবেন কি?",
    "resolve.done": "আমি যা করেছি: {resolution}। এখন সবকিছু ঠিকমতো কাজ করছে কি না, একটু দেখে জানাবেন কি?",
    "resolve.on_it": (
        "অবশ্যই সাহায্য করব। আমি এখনই বিষয়টি দেখছি।",
        "অবশ্যই, আমি আছি। এখনই বিষয়টা দেখছি।",
    ),
    "resolve.refunded": "টাকাটা ফেরত পাঠানো হয়েছে; কয়েক দিনের মধ্যে আপনার কার্ডে ফিরে আসবে।",
    "diagnose.passed_on": "বিষয়টি সংশ্লিষ্ট টিমকে জানিয়েছি, যাতে আপনার বা অন্য কোনো গ্রাহকের সঙ্গে আর এমন না হয়।",
    "diagnose.changing": "আপনি জানিয়েছেন বলেই আমরা বিষয়টি সামলানোর পদ্ধতি বদলাচ্ছি।",
    "diagnose.thanks": "বিষয়টি জানানোর জন্য ধন্যবাদ; এতে শুধু এই ঘটনাটি নয়, সমস্যার মূল কারণটাও আমরা ঠিক করতে পারব।",
    "promise.update_by": "{promise_time} পেরোনোর আগেই আপনাকে অগ্রগতি জানাব।",
    "promise.either_way": "পুরো উত্তরটা এখনও হাতে পাইনি; তবে যা-ই হোক, {promise_time} পেরোনোর আগেই আপনাকে জানাব।",
    "closing.anything_else": (
        "আর কোনো বিষয়ে আপনাকে সাহায্য করতে পারি, {customer_first_name}?",
        "আর কিছু লাগলে জানাবেন, {customer_first_name}; আমি আছি।",
    ),
    "closing.thanks_signed": (
        "ধৈর্য ধরে অপেক্ষা করার জন্য ধন্যবাদ, {customer_first_name}। — {agent_first_name}",
        "এতক্ষণ ধৈর্য রাখার জন্য অনেক ধন্যবাদ, {customer_first_name}। — {agent_first_name}",
    ),
}

_THAI_PARTICLES = re.compile(r"ดิฉัน|นะคะ|ค่ะ|คะ")
_KHRAP = {"ดิฉัน": "ผม", "นะคะ": "นะครับ", "ค่ะ": "ครับ", "คะ": "ครับ"}


def thai_khrap(text: str) -> str:
    """The ผม…ครับ version of a ดิฉัน…ค่ะ phrase (statements and questions alike end in ครับ)."""
    return _THAI_PARTICLES.sub(lambda match: _KHRAP[match.group(0)], text)


def _library() -> tuple[SeedPhrase, ...]:
    phrases: list[SeedPhrase] = []
    for key, text in ENGLISH.items():
        phrases.append(SeedPhrase(key, "en", None, text))
    for key, text in THAI_KHA.items():
        phrases.append(SeedPhrase(key, "th", "kha", text))
        phrases.append(SeedPhrase(key, "th", "khrap", thai_khrap(text)))
    for key, (formal, friendly) in INDONESIAN.items():
        phrases.append(SeedPhrase(key, "id", "formal", formal))
        phrases.append(SeedPhrase(key, "id", "friendly", friendly))
    for key, bengali in BENGALI.items():
        if isinstance(bengali, tuple):
            phrases.append(SeedPhrase(key, "bn", "formal", bengali[0]))
            phrases.append(SeedPhrase(key, "bn", "friendly", bengali[1]))
        else:
            phrases.append(SeedPhrase(key, "bn", None, bengali))
    return tuple(phrases)


# The whole starting library, in the panel's order (a language's phrases follow its keys).
LIBRARY: tuple[SeedPhrase, ...] = _library()
