"""The upload checks (type by content and name, sizes, counts) and the image previews'
safety (no metadata, no decompression bombs, nothing but the four image formats)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image

from helpdesk.attachments.previews import make_preview
from helpdesk.attachments.uploads import check_upload, check_uploads, filesize
from helpdesk.errors import ValidationError

DOCX = b"PK\x03\x04" + b"\0" * 40


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.PNG", b"\x89PNG\r\n\x1a\nrest", "image/png"),
        ("a.jpeg", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("a.gif", b"GIF89arest", "image/gif"),
        ("a.webp", b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        ("a.pdf", b"%PDF-1.7\n", "application/pdf"),
        ("notes.txt", "สวัสดี\n".encode(), "text/plain"),
        ("list.csv", b"\xef\xbb\xbfa,b\n1,2\n", "text/csv"),
        # What Excel and older programs write: cp1252, UTF-16 with its BOM, Big5.
        ("excel.csv", "Name;Café;Prix\nRené;Crème brûlée;4,50 €\n".encode("cp1252"), "text/csv"),
        ("unicode.txt", "Name\tCity\nSomchai\tกรุงเทพ\n".encode("utf-16"), "text/plain"),
        ("big5.log", "錯誤：無法連線到伺服器，請稍後再試。\n".encode("big5") * 4, "text/plain"),
        (
            "report.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "application/vnd.ms-excel"),
        ("all.zip", DOCX, "application/zip"),
    ],
)
def test_allowed_types_get_their_type_from_the_name_and_content(
    app: Flask, name: str, data: bytes, content_type: str
) -> None:
    with app.test_request_context():
        assert check_upload(name, data).content_type == content_type


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.png", b"GIF89a", "a.png does not look like a PNG file"),
        ("page.txt", b"<!DOCTYPE html><script>", "page.txt does not look like a TXT file"),
        ("bin.txt", b"\x00\x01\x02", "does not look like a TXT file"),
        ("bom.txt", b"\xff\xfe" + b"\x01\x00\x02\x00\x11\xaf" * 30, "does not look like a TXT"),
        ("x.svg", b"<svg/>", "x.svg is not a type we accept"),
        ("noextension", b"hello", "noextension is not a type we accept"),
        ("../../etc/passwd.txt", b"", "passwd.txt is empty."),
    ],
)
def test_refusals_name_the_file_and_the_reason(
    app: Flask, name: str, data: bytes, words: str
) -> None:
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        check_upload(name, data)
    assert words in refused.value.message and refused.value.field == "attachments"


def test_sizes_are_worded_with_the_limits(app: Flask) -> None:
    app.config.update(ATTACHMENT_MAX_BYTES=10 * 1024 * 1024, ATTACHMENTS_MAX_BYTES=12 * 1024 * 1024)
    with app.test_request_context():
        assert filesize(20 * 1024 * 1024) == "20 MB" and filesize(1536) == "1.5 KB"
        big = b"%PDF-" + b"0" * (11 * 1024 * 1024)
        with pytest.raises(
            ValidationError, match=r"big.pdf is 11 MB; each file may be at most 10 MB"
        ):
            check_uploads([("big.pdf", big)])
        six = b"%PDF-" + b"0" * (6 * 1024 * 1024)
        with pytest.raises(ValidationError, match=r"come to 12 MB together; .* at most 12 MB"):
            check_uploads([("a.pdf", six), ("b.pdf", six)])
        assert check_uploads([("", b"")]) == []  # an empty file input sends one empty part


def test_a_preview_is_small_plain_and_safe() -> None:
    out = io.BytesIO()
    image = Image.new("RGB", (1200, 800), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    image.save(out, "JPEG", exif=exif)
    preview = make_preview(out.getvalue())
    assert preview is not None and b"secret description" not in preview
    thumbnail = Image.open(io.BytesIO(preview))
    assert thumbnail.format == "PNG" and thumbnail.size == (480, 320)
    assert not thumbnail.getexif()


def test_no_preview_of_bombs_documents_or_broken_images() -> None:
    assert make_preview(_png((9000, 9000), mode="1")) is None  # 81 megapixels, a few KB
    # Decoded in full, a PNG stops at 16 megapixels (a JPEG decodes at a reduced scale).
    assert make_preview(_png((4100, 4100), mode="1")) is None
    assert make_preview(_png((3900, 3900), mode="1")) is not None
    assert make_preview(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert make_preview(b"\x89PNG\r\n\x1a\nbroken") is None
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    assert make_preview(out.getvalue()) is None  # a format we do not decode
