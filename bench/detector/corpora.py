"""Reading the public corpora named in corpora.toml, and our own support-message sets."""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).with_name("corpora.toml")

csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class Corpus:
    name: str
    title: str
    language: str
    repository: str
    commit: str
    licence: str
    format: str
    header: bool
    text: int | str
    label: int | str
    positive: tuple[str, ...]
    train: tuple[str, ...]
    test: tuple[str, ...]
    folds: int = 0
    exclude_test: bool = False


@dataclass(frozen=True)
class Support:
    language: str
    path: str


Example = tuple[str, int]  # (text, 1 for a complaint)


def manifest(path: Path = MANIFEST) -> tuple[list[Corpus], list[Support]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    corpora = [
        Corpus(
            **{
                **entry,
                "positive": tuple(entry["positive"]),
                "train": tuple(entry["train"]),
                "test": tuple(entry.get("test", ())),
            }
        )
        for entry in data.get("corpus", [])
    ]
    support = [Support(**entry) for entry in data.get("support", [])]
    return corpora, support


def _open(root: Path, corpus: Corpus, path: str) -> str:
    base = root / corpus.repository
    if "!" in path:
        archive, member = path.split("!", 1)
        with zipfile.ZipFile(base / archive) as zipped:
            return zipped.read(member).decode("utf-8")
    return (base / path).read_text(encoding="utf-8")


def _rows(corpus: Corpus, content: str) -> list[Example]:
    positive = set(corpus.positive)
    examples: list[Example] = []
    if corpus.format == "jsonl":
        for line in content.splitlines():
            if line.strip():
                item = json.loads(line)
                examples.append((str(item[corpus.text]), int(str(item[corpus.label]) in positive)))
        return examples
    delimiter = "," if corpus.format == "csv" else "\t"
    quoting = csv.QUOTE_MINIMAL if corpus.format == "csv" else csv.QUOTE_NONE
    reader = csv.reader(io.StringIO(content), delimiter=delimiter, quoting=quoting)
    if corpus.header:
        next(reader, None)
    assert isinstance(corpus.text, int) and isinstance(corpus.label, int)  # noqa: S101
    for row in reader:
        if len(row) > max(corpus.text, corpus.label):
            label = row[corpus.label].strip()
            examples.append((row[corpus.text], int(label in positive)))
    return examples


def load(root: Path, corpus: Corpus, split: str) -> list[Example]:
    """A corpus's `train` or `test` examples; training leaves out texts also in the test."""
    paths = corpus.train if split == "train" else corpus.test
    examples = [row for path in paths for row in _rows(corpus, _open(root, corpus, path))]
    if split == "train" and corpus.exclude_test and corpus.test:
        held_out = {text.strip() for text, _label in load(root, corpus, "test")}
        examples = [row for row in examples if row[0].strip() not in held_out]
    return examples


def load_support(support: Support) -> list[tuple[str, int, str]]:
    """Our own support messages: (text, label, shape)."""
    rows = []
    with (ROOT / support.path).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for label, shape, text in reader:
            rows.append((text, int(label), shape))
    return rows
