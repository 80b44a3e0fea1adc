"""The starting phrase library and root-cause list, loaded by migration 0004 (and by tests).

Written for this product: warm and plain, never corporate. Placeholders are filled per
customer; see `helpdesk.recovery.phrases.PLACEHOLDERS`. The everyday "General" phrases are
team saved replies now (`helpdesk/saved_replies/seed_data.py`, migration 0017).
"""

from __future__ import annotations

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

# (step, language, text)
PHRASES: tuple[tuple[str, str, str], ...] = (
    # English
    (
        "hear",
        "en",
        "Thank you for telling us, {customer_first_name}. I've read everything you wrote.",
    ),
    ("hear", "en", "I want to be sure I've got it right: {issue_summary}. Is that it?"),
    (
        "hear",
        "en",
        "Take all the space you need — tell me everything that happened, and I'll listen.",
    ),
    ("hear", "en", "I don't know the answer yet — I'll find out for you."),
    ("empathize", "en", "I'd be frustrated too, {customer_first_name}."),
    (
        "empathize",
        "en",
        "That sounds really stressful, especially when you were counting on {product}.",
    ),
    (
        "empathize",
        "en",
        "I completely understand why you're upset — you expected better from us, and that's what you deserve.",
    ),
    ("empathize", "en", "You shouldn't have had to write to us more than once about this."),
    (
        "apologize",
        "en",
        "I'm sorry, {customer_first_name}. This isn't the experience we want you to have.",
    ),
    ("apologize", "en", "I'm really sorry for the trouble this caused you."),
    ("apologize", "en", "We got this wrong, and I apologise."),
    ("apologize", "en", "I'm sorry it took so long for us to get back to you."),
    ("resolve", "en", "What can I do to make this right for you?"),
    (
        "resolve",
        "en",
        "Here's what I've done: {issue_summary} is fixed on our side. Could you check it works for you now?",
    ),
    ("resolve", "en", "I'd be glad to help with this. I'm on it right now."),
    ("resolve", "en", "I've refunded the charge — you'll see it back on your card in a few days."),
    (
        "diagnose",
        "en",
        "I've passed this to the team so it doesn't happen again to you or anyone else.",
    ),
    ("diagnose", "en", "We're changing how we handle this, thanks to you."),
    (
        "diagnose",
        "en",
        "Thank you for telling us — it helps us fix the cause, not just this one case.",
    ),
    ("promise", "en", "I'll send you an update by {promise_time}."),
    (
        "promise",
        "en",
        "I don't have the full answer yet; you'll hear from me by {promise_time} either way.",
    ),
    ("closing", "en", "Is there anything else I can help with, {customer_first_name}?"),
    ("closing", "en", "Thanks for your patience, {customer_first_name}. — {agent_first_name}"),
    # Thai
    ("hear", "th", "ขอบคุณที่แจ้งให้เราทราบนะคะ คุณ{customer_first_name} ดิฉันอ่านทุกอย่างที่เขียนมาแล้วค่ะ"),
    ("hear", "th", "ขอทวนให้แน่ใจนะคะ: {issue_summary} ใช่ไหมคะ"),
    ("hear", "th", "ตอนนี้ยังไม่ทราบคำตอบ จะหาคำตอบให้แน่นอนค่ะ"),
    ("empathize", "th", "ถ้าเป็นดิฉันก็คงหงุดหงิดเหมือนกันค่ะ คุณ{customer_first_name}"),
    ("empathize", "th", "เข้าใจเลยค่ะว่าทำไมถึงไม่พอใจ คุณคาดหวังสิ่งที่ดีกว่านี้จากเรา และควรได้รับสิ่งนั้นค่ะ"),
    ("empathize", "th", "คุณไม่ควรต้องติดต่อเราหลายครั้งเรื่องนี้เลยค่ะ"),
    ("apologize", "th", "ขอโทษจริง ๆ ค่ะ คุณ{customer_first_name} นี่ไม่ใช่ประสบการณ์ที่เราอยากให้คุณได้รับ"),
    ("apologize", "th", "ขอโทษที่ทำให้เกิดความยุ่งยากนะคะ"),
    ("apologize", "th", "เราทำพลาดเอง ขออภัยค่ะ"),
    ("resolve", "th", "มีอะไรที่เราทำได้เพื่อแก้ไขเรื่องนี้ให้คุณบ้างคะ"),
    ("resolve", "th", "ยินดีช่วยเรื่องนี้ค่ะ กำลังดำเนินการให้ตอนนี้เลยค่ะ"),
    ("resolve", "th", "คืนเงินรายการนั้นให้แล้วค่ะ จะเห็นยอดคืนในบัตรภายในไม่กี่วันค่ะ"),
    ("diagnose", "th", "ส่งเรื่องนี้ให้ทีมแล้วค่ะ เพื่อไม่ให้เกิดขึ้นอีกกับคุณหรือใครก็ตาม"),
    ("diagnose", "th", "ขอบคุณที่บอกเรานะคะ ช่วยให้เราแก้ที่ต้นเหตุได้ค่ะ"),
    ("promise", "th", "จะแจ้งความคืบหน้าให้ภายใน {promise_time} ค่ะ"),
    ("closing", "th", "มีอะไรให้ช่วยเพิ่มเติมไหมคะ คุณ{customer_first_name}"),
    # Indonesian
    (
        "hear",
        "id",
        "Terima kasih sudah memberi tahu kami, {customer_first_name}. Saya sudah membaca semuanya.",
    ),
    ("hear", "id", "Supaya saya tidak salah paham: {issue_summary}. Benar begitu?"),
    ("hear", "id", "Saya belum tahu jawabannya; akan saya cari tahu untuk Anda."),
    ("empathize", "id", "Saya juga pasti kesal kalau mengalaminya, {customer_first_name}."),
    (
        "empathize",
        "id",
        "Saya sangat paham kenapa Anda kecewa — Anda berharap lebih dari kami, dan memang seharusnya begitu.",
    ),
    ("empathize", "id", "Anda tidak seharusnya menghubungi kami berkali-kali soal ini."),
    (
        "apologize",
        "id",
        "Mohon maaf, {customer_first_name}. Ini bukan pengalaman yang kami inginkan untuk Anda.",
    ),
    ("apologize", "id", "Saya benar-benar minta maaf atas kerepotan ini."),
    ("apologize", "id", "Kami yang salah, dan saya minta maaf."),
    ("resolve", "id", "Apa yang bisa saya lakukan supaya ini beres untuk Anda?"),
    ("resolve", "id", "Dengan senang hati saya bantu. Saya tangani sekarang juga."),
    (
        "resolve",
        "id",
        "Dananya sudah saya kembalikan — akan masuk ke kartu Anda dalam beberapa hari.",
    ),
    (
        "diagnose",
        "id",
        "Sudah saya sampaikan ke tim supaya tidak terulang lagi, untuk Anda maupun orang lain.",
    ),
    (
        "diagnose",
        "id",
        "Terima kasih sudah memberi tahu — ini membantu kami memperbaiki penyebabnya.",
    ),
    ("promise", "id", "Saya akan kabari perkembangannya paling lambat {promise_time}."),
    ("closing", "id", "Ada lagi yang bisa saya bantu, {customer_first_name}?"),
    # Bengali
    ("hear", "bn", "আমাদের জানানোর জন্য ধন্যবাদ, {customer_first_name}। আপনি যা লিখেছেন সব পড়েছি।"),
    ("hear", "bn", "ঠিক বুঝেছি কিনা নিশ্চিত হতে চাই: {issue_summary}। তাই তো?"),
    ("hear", "bn", "এখনও উত্তরটা জানি না; আপনার জন্য খুঁজে বের করব।"),
    ("empathize", "bn", "আমি হলেও বিরক্ত হতাম, {customer_first_name}।"),
    (
        "empathize",
        "bn",
        "আপনি কেন অসন্তুষ্ট তা পুরোপুরি বুঝতে পারছি — আপনি আমাদের কাছে আরও ভালো আশা করেছিলেন, এবং সেটাই পাওয়া উচিত ছিল।",
    ),
    ("empathize", "bn", "এ নিয়ে আপনাকে বারবার যোগাযোগ করতে হওয়া উচিত ছিল না।"),
    ("apologize", "bn", "দুঃখিত, {customer_first_name}। আমরা চাই না আপনার অভিজ্ঞতা এমন হোক।"),
    ("apologize", "bn", "এই ঝামেলার জন্য সত্যিই দুঃখিত।"),
    ("apologize", "bn", "ভুলটা আমাদের, ক্ষমা চাইছি।"),
    ("resolve", "bn", "বিষয়টা ঠিক করতে আমি আপনার জন্য কী করতে পারি?"),
    ("resolve", "bn", "সাহায্য করতে পেরে খুশি হব। এখনই কাজ শুরু করছি।"),
    ("resolve", "bn", "টাকাটা ফেরত দিয়েছি — কয়েক দিনের মধ্যে আপনার কার্ডে দেখতে পাবেন।"),
    ("diagnose", "bn", "দলকে জানিয়েছি যাতে আপনার বা অন্য কারও সাথে আর এমন না হয়।"),
    ("diagnose", "bn", "জানানোর জন্য ধন্যবাদ — এতে আমরা মূল কারণটা ঠিক করতে পারি।"),
    ("promise", "bn", "{promise_time}-এর মধ্যে আপনাকে আপডেট জানাব।"),
    ("closing", "bn", "আর কিছুতে সাহায্য করতে পারি, {customer_first_name}?"),
)
