"""Layer 7, the pipeline: validation (:func:`validate`) and the one streamed pass that the build shares with
it, each document's own work in worker processes, the corpus's work here. May import: ``export`` and
``baselines`` (the card's baseline scores are computed in the workers) and every layer below them.

Data still flows one way, files -> model -> checks -> views, but per chunk of
documents: a worker (:mod:`khabar.core.parallel`) reads its chunk (YAML, text,
tokenization, the model), runs every check that looks at one document at a
time, counts the card's figures, flattens the Great Expectations tables and,
when building, makes every config's rows as Arrow tables. Only those come back
(the documents too if asked), so this process never holds a large corpus. Here
run the checks that need the whole corpus (:data:`khabar.checks.names.CORPUS_WIDE`,
on small :class:`~khabar.checks.names.NameHeads` summaries), the suites on the
concatenated tables, and the reviewed exceptions.

:func:`khabar.pipeline.validate` and :func:`khabar.dataset.build.build` both run :func:`stream`;
the findings are those, in the same order, that the checks give on the loaded corpus.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from khabar.checks import CORPUS_CHECKS, LOCAL_CHECKS, SUITE_GROUPS, Check
from khabar.checks.changelog import check_changelog
from khabar.checks.exceptions import Exemption, apply_exceptions, read_exceptions
from khabar.checks.names import (
    NameHeads,
    check_name_types,
    check_names_annotated,
    name_heads,
    name_index,
    name_strings,
    type_findings,
    unannotated,
    unannotated_finding,
)
from khabar.checks.release import check_versions
from khabar.core.findings import Finding, finding
from khabar.core.gcpause import gc_paused
from khabar.core.parallel import chunk_size, map_chunks, parallel
from khabar.io.corpus_files import DOCUMENT_META
from khabar.io.progress import Progress, Timings, no_progress
from khabar.io.project import Corpus, Locate, Paths, Rereading, Source, document_ids, load_document
from khabar.schema.model import Document
from khabar.schema.splits import by_split, split_of
from khabar.views.stats import document_counts

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    import pandas as pd
    import pyarrow as pa

    from khabar.baselines.scores import BaselineScores

#: Receives each chunk's rows, split -> config name -> Arrow table, in document order.
ViewSink = Callable[[dict[str, dict[str, "pa.Table"]]], None]


@dataclass(frozen=True, slots=True)
class Plan:
    """What the workers make besides findings."""

    paths: Paths
    gx: bool  # the suites' tables
    views: bool  # every config's rows
    documents: bool  # the documents themselves
    baselines: bool = False  # the card's baseline scores
    exemptions: tuple[Exemption, ...] = ()  # a document whose every error is exempted is built


@dataclass(slots=True)
class Part:
    """A worker's results for one chunk of documents, in document order."""

    reading: list[Finding]
    checks: list[list[Finding]]  # one list per entry of LOCAL_CHECKS
    names: list[NameHeads]
    counts: dict[str, Counter[tuple[str, str]]]  # per split
    meta: dict[str, dict[str, str | None]]  # document id -> its front matter (split, licence, ...), of the documents read
    tables: dict[str, pd.DataFrame] | None
    views: dict[str, dict[str, pa.Table]] | None  # per split, per config
    unviewed: list[str]  # with ``views``: documents read but left out of them (they have errors)
    baselines: dict[str, BaselineScores] | None  # per split
    documents: list[Document] | None
    sources: dict[str, Source] | None


@dataclass(slots=True)
class Streamed:
    """What :func:`stream` found: findings, figures, and the corpus if it was kept."""

    findings: list[Finding]
    corpus: Corpus  # documents and sources only with ``documents=True``
    ids: list[str] = field(default_factory=list)  # the documents read, in order
    unviewed: list[str] = field(default_factory=list)  # read, but not given to ``views`` (they have errors)
    baselines: dict[str, BaselineScores] = field(default_factory=dict)  # per split, pooled over the chunks, with ``baselines=True``
    counts: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)  # per split, summed khabar.views.stats.document_counts
    meta: dict[str, dict[str, str | None]] = field(default_factory=dict)  # document id -> its front matter, of the documents read


def _suites() -> ModuleType:
    """:mod:`khabar.checks.gx_run`, imported when the suites run: pandas and the suites cost 1.3 s to import
    (measured), which ``validate --no-gx`` and a build without them never pay."""
    from khabar.checks import gx_run

    return gx_run


def _baselines() -> ModuleType:
    """:mod:`khabar.baselines.scores`, imported when the card's baseline scores are made: the scorers bring
    scipy (1.6 s to import, measured), which validation never needs."""
    from khabar.baselines import scores

    return scores


