"""The checks layer: pure functions from a loaded corpus to findings.

``validate(root=...)`` is the whole pipeline: read every file (format checks),
run every corpus check, apply reviewed exceptions. Nothing here prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

from khabar.checks import links, names, references, spans, structure, workflow
from khabar.findings import Finding
from khabar.io.project import Corpus
from khabar.progress import Progress, Timings, no_progress

Check = Callable[[Corpus], Iterator[Finding]]

#: Every corpus-level check, in report order.
CORPUS_CHECKS: tuple[Check, ...] = spans.CHECKS + references.CHECKS + structure.CHECKS + names.CHECKS + links.CHECKS + workflow.CHECKS
#: Those that look at one document at a time (the others: :data:`khabar.checks.names.CORPUS_WIDE`).
LOCAL_CHECKS: tuple[Check, ...] = tuple(c for c in CORPUS_CHECKS if c not in names.CORPUS_WIDE)


def run_checks(corpus: Corpus, *, checks: Iterable[Check] = CORPUS_CHECKS, progress: Progress = no_progress) -> list[Finding]:
    """Every finding of ``checks`` on ``corpus`` (plus the corpus's reading findings)."""
    found = list(corpus.findings)
    checks = list(checks)
    for check in progress(checks, total=len(checks), desc="checking", unit="check"):
        found.extend(check(corpus))
    return found


def validate(*, root: Path, gx: bool = True, release: bool = False, progress: Progress = no_progress,
             timings: Timings | None = None) -> tuple[Corpus, list[Finding]]:
    """Load and check the project at ``root``; return the corpus and all findings.

    ``release=True`` applies the release rules: unreviewed annotations are errors.

    ``gx=False`` skips the Great Expectations suites (:mod:`khabar.checks.gx`), which take seconds.
    The suites are a second line of defence over whole tables: they run on the
    documents that the located checks found clean, so one fault is reported
    once, by the check that can say exactly where it is.

    Runs :func:`khabar.pipeline.stream` (documents read and checked in worker
    processes) and keeps the documents. ``progress`` wraps each long stretch;
    see :mod:`khabar.progress`. ``timings``, if given, receives the seconds of each.
    """
    from khabar.pipeline import stream

    result = stream(root=root, gx=gx, release=release, documents=True, progress=progress, timings=timings)
    return result.corpus, result.findings
