"""Safe previews of images for staff: a thumbnail decoded and re-encoded by Pillow as PNG.

Never the uploaded bytes: re-encoding drops metadata (EXIF location, comments) and anything
appended to the image, and the result is always a plain PNG sent with nosniff. Images whose
header announces more pixels than we decode are not decoded at all (a decompression bomb is
a few KB that would expand to gigabytes); Pillow's own bomb warning is turned into a refusal.
JPEG decodes at a reduced scale (`draft`), so a 40-megapixel photo costs little; PNG, GIF
and WebP decode in full (4 bytes a pixel), so they stop at 16 megapixels (64 MB) — ten
one-colour 6,300 × 6,300 PNGs of 100 KB each would otherwise cost 150 MB per preview.
A preview is made once and cached in storage under a key derived from the original's.
"""

from __future__ import annotations

import io
import logging
import warnings

from helpdesk.attachments.storage import derived_key, storage

logger = logging.getLogger(__name__)

BOX = (480, 480)
MAX_PIXELS = 40_000_000  # JPEG, decoded at a reduced scale
MAX_FULL_DECODE_PIXELS = 16_000_000  # PNG, GIF, WebP: decoded in full
LABEL = "preview-png-v1"
_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


def make_preview(data: bytes) -> bytes | None:
    """A PNG thumbnail of `data`, or None when it is not an image we decode safely.
    Pillow is imported here, on the first preview, not in every web worker at start."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                width, height = image.size
                limit = MAX_PIXELS if image.format == "JPEG" else MAX_FULL_DECODE_PIXELS
                if width * height > limit:
                    return None
                image.draft("RGB", BOX)  # JPEG: decode at a reduced size, cheaply
                frame = ImageOps.exif_transpose(image)  # first frame, upright
                frame.thumbnail(BOX)
                if frame.mode not in ("RGB", "RGBA", "L", "LA"):
                    frame = frame.convert("RGBA")
                out = io.BytesIO()
                frame.save(out, "PNG")  # no pnginfo, no exif: metadata is not carried over
                return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return None


def preview_png(key: str) -> bytes | None:
    """The cached preview of the object at `key`, made on first request."""
    store = storage()
    preview_key = derived_key(key, LABEL)
    cached = store.get(preview_key)
    if cached is not None:
        return cached
    data = store.get(key)
    if data is None:
        return None
    png = make_preview(data)
    if png is not None:
        store.put(preview_key, png)
    return png
