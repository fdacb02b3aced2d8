"""CLI command that runs a baseline: ``khabar baseline NAME --out FILE``. Thin wrapper; only the CLI prints."""

from __future__ import annotations

import argparse
import sys

from khabar.baselines import BASELINES, run_baseline, write_predictions
from khabar.evaluate import load_gold
from khabar.io.outputs import PREDICTIONS, check_out


def cmd_baseline(args: argparse.Namespace) -> int:
    check_out(out=args.out, output=PREDICTIONS, project=args.root)  # refused before the work, and again before the rename
    gold = load_gold(path=args.gold or args.root, split=args.split)  # the split `khabar evaluate --split` scores
    documents = [(d.id, d.text) for d in gold]  # a baseline sees ids and texts only
    options = {"model": args.model} if args.model is not None else {}
    try:
        predictions = run_baseline(name=args.name, documents=documents, options=options)
    except ValueError as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 2
    _, _, version = BASELINES[args.name]
    path = write_predictions(predictions=predictions, out=args.out, baseline=f"{args.name} {version}")
    print(f"{args.name} {version}: wrote {len(predictions)} document(s) of the {args.split} split to {path}")
    return 0
