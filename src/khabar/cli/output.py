"""What every command prints besides its own results: the findings (one line each, then a summary) and, on a
terminal, a progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from khabar.core.findings import Finding
from khabar.io.progress import Progress, no_progress

T = TypeVar("T")


#: The ways ``--format`` prints findings: ``path:line: level[check-id] message`` on stderr (for people and editors), or
#: GitHub Actions workflow commands on stdout (``::error file=path,line=N,title=check-id::message``), which GitHub shows
#: on the changed line of a pull request.
FORMATS = ("text", "github")


def report(findings: Sequence[Finding], *, quiet: bool = False, format: str = "text", root: Path | None = None) -> int:
    """Print findings and a one-line summary; the exit code is 1 when any is an error. With ``format="github"``,
    each finding's path is given from the current folder (``root`` joined to it), as GitHub locates files."""
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    for f in findings:
        if format == "github":
            print((f.at(path=Path(root, f.path).as_posix(), line=f.line) if root is not None and f.path else f).github())
        else:
            print(f.render(), file=sys.stderr)
    if errors or warnings or not quiet:
        verdict = "FAILED" if errors else "ok"
        print(f"khabar: {verdict}: {errors} error(s), {warnings} warning(s)", file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def progress_bar(args: argparse.Namespace) -> Progress:
    """A tqdm bar (on stderr) on a terminal; nothing when output is redirected or with --quiet."""
    if getattr(args, "quiet", False) or not (sys.stdout.isatty() and sys.stderr.isatty()):
        return no_progress

    def bar(items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]:
        return tqdm(items, total=total, desc=desc, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True)

    return bar