def _work(ids: list[str], plan: Plan) -> Part:
    with gc_paused():
        corpus = Corpus(plan.paths.root)
        for doc_id in ids:
            corpus.add(*load_document(plan.paths, doc_id))
        checks = [list(check(corpus)) for check in LOCAL_CHECKS]
        counts: dict[str, Counter[tuple[str, str]]] = {}
        for doc in corpus.documents:
            counts.setdefault(split_of(doc), Counter()).update(document_counts(doc))
        # What is built (views, baseline scores) is built of the documents that would pass, split by split.
        dirty = {f.document for found in [corpus.findings, *checks] for f in found if f.level == "error" and not any(x.matches(f) for x in plan.exemptions)}
        clean = by_split(d for d in corpus.documents if d.id not in dirty)
        views: dict[str, dict[str, pa.Table]] | None = None
        unviewed: list[str] = []
        if plan.views:
            unviewed = [d.id for d in corpus.documents if d.id in dirty]
            views = {}
            for split, docs in clean.items():
                views[split], broken = _views(docs, corpus.sources)
                corpus.findings.extend(broken)
        return Part(
            corpus.findings,
            checks,
            [name_heads(d) for d in corpus.documents],
            counts,
            {d.id: {key: getattr(d, key) for key in DOCUMENT_META} for d in corpus.documents},
            _suites().tables(corpus.documents) if plan.gx else None,
            views,
            unviewed,
            {split: _baselines().baseline_scores(docs) for split, docs in clean.items()} if plan.baselines else None,
            corpus.documents if plan.documents else None,
            corpus.sources if plan.documents else None,
        )


def _views(docs: list[Document], sources: dict[str, Source]) -> tuple[dict[str, pa.Table], list[Finding]]:
    """:func:`khabar.views.configs.view_tables`, imported here: a build needs ``datasets`` (1.4 s to import, measured),
    validation never does."""
    from khabar.views.configs import view_tables

    return view_tables(docs, sources)


def stream(
    *,
    root: Path,
    gx: bool = True,
    release: bool = False,
    documents: bool = False,
    views: ViewSink | None = None,
    baselines: bool = False,
    progress: Progress = no_progress,
    timings: Timings | None = None,
) -> Streamed:
    """Read and check the project at ``root`` chunk by chunk; return every finding.

    ``documents=True`` keeps the documents (``Streamed.corpus``); otherwise
    findings of the corpus-wide checks and suites are located by reading their
    documents again. ``views``, if given, receives every config's rows of the
    documents without error findings, split by split, chunk by chunk, as they come; with
    ``baselines=True`` the workers also run and score every baseline on those
    documents (``Streamed.baselines``, per split, for the card). The other
    arguments are :func:`khabar.pipeline.validate`'s; ``timings`` gets the stages
    ``documents`` (the workers' part), ``corpus_checks`` and ``great_expectations`` (the
    wait for the suites, which run meanwhile in two more processes on a large corpus)."""
    clock = timings if timings is not None else Timings()
    paths = Paths(root)
    ids = document_ids(root)
    exemptions, found = read_exceptions(paths.exceptions, shown=paths.show(paths.exceptions), within=paths.within)
    if not paths.corpus.is_dir():  # else a wrong --root would pass as an empty corpus
        found.append(
            finding(
                "file-missing",
                f"expected a project's folder with corpus/ and annotations/ at {root}; found no corpus/ folder "
                "(run khabar from the project's root, or pass --root; `khabar evaluate` takes it as --gold)",
                path=paths.show(paths.corpus) + "/",
            )
        )
    elif not ids:  # validate and build both refuse it: nothing to check is no pass, and a dataset of no rows cannot be loaded
        found.append(
            finding(
                "corpus-empty",
                "expected at least one document (a corpus/<id>.txt and its annotations/<id>.yaml); found none "
                "(add one with `khabar new`, or run khabar from the project's root)",
                path=paths.show(paths.corpus) + "/",
            )
        )
    plan = Plan(paths, gx=gx, views=views is not None, documents=documents, baselines=baselines, exemptions=tuple(exemptions))
    result = Streamed([], Corpus(root))
    # What the workers will need, imported here once: forked workers inherit it instead of importing it each.
    if gx:
        _suites()
    if baselines:
        _baselines()
    # Forked now, before this process starts Arrow's threads (writing shards): forking a
    # process with threads is unsafe, and spawning would re-run an unguarded __main__.
    forks = "fork" in multiprocessing.get_all_start_methods()  # not on Windows: the suites then run here
    suite_pool = multiprocessing.get_context("fork").Pool(len(SUITE_GROUPS)) if gx and forks and parallel(len(ids)) else None
    try:
        return _stream(result, ids, plan, views, suite_pool, release=release, progress=progress, clock=clock, exemptions=exemptions, found=found)
    finally:
        if suite_pool is not None:
            suite_pool.terminate()


