"""``khabar build``: the dataset folder. A module of its own: the build needs ``datasets`` and the card's code,
which the other commands never import."""

from __future__ import annotations

import argparse
import sys

from khabar.cli.output import progress_bar, report
from khabar.dataset.build import build, load_back
from khabar.io.outputs import BUILD, TIMINGS, refusals
from khabar.io.progress import Timings, write_timings


def cmd_build(args: argparse.Namespace) -> int:
    out = args.out or args.root / "dist" / "khabar"
    if args.timings:  # checked before the build, so a bad path costs nothing and loses nothing
        refused = refusals(out=args.timings, output=TIMINGS, project=args.root) + refusals(out=out, output=BUILD, project=args.root)
        if refused:  # both paths' problems at once (the build checks --out again)
            return report(refused)
        try:
            args.timings.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"khabar: cannot write --timings {args.timings}: {exc.strerror or exc}; give a file in a writable folder", file=sys.stderr)
            return 2
    timings = Timings()
    try:
        manifest = build(root=args.root, out=out, baselines=not args.no_baselines, progress=progress_bar(args), timings=timings)
    finally:
        if args.timings and timings:  # a build refused before any stage ran writes nothing
            write_timings(timings=timings, out=args.timings)
    if not args.quiet:
        print(f"built {out} (version {manifest['version']})")
    if not args.no_load:
        for config, splits in load_back(out=out).items():
            for split, rows in splits.items():
                if not args.quiet:
                    print(f"  load_dataset({str(out)!r}, {config!r}, split={split!r}): {rows} rows")
    return 0
