#!/usr/bin/env python3
"""Score the complaint detector on public labelled corpora and on our own support messages.

    .venv/bin/python bench/detector/evaluate.py --corpora DIR [--threshold 0.5] [--json FILE]

For each corpus in corpora.toml: precision, recall, F1, macro-F1 and accuracy on its test
split, through `detect()` exactly as the app calls it (the shipped model, the customer's
language as the hint), next to the "never flags" baseline. A corpus measured by k-fold
cross-validation (no test split) is refitted k times with the training recipe instead, as
the shipped model has seen all of it. Then the support messages of tests/fixtures/complaints
(never trained on), with recall per shape of complaint and false alarms per shape of
non-complaint, and the detector's time per message. Without --corpora only the support
messages are scored. Prints Markdown; docs/complaint-detection.md carries the output.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from corpora import load, load_support, manifest
from learn import Figures, cross_validated, figures, matrix

from helpdesk.recovery.detection import COMPLAINT_THRESHOLD, detect


def _row(name: str, found: Figures) -> str:
    return (
        f"| {name} | {found.items:,} | {found.precision:.2f} | {found.recall:.2f} "
        f"| {found.f1:.2f} | {found.macro_f1:.2f} | {found.accuracy:.2f} |"
    )


def _never(labels: list[int]) -> Figures:
    return figures(labels, [False] * len(labels))


HEADER = (
    "| corpus | items | precision | recall | F1 | macro-F1 | accuracy |\n"
    "|---|---|---|---|---|---|---|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, help="folder of the public corpora")
    parser.add_argument("--threshold", type=float, default=COMPLAINT_THRESHOLD)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    threshold = args.threshold
    corpora, supports = manifest()
    report: dict[str, object] = {"threshold": threshold}

    if args.corpora:
        print(f"Public corpora, threshold {threshold}:\n\n{HEADER}")
        for corpus in corpora:
            if corpus.folds:
                rows = load(args.corpora, corpus, "train")
                labels = [label for _text, label in rows]
                features = matrix([text for text, _label in rows], corpus.language)
                probabilities = cross_validated(features, np.array(labels), corpus.folds)
                flagged = [p >= threshold for p in probabilities]
                how = f"{corpus.folds}-fold"
            else:
                rows = load(args.corpora, corpus, "test")
                labels = [label for _text, label in rows]
                flagged = [
                    detect(text, language=corpus.language).score >= threshold
                    for text, _label in rows
                ]
                how = "test"
            found = figures(labels, flagged)
            print(_row(f"{corpus.name} ({how})", found))
            print(_row(f"{corpus.name}: never flags", _never(labels)))
            report[corpus.name] = found.as_dict()
        print()

    print(f"Support messages written for this project, threshold {threshold}:\n\n{HEADER}")
    shapes: dict[str, list[bool]] = defaultdict(list)
    timings: list[float] = []
    for support in supports:
        rows = load_support(support)
        flagged = []
        for text, _label, shape in rows:
            started = time.perf_counter()
            hit = detect(text, language=support.language).score >= threshold
            timings.append(time.perf_counter() - started)
            flagged.append(hit)
            shapes[shape].append(hit)
        labels = [label for _text, label, _shape in rows]
        found = figures(labels, flagged)
        print(_row(f"support-{support.language}", found))
        report[f"support-{support.language}"] = found.as_dict()
    print(
        "\nShare flagged per shape, all languages"
        " (complaint shapes: recall; others: false alarms):\n"
    )
    print("| shape | messages | flagged |\n|---|---|---|")
    for shape, hits in sorted(shapes.items()):
        print(f"| {shape} | {len(hits)} | {sum(hits) / len(hits):.2f} |")
    # Time it again, warm, on the same messages.
    warm = []
    for support in supports:
        for text, _label, _shape in load_support(support):
            started = time.perf_counter()
            detect(text, language=support.language)
            warm.append(time.perf_counter() - started)
    p50 = statistics.median(warm) * 1000
    p95 = statistics.quantiles(warm, n=20)[-1] * 1000
    print(f"\ndetect() per support message: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    report["detect_ms"] = {"p50": round(p50, 3), "p95": round(p95, 3)}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
