"""Published help articles for the demo (`flask helpdesk demo`): added by slug, so a second
run, or a run on a database whose demo data predates the knowledge base, adds only what
is missing. Written in the caller's transaction; the caller commits."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.audit import audit
from helpdesk.extensions import db
from helpdesk.models import Article, User
from helpdesk.rendering import markdown_to_html

# slug, title, Markdown body, days since publishing
DEMO_ARTICLES: tuple[tuple[str, str, str, int], ...] = (
    (
        "reset-your-password",
        "Reset your password",
        """Forgot your password? You can choose a new one in a minute.

1. On the sign-in page, choose **Forgot password?**
2. Enter the email address you signed up with and choose **Send link**.
3. Open the email from us and follow the link within **one hour**.
4. Choose a new password of at least 10 characters.

## The email did not arrive

- Check your spam or junk folder, and the *Promotions* tab in Gmail.
- Make sure you typed the address you signed up with. If your company uses single
  sign-on, reset the password with your company instead.
- Links expire after an hour: ask for a new one if yours is older.

Still stuck? Write to us from the help button and we will sort it out together.
""",
        40,
    ),
    (
        "refund-policy",
        "Our refund policy",
        """We want you to be happy with what you pay for.

- **New subscriptions**: a full refund within **30 days** of your first payment, no
  questions asked.
- **Renewals**: a refund within **14 days** of the renewal date if you have not used the
  service since.
- **Charged twice?** That is our mistake: we refund the extra charge at once, whenever
  you notice it.

Refunds go back to the card or account you paid with. Banks usually show them within
**5–10 business days**.

To ask for a refund, write to us with the email address on your account and the date of
the charge. You never need to explain why.
""",
        32,
    ),
    (
        "change-your-plan",
        "Change your plan",
        """You can move to another plan at any time from **Settings → Billing → Plan**.

## Upgrading
The new plan starts at once. You pay only the difference for the rest of the current
billing period.

## Downgrading
The change takes effect at the end of the current billing period, so you keep what you
paid for until then. If your team uses more seats than the smaller plan includes, remove
seats first.

## Monthly or yearly
Yearly billing costs two months less than paying monthly. Switching from yearly to
monthly takes effect at your next renewal.
""",
        25,
    ),
    (
        "shipping-times",
        "Shipping times and tracking",
        """Orders placed before **2 pm** (shop time) on a business day leave our warehouse the
same day.

- **Domestic**: usually 2–4 business days
- **Southeast Asia**: usually 4–7 business days
- **Rest of the world**: usually 7–14 business days

You get an email with a tracking link as soon as your parcel leaves. Tracking can take
up to 24 hours to show the first scan.

**Arrived damaged?** Keep the packaging, take a photo and write to us: we send a
replacement or refund you, whichever you prefer.
""",
        18,
    ),
    (
        "export-your-data",
        "Export your data",
        """Your data is yours. You can download all of it at any time.

1. Go to **Settings → Data → Export**.
2. Choose what to include: reports, contacts, invoices, or everything.
3. Choose **Start export**. We email you a download link when the file is ready
   (usually within a few minutes).

The export is a ZIP of CSV files encoded as **UTF-8**, so names and text in every
language (ไทย, বাংলা, Bahasa Indonesia) come through intact. If a spreadsheet shows
question marks, import the file and pick UTF-8 as the encoding instead of opening it
directly.

Download links work for 7 days.
""",
        10,
    ),
    (
        "add-a-team-admin",
        "Add a second admin to your team",
        """Two people can manage billing and settings together.

1. Go to **Settings → Team**.
2. Find your teammate (or invite them first with **Add person**).
3. Change their role to **Admin** and choose **Save**.

Admins can change plans, see invoices and manage the team. There is no limit on the
number of admins, but we recommend keeping at least two, so nobody is locked out when
someone is away.
""",
        3,
    ),
)

# Translations of the demo articles: slug, original's slug, language, title, Markdown body,
# days since publishing. A Thai customer searching "คืนเงิน" (refund) finds the Thai one.
DEMO_TRANSLATIONS: tuple[tuple[str, str, str, str, str, int], ...] = (
    (
        "refund-policy-th",
        "refund-policy",
        "th",
        "นโยบายการคืนเงิน",
        """เราอยากให้คุณพอใจกับสิ่งที่จ่ายไป