def _stream(
    result: Streamed,
    ids: list[str],
    plan: Plan,
    views: ViewSink | None,
    suite_pool: Pool | None,
    *,
    release: bool,
    progress: Progress,
    clock: Timings,
    exemptions: list[Exemption],
    found: list[Finding],
) -> Streamed:
    """:func:`stream` from the documents on."""
    paths, root = plan.paths, plan.paths.root
    reading: list[Finding] = []
    local: list[list[Finding]] = [[] for _ in LOCAL_CHECKS]
    names: list[NameHeads] = []
    frames: dict[str, list[pd.DataFrame]] = {}
    chunks = -(-len(ids) // chunk_size(len(ids)))
    with clock.stage("documents"), gc_paused():
        for part in progress(map_chunks(_work, ids, plan), total=chunks, desc="reading and checking", unit="chunk"):
            reading += part.reading
            for so_far, more in zip(local, part.checks, strict=True):
                so_far += more
            names += part.names
            result.ids += [h.document for h in part.names]
            for split, counts in part.counts.items():
                result.counts.setdefault(split, Counter()).update(counts)
            result.meta.update(part.meta)
            result.unviewed += part.unviewed
            for split, scores in (part.baselines or {}).items():
                result.baselines[split] = _baselines().pool_scores(result.baselines.get(split, {}), scores)
            for name, frame in (part.tables or {}).items():
                frames.setdefault(name, []).append(frame)
            if part.documents is not None and part.sources is not None:
                result.corpus.documents += part.documents
                result.corpus.sources.update(part.sources)
            if views is not None and part.views is not None:
                with clock.stage("write_parquet"):
                    views(part.views)
    locate: Locate = result.corpus.locate if plan.documents else Rereading(paths).locate
    if release:  # the release rules: unreviewed annotations are errors
        reading, local = _released(reading), [_released(found) for found in local]
    suites = None
    if plan.gx and names:  # started before the corpus-wide checks, which they do not need: both run at once
        dirty = {f.document for found in [reading, *local] for f in found if f.level == "error"}
        suites = _suites().start_suites(frames, dirty, paths, locate, suite_pool, progress)
    with clock.stage("corpus_checks"):
        wide = _corpus_wide(names, locate)
    found += reading
    checks = iter(local)
    for check in CORPUS_CHECKS:
        found += wide[check] if check in wide else next(checks)
    found += check_versions(root=root, built=None) + check_changelog(root=root, base=None)
    if suites is not None:
        dirty = {f.document for f in found if f.level == "error"}
        with clock.stage("great_expectations"):
            found += [f for f in suites() if f.document is None or f.document not in dirty]  # per document: as if run on the clean ones
    result.findings = apply_exceptions(found, exemptions, shown=paths.show(paths.exceptions))
    return result


def _released(found: list[Finding]) -> list[Finding]:
    return [replace(f, level="error") if f.check == "unreviewed-annotation" else f for f in found]


def _corpus_wide(names: list[NameHeads], locate: Locate) -> dict[Check, list[Finding]]:
    """The corpus-wide checks' findings, by check. In this process: on a large
    corpus the suites' two processes keep the CPUs busy meanwhile, and workers
    forked from this process now would copy its memory as they touch it."""
    index = name_index(name_strings(names))
    spans = (unannotated(h, index) for h in names)
    return {
        check_name_types: list(type_findings(names, locate)),
        check_names_annotated: [unannotated_finding(h, span, locate) for h, found in zip(names, spans, strict=True) for span in found],
    }


def validate(
    *, root: Path, gx: bool = True, release: bool = False, progress: Progress = no_progress, timings: Timings | None = None
) -> tuple[Corpus, list[Finding]]:
    """Load and check the project at ``root``; return the corpus and all findings.

    ``release=True`` applies the release rules: unreviewed annotations are errors.

    ``gx=False`` skips the Great Expectations suites (:mod:`khabar.checks.gx`), which take seconds.
    The suites are a second line of defence over whole tables: they run on the
    documents that the located checks found clean, so one fault is reported
    once, by the check that can say exactly where it is.

    Runs :func:`khabar.pipeline.stream` (documents read and checked in worker
    processes) and keeps the documents. ``progress`` wraps each long stretch;
    see :mod:`khabar.io.progress`. ``timings``, if given, receives the seconds of each.
    """
    result = stream(root=root, gx=gx, release=release, documents=True, progress=progress, timings=timings)
    return result.corpus, result.findings
