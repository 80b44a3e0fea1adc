"""How the attachment checks and previews judge files made by others, not by us.

    .venv/bin/python bench/attachments/evaluate_files.py --images DIR --texts DIR

--images: Pillow's own test images (`Tests/images` of python-pillow/Pillow: 1,000+ files in
every format Pillow reads, including truncated, corrupt and decompression-bomb files).
--texts: charset_normalizer's sample texts (`data/` of jawah/charset_normalizer: Wikipedia
and public-domain text in 13 languages and legacy encodings: cp1251, cp1253, Big5, EUC-KR…).
Neither is copied into this tree; `fetch` them (see the README's "Attachments" figures).

For every file: what `check_upload` says when it is sent under its own name, and, for an
image we accept, whether a preview is made, how long it takes and how much the process
grows. Then every accepted image again under another image type's extension, and every
image file as `.txt` (a file whose content does not match its name must be refused).
Prints a table per extension and the slowest previews; exits non-zero if anything raised
instead of answering.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from helpdesk import create_app  # noqa: E402
from helpdesk.attachments.previews import make_preview  # noqa: E402
from helpdesk.attachments.uploads import ALLOWED, check_upload  # noqa: E402
from helpdesk.errors import ValidationError  # noqa: E402

IMAGE_EXTENSIONS = ("png", "jpg", "gif", "webp")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _verdict(name: str, data: bytes) -> str:
    try:
        check_upload(name, data)
    except ValidationError as error:
        message = str(error)
        if "not a type we accept" in message:
            return "refused: type"
        if "does not look like" in message:
            return "refused: content"
        if "is empty" in message:
            return "refused: empty"
        return "refused: size"
    return "accepted"


def evaluate(images: Path | None, texts: Path | None) -> int:
    app = create_app({"ENVIRONMENT": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    crashes: list[str] = []
    by_extension: dict[str, Counter[str]] = defaultdict(Counter)
    previews: list[tuple[float, str, bool]] = []
    renamed = Counter[str]()
    as_text = Counter[str]()
    with app.test_request_context():
        for corpus in (images, texts):
            if corpus is None:
                continue
            for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
                data = path.read_bytes()
                extension = path.suffix.lower().lstrip(".") or "(none)"
                if extension == "jpeg":
                    extension = "jpg"
                try:
                    verdict = _verdict(path.name, data)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    crashes.append(f"check {path}: {error!r}")
                    continue
                by_extension[extension][verdict] += 1
                if verdict != "accepted" or extension not in IMAGE_EXTENSIONS:
                    continue
                started = time.perf_counter()
                try:
                    made = make_preview(data) is not None
                except Exception as error:  # noqa: BLE001
                    crashes.append(f"preview {path}: {error!r}")
                    continue
                previews.append((time.perf_counter() - started, str(path), made))
                for other in IMAGE_EXTENSIONS:
                    if other != extension:
                        renamed[_verdict(f"{path.stem}.{other}", data)] += 1
            if corpus is images:
                # Every image file, whatever its format, sent as text: binary is not text.
                for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
                    as_text[_verdict(f"{path.stem}.txt", path.read_bytes())] += 1
    print(f"{'extension':<10} {'files':>6} {'accepted':>9} {'type':>6} {'content':>8} {'other':>6}")
    for extension, counts in sorted(by_extension.items(), key=lambda item: -item[1].total()):
        if extension not in ALLOWED and extension not in ("jpg", "txt") and counts.total() < 5:
            continue
        other = counts["refused: empty"] + counts["refused: size"]
        print(
            f"{extension:<10} {counts.total():>6} {counts['accepted']:>9} "
            f"{counts['refused: type']:>6} {counts['refused: content']:>8} {other:>6}"
        )
    made = sum(1 for _, _, ok in previews if ok)
    print(
        f"\naccepted images: {len(previews)}; previews made: {made}; none (refused): "
        f"{len(previews) - made}"
    )
    if previews:
        times = sorted(seconds for seconds, _, _ in previews)
        print(
            f"preview time p50 {times[len(times) // 2] * 1000:.1f} ms, "
            f"max {times[-1] * 1000:.1f} ms; process peak RSS {_rss_mb():.0f} MB"
        )
        for seconds, path, ok in sorted(previews, reverse=True)[:5]:
            print(f"  {seconds * 1000:7.1f} ms  {'preview' if ok else 'none':<7} {path}")
    print(f"accepted images renamed to another image type: {dict(renamed)}")
    print(f"every image file renamed to .txt: {dict(as_text)}")
    if crashes:
        print(f"\n{len(crashes)} raised instead of answering:")
        for line in crashes[:20]:
            print("  " + line)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=Path)
    parser.add_argument("--texts", type=Path)
    args = parser.parse_args()
    return evaluate(args.images, args.texts)


if __name__ == "__main__":
    raise SystemExit(main())