- **สมัครใช้งานครั้งแรก**: คืนเงินเต็มจำนวนภายใน **30 วัน** นับจากการชำระเงินครั้งแรก ไม่ต้องแจ้งเหตุผล
- **ต่ออายุ**: คืนเงินได้ภายใน **14 วัน** นับจากวันต่ออายุ หากยังไม่ได้ใช้บริการหลังจากนั้น
- **ถูกตัดเงินซ้ำ?** เป็นความผิดพลาดของเรา เราคืนส่วนที่ตัดเกินให้ทันทีที่คุณแจ้ง

เงินจะคืนเข้าบัตรหรือบัญชีที่คุณใช้ชำระ โดยปกติธนาคารจะแสดงยอดภายใน **5–10 วันทำการ**

หากต้องการขอคืนเงิน เขียนถึงเราด้วยอีเมลที่ใช้กับบัญชีและวันที่ถูกตัดเงิน
""",
        20,
    ),
    (
        "refund-policy-id",
        "refund-policy",
        "id",
        "Kebijakan pengembalian dana",
        """Kami ingin Anda puas dengan apa yang Anda bayar.

- **Langganan baru**: pengembalian dana penuh dalam **30 hari** sejak pembayaran pertama,
  tanpa pertanyaan.
- **Perpanjangan**: pengembalian dana dalam **14 hari** sejak tanggal perpanjangan jika
  layanan belum Anda gunakan sejak itu.
- **Tertagih dua kali?** Itu kesalahan kami: kelebihan tagihan kami kembalikan segera.

Dana kembali ke kartu atau rekening yang Anda pakai untuk membayar, biasanya dalam
**5–10 hari kerja**.

Untuk meminta pengembalian dana, silakan tulis kepada kami dengan alamat email akun Anda
dan tanggal tagihannya.
""",
        20,
    ),
    (
        "reset-your-password-bn",
        "reset-your-password",
        "bn",
        "পাসওয়ার্ড রিসেট করুন",
        """পাসওয়ার্ড ভুলে গেছেন? এক মিনিটেই নতুন পাসওয়ার্ড বেছে নিতে পারেন।

1. সাইন-ইন পেজে **পাসওয়ার্ড ভুলে গেছেন?** বেছে নিন।
2. যে ইমেইল দিয়ে সাইন আপ করেছিলেন সেটি লিখে **লিংক পাঠান** বেছে নিন।
3. আমাদের ইমেইলটি খুলে **এক ঘণ্টার** মধ্যে লিংকটি অনুসরণ করুন।
4. কমপক্ষে ১০ অক্ষরের একটি নতুন পাসওয়ার্ড বেছে নিন।

ইমেইল না পেলে স্প্যাম ফোল্ডার দেখুন, অথবা হেল্প বাটন থেকে আমাদের লিখুন।
""",
        15,
    ),
)

_BLOCK_START = re.compile(r"(#+ |[-*] |\d+\. )")


def unwrap(text: str) -> str:
    """Markdown written wrapped at the code's line length, as one line per paragraph or
    list item (the renderer keeps single line breaks)."""
    lines: list[str] = []
    for line in textwrap.dedent(text).strip().splitlines():
        stripped = line.strip()
        joinable = bool(lines) and bool(lines[-1]) and not lines[-1].startswith("#")
        if joinable and stripped and not _BLOCK_START.match(stripped):
            lines[-1] += " " + stripped
        else:
            lines.append(line.rstrip())
    return "\n".join(lines)


def seed_demo_articles(*, author: User | None, current: datetime) -> int:
    """Add the demo articles and their translations missing from the database (by slug),
    published; returns how many were added. Does not commit."""
    wanted = [
        (slug, None, "en", title, body, age) for slug, title, body, age in DEMO_ARTICLES
    ] + list(DEMO_TRANSLATIONS)
    slugs = [row[0] for row in wanted] + [row[1] for row in DEMO_TRANSLATIONS]
    present = {
        slug: article_id
        for slug, article_id in db.session.execute(
            sa.select(Article.slug, Article.id).where(Article.slug.in_(slugs))
        )
    }
    added = []
    for slug, original_slug, language, title, wrapped, age in wanted:
        if slug in present or (original_slug is not None and original_slug not in present):
            continue
        body = unwrap(wrapped)
        published = current - timedelta(days=age)
        article = Article(
            title=title,
            slug=slug,
            body_source=body,
            body_html=markdown_to_html(body),
            published=True,
            published_at=published,
            author_id=author.id if author else None,
            created_at=published,
            updated_at=published,
            language=language,
            translation_of_id=present[original_slug] if original_slug else None,
        )
        db.session.add(article)
        db.session.flush()
        present[slug] = article.id
        added.append(article)
    db.session.flush()
    for article in added:
        audit(actor="demo", action="article.create", obj=article, changes={"slug": article.slug})
    return len(added)
