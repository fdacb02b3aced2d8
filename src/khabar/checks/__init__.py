"""Layer 4, the checks: pure functions from a loaded corpus to findings. Validation as a whole (reading,
checking, the suites, in worker processes) is :func:`khabar.pipeline.validate`.

May import: ``io``, ``schema``, ``core``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from khabar.checks import links, names, references, spans, structure, workflow
from khabar.core.findings import Finding
from khabar.io.progress import Progress, no_progress
from khabar.io.project import Corpus

Check = Callable[[Corpus], Iterator[Finding]]

#: Every corpus-level check, in report order.
CORPUS_CHECKS: tuple[Check, ...] = spans.CHECKS + references.CHECKS + structure.CHECKS + names.CHECKS + links.CHECKS + workflow.CHECKS
#: The tables' Great Expectations suites in two groups of about equal cost, one per process on a large corpus
#: (:mod:`khabar.checks.gx_run`); here, so the pipeline sizes its pool without importing the suites.
SUITE_GROUPS = (("mentions", "values", "sentences", "documents"), ("entities", "relations", "attributions"))
#: Those that look at one document at a time (the others: :data:`khabar.checks.names.CORPUS_WIDE`).
LOCAL_CHECKS: tuple[Check, ...] = tuple(c for c in CORPUS_CHECKS if c not in names.CORPUS_WIDE)


def run_checks(corpus: Corpus, *, checks: Iterable[Check] = CORPUS_CHECKS, progress: Progress = no_progress) -> list[Finding]:
    """Every finding of ``checks`` on ``corpus`` (plus the corpus's reading findings)."""
    found = list(corpus.findings)
    checks = list(checks)
    for check in progress(checks, total=len(checks), desc="checking", unit="check"):
        found.extend(check(corpus))
    return found
