# ruff: noqa: E501 - sentences read best unbroken
"""Words for generated data: names, subjects and message templates in English, Thai,
Indonesian and Bengali.

Templates may hold `{order}` (an order reference, unique per ticket, so a search for one
finds one conversation) and `{product}` (a product name; a long tail of them, so some
words are rare). Each template is rendered to HTML once and the values are substituted
into the HTML afterwards (they are plain letters, digits and hyphens).
"""

from __future__ import annotations

FIRST_NAMES = (
    "Anong", "Somchai", "Nattaya", "Kittisak", "Budi", "Siti", "Dewi", "Agus", "Rahim",
    "Nusrat", "Tanvir", "Farhana", "Emily", "James", "Sofia", "Lukas", "Amara", "Hiroshi",
    "Priya", "Mei", "Kwame", "Olivia", "Noah", "Chloé", "Mateo", "Aisha",
)  # fmt: skip
LAST_NAMES = (
    "Srisuk", "Wongsakul", "Chaiyaporn", "Santoso", "Lestari", "Wijaya", "Uddin", "Jahan",
    "Hasan", "Chowdhury", "Carter", "O'Neill", "García", "Müller", "Okafor", "Tanaka",
    "Sharma", "Lin", "Mensah", "Dubois", "Rossi",
)  # fmt: skip
# Customer languages and how common each is.
LANGUAGES = (("en", 55), ("th", 18), ("id", 15), ("bn", 12))
TIMEZONES = {
    "en": ("UTC", "Europe/London", "America/New_York", "Europe/Berlin"),
    "th": ("Asia/Bangkok",),
    "id": ("Asia/Jakarta", "Asia/Makassar"),
    "bn": ("Asia/Dhaka",),
}
PLANS = (("starter", 60), ("team", 30), ("business", 10))
# Companies are "<last name> <kind>"; two customers in five have none.
COMPANY_KINDS = ("Foods", "Trading", "Tech", "Studio", "Logistics", "Clinic", "Co")

# Product names: syllables combined into a long tail (a few common, most rare).
PRODUCT_PARTS = (
    ("Aero", "Bolt", "Cirro", "Dyna", "Echo", "Flux", "Giga", "Helio", "Iono", "Juno"),
    ("lite", "max", "sync", "dock", "cam", "pad", "link", "hub", "vault", "beam"),
)

