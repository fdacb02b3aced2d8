"""The checks layer: pure functions from a loaded corpus to findings.

``validate(root=...)`` is the whole pipeline: read every file (format checks),
run every corpus check, apply reviewed exceptions. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from khabar.checks import links, names, references, spans, structure, workflow
from khabar.checks.exceptions import apply_exceptions, read_exceptions
from khabar.findings import Finding
from khabar.io.project import Corpus, Paths, load_project
from khabar.progress import Progress, Timings, no_progress

Check = Callable[[Corpus], Iterator[Finding]]

#: Every corpus-level check, in report order.
CORPUS_CHECKS: tuple[Check, ...] = spans.CHECKS + references.CHECKS + structure.CHECKS + names.CHECKS + links.CHECKS + workflow.CHECKS


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

    ``progress`` wraps each long stretch (reading, checking, the suites); see
    :mod:`khabar.progress`. ``timings``, if given, receives the seconds of each.
    """
    clock = timings if timings is not None else Timings()
    paths = Paths(root)
    with clock.stage("read"):
        corpus = load_project(root=root, progress=progress)
    exemptions, found = read_exceptions(paths.exceptions, shown=paths.show(paths.exceptions))
    with clock.stage("checks"):
        found += run_checks(corpus, progress=progress)
    if release:
        found = [replace(f, level="error") if f.check == "unreviewed-annotation" else f for f in found]
    from khabar.checks.release import check_changelog, check_versions

    found += check_versions(root=root, built=None) + check_changelog(root=root, base=None)
    if gx:
        from khabar.checks.gx import run_suites

        dirty = {f.document for f in found if f.level == "error"}
        clean = [d for d in corpus.documents if d.id not in dirty]
        if clean:
            with clock.stage("great_expectations"):
                found += run_suites(clean, corpus=corpus, progress=progress)
    return corpus, apply_exceptions(found, exemptions, shown=paths.show(paths.exceptions))
