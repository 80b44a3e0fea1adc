#!/usr/bin/env python3
"""Train the shipped complaint model from the public corpora in corpora.toml.

    .venv/bin/python bench/detector/train.py --corpora DIR [--out helpdesk/recovery/model]

One logistic regression per language on that language's training split only (the English
corpus has no split: the model is fitted on all of it, and its held-out figures come from
10-fold cross-validation, the published protocol). Writes the weights and a JSON file with
each language's bias, signal weights and held-out precision and recall per threshold, on
the corpus's test split and on our own support messages (never trained on); the settings
page shows those curves to admins choosing a threshold.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
from corpora import MANIFEST, ROOT, load, load_support, manifest
from learn import C, cross_validated, curve, fit, matrix

from helpdesk.recovery.features import BITS, SIZE
from helpdesk.recovery.model import LANGUAGES, META_FILE, SIGNAL_CODES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder of the corpora")
    parser.add_argument("--out", type=Path, default=ROOT / "helpdesk" / "recovery" / "model")
    parser.add_argument("--version", default=time.strftime("%Y-%m-%d"))
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the corpora's manifest")
    args = parser.parse_args()

    corpora, supports = manifest(args.manifest)
    by_language = {corpus.language: corpus for corpus in corpora}
    support_by_language = {support.language: support for support in supports}
    missing = [code for code in LANGUAGES if code not in by_language]
    if missing:
        print(f"train: no corpus for {', '.join(missing)} in corpora.toml", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    meta: dict[str, object] = {
        "version": args.version,
        "bits": BITS,
        "c": C,
        "signals": list(SIGNAL_CODES),
        "languages": {},
    }
    languages: dict[str, object] = {}
    for code in LANGUAGES:
        corpus = by_language[code]
        started = time.monotonic()
        train = load(args.corpora, corpus, "train")
        labels = np.array([label for _text, label in train])
        features = matrix([text for text, _label in train], code)
        model = fit(features, labels)
        if corpus.folds:
            held_out = cross_validated(features, labels, corpus.folds)
            held_labels = labels.tolist()
            protocol = f"{corpus.folds}-fold cross-validation"
        else:
            test = load(args.corpora, corpus, "test")
            held_labels = [label for _text, label in test]
            held_out = model.predict_proba(matrix([t for t, _l in test], code))[:, 1]
            protocol = "test split"
        coefficients = model.coef_[0]
        weights_file = f"complaints-{code}.f32.gz"
        raw = coefficients[:SIZE].astype("<f4").tobytes()
        (args.out / weights_file).write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
        entry: dict[str, object] = {
            "corpus": corpus.name,
            "repository": corpus.repository,
            "commit": corpus.commit,
            "train_items": len(train),
            "bias": round(float(model.intercept_[0]), 6),
            "weights": weights_file,
            "signals": {
                name: round(float(coefficients[SIZE + i]), 6) for i, name in enumerate(SIGNAL_CODES)
            },
            "held_out": {
                "protocol": protocol,
                "items": len(held_labels),
                "curve": curve(held_labels, held_out.tolist()),
            },
        }
        if code in support_by_language:
            rows = load_support(support_by_language[code])
            probabilities = model.predict_proba(matrix([text for text, *_ in rows], code))[:, 1]
            entry["support"] = {
                "path": support_by_language[code].path,
                "items": len(rows),
                "curve": curve([label for _t, label, _s in rows], probabilities.tolist()),
            }
        languages[code] = entry
        print(f"{code}: {len(train)} examples, {time.monotonic() - started:.0f} s", flush=True)
    meta["languages"] = languages
    (args.out / META_FILE).write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