# (kind, language) -> opening customer messages (subject, body). Complaints are detected
# by the real complaint detector when generated, so their words must read as complaints.
OPENINGS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "question": {
        "en": (
            (
                "How do I export my invoices?",
                "Hi, how do I download all invoices for last year? I need them for my accountant.",
            ),
            (
                "Can I change my plan mid-month?",
                "Hello! Can I move from the starter plan to team in the middle of the month? What happens to billing?",
            ),
            (
                "Where is my order {order}?",
                "Hi, I ordered the {product} last week (order {order}). When will it ship?",
            ),
            (
                "Adding a colleague",
                "How do I invite a colleague to our account? Thanks in advance.",
            ),
        ),
        "th": (
            ("ขอใบแจ้งหนี้เดือนที่แล้ว", "สวัสดีค่ะ ขอใบแจ้งหนี้ของเดือนที่แล้วได้ไหมคะ ต้องใช้ส่งฝ่ายบัญชี"),
            (
                "สอบถามสถานะคำสั่งซื้อ {order}",
                "สวัสดีครับ สั่งซื้อ {product} ไปเมื่อสัปดาห์ที่แล้ว หมายเลข {order} จะได้รับเมื่อไหร่ครับ",
            ),
        ),
        "id": (
            (
                "Cara mengunduh faktur",
                "Halo, bagaimana cara mengunduh semua faktur tahun lalu? Terima kasih.",
            ),
            (
                "Status pesanan {order}",
                "Halo, saya memesan {product} minggu lalu (pesanan {order}). Kapan dikirim?",
            ),
        ),
        "bn": (
            ("আমার চালান কোথায় পাব?", "নমস্কার, গত মাসের চালান কোথায় পাব? হিসাবরক্ষকের জন্য দরকার।"),
            ("অর্ডার {order} এর অবস্থা", "আমি গত সপ্তাহে {product} অর্ডার করেছি ({order})। কবে পাঠানো হবে?"),
        ),
    },
    "problem": {
        "en": (
            (
                "Password reset email never arrives",
                "I asked for a password reset three times but the email never arrives. Can you check?",
            ),
            (
                "Export to CSV cuts off characters",
                "When I export to CSV, names with accents come out cut off. Example: García becomes Garc.",
            ),
            (
                "The {product} does not connect",
                "My {product} stopped connecting to the app after the update yesterday. Order {order}.",
            ),
            (
                "Dashboard is slow today",
                "The dashboard takes a long time to load today. Is something going on?",
            ),
        ),
        "th": (
            ("เข้าสู่ระบบไม่ได้", "สวัสดีครับ ระบบเข้าสู่ระบบไม่ได้ตั้งแต่เมื่อวาน ช่วยตรวจสอบให้หน่อยครับ"),
            ("{product} เชื่อมต่อไม่ได้", "{product} เชื่อมต่อกับแอปไม่ได้หลังจากอัปเดต คำสั่งซื้อ {order} ค่ะ"),
        ),
        "id": (
            (
                "Tidak bisa masuk ke akun saya",
                "Halo, saya tidak bisa masuk ke akun saya sejak kemarin. Mohon bantuannya.",
            ),
            (
                "{product} tidak tersambung",
                "{product} saya tidak bisa tersambung ke aplikasi setelah pembaruan. Pesanan {order}.",
            ),
        ),
        "bn": (
            ("লগইন করতে পারছি না", "আমি গতকাল থেকে আমার অ্যাকাউন্টে লগইন করতে পারছি না। সাহায্য করুন।"),
            (
                "{product} সংযোগ হচ্ছে না",
                "আপডেটের পর আমার {product} অ্যাপের সাথে সংযোগ হচ্ছে না। অর্ডার {order}।",
            ),
        ),
    },
    "complaint": {
        "en": (
            (
                "Charged twice this month",
                "This is unacceptable. You charged me twice this month and nobody answers. I want a refund now.",
            ),
            (
                "Order {order} arrived broken",
                "My {product} arrived broken and this is the second time. Terrible service, I am really angry and want my money back.",
            ),
            (
                "Still not fixed, cancelling",
                "This is the third time I write about this. Still not fixed. I am cancelling my subscription, awful experience.",
            ),
        ),
        "th": (
            ("ถูกเรียกเก็บเงินซ้ำ", "แย่มาก ถูกเรียกเก็บเงินสองครั้ง ติดต่อไปก็ไม่มีใครตอบ ต้องการเงินคืนทันที"),
            (
                "สินค้าเสียหาย {order}",
                "ได้รับ {product} เสียหายเป็นครั้งที่สองแล้ว ผิดหวังมาก ต้องการคืนเงิน คำสั่งซื้อ {order}",
            ),
        ),
        "id": (
            (
                "Ditagih dua kali",
                "Sangat kecewa. Saya ditagih dua kali bulan ini dan tidak ada yang menjawab. Saya minta uang kembali.",
            ),
            (
                "Pesanan {order} rusak",
                "{product} saya datang rusak untuk kedua kalinya. Pelayanan buruk sekali, saya minta refund.",
            ),
        ),
        "bn": (
            (
                "দুবার টাকা কেটেছে",
                "খুবই খারাপ অভিজ্ঞতা। এই মাসে দুবার টাকা কেটেছে, কেউ উত্তর দেয় না। আমি টাকা ফেরত চাই।",
            ),
            (
                "অর্ডার {order} ভাঙা এসেছে",
                "আমার {product} ভাঙা অবস্থায় এসেছে, এটা দ্বিতীয়বার। খুব হতাশ, টাকা ফেরত চাই।",
            ),
        ),
    },
    "feature_request": {
        "en": (
            (
                "Please add dark mode",
                "Would love a dark mode for the dashboard, my eyes would thank you.",
            ),
            (
                "Integration with {product}",
                "Any plans to integrate with the {product}? Our whole team uses it.",
            ),
        ),
        "th": (("อยากให้มีโหมดมืด", "อยากให้เพิ่มโหมดมืดในแดชบอร์ดค่ะ ขอบคุณค่ะ"),),
        "id": (
            ("Mohon tambahkan mode gelap", "Tolong tambahkan mode gelap di dasbor. Terima kasih!"),
        ),
        "bn": (("ডার্ক মোড চাই", "ড্যাশবোর্ডে ডার্ক মোড যোগ করলে খুব ভালো হয়। ধন্যবাদ।"),),
    },
}
KINDS = (("question", 45), ("problem", 35), ("complaint", 8), ("feature_request", 12))

# Follow-ups from the customer, by language.
CUSTOMER_REPLIES = {
    "en": (
        "Thanks, that worked! One more question about billing though.",
        "I tried that but it still does not work. Here is a screenshot of the error.",
        "Any update on this? It has been two days.",
        "Great, thank you for the quick help.",
        "Sorry, I forgot to say: it happens on the {product} too.",
    ),
    "th": (
        "ขอบคุณครับ ใช้งานได้แล้ว",
        "ลองแล้วแต่ยังไม่ได้ค่ะ มีความคืบหน้าไหมคะ",
        "ขอบคุณมากครับที่ช่วยอย่างรวดเร็ว",
    ),
    "id": (
        "Terima kasih, sudah berhasil!",
        "Sudah saya coba tapi masih belum bisa. Ada kabar?",
        "Terima kasih atas bantuannya yang cepat.",
    ),
    "bn": (
        "ধন্যবাদ, এখন কাজ করছে!",
        "চেষ্টা করেছি কিন্তু এখনও হচ্ছে না। কোনো খবর আছে?",
        "দ্রুত সাহায্যের জন্য অনেক ধন্যবাদ।",
    ),
}
STAFF_REPLIES = {
    "en": (
        "Thank you for telling us. I'm looking into it now and will update you by **tomorrow noon**.",
        "I'd be frustrated too. I've refunded the duplicate charge; it shows in 3-5 days.",
        "You can download every invoice from **Billing → Invoices**.",
        "Could you tell me which browser you use? That helps us reproduce it.",
        "Is there anything else I can help with?",
    ),
    "th": (
        "ขอบคุณที่แจ้งให้ทราบค่ะ กำลังตรวจสอบให้และจะแจ้งความคืบหน้าภายในพรุ่งนี้ค่ะ",
        "ขออภัยในความไม่สะดวกครับ ได้ดำเนินการคืนเงินแล้ว จะได้รับภายใน 3-5 วันครับ",
        "มีอะไรให้ช่วยเพิ่มเติมไหมคะ",
    ),
    "id": (
        "Terima kasih sudah memberi tahu kami. Saya sedang memeriksanya sekarang.",
        "Mohon maaf atas ketidaknyamanannya. Dana sudah kami kembalikan, masuk dalam 3-5 hari.",
        "Ada lagi yang bisa saya bantu?",
    ),
    "bn": (
        "জানানোর জন্য ধন্যবাদ। আমি এখনই বিষয়টি দেখছি এবং আগামীকালের মধ্যে জানাব।",
        "অসুবিধার জন্য দুঃখিত। টাকা ফেরত দেওয়া হয়েছে, ৩-৫ দিনের মধ্যে পাবেন।",
        "আর কিছু সাহায্য করতে পারি?",
    ),
}
INTERNAL_NOTES = (
    "Checked the payment provider: two captures on the same day. Refund issued.",
    "Same bug as last week's release; engineering has the fix queued.",
    "VIP customer, keep them posted personally.",
)
PROMISE_TEXTS = {
    "en": "I'll update you by {time}, even if it is only to say where we are.",
    "th": "จะแจ้งความคืบหน้าให้ทราบภายใน {time} ค่ะ",
    "id": "Saya akan mengabari Anda paling lambat {time}.",
    "bn": "{time} এর মধ্যে আপনাকে জানাব।",
}
RECOVERY_NOTES = {
    "hear": "Customer was charged twice and could not reach us for two days.",
    "resolve": "Refunded the duplicate charge and added a month of credit.",
    "process_gap": "The payment retry fired after a timeout although the first capture went through.",
    "process_fix": "Retries now check the capture status first.",
}
RATING_COMMENTS = {
    "good": ("Quick and friendly, thank you!", "Solved in minutes.", ""),
    "okay": ("Took a while but it is fixed.", ""),
    "bad": ("Took far too long.", "Nobody answered for days.", ""),
}
TAGS = ("billing", "refund", "bug", "login", "shipping", "feature", "account", "export")
ROOT_CAUSES = ("Billing error", "Shipping damage", "Software bug", "Slow response", "Unclear docs")
