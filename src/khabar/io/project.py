"""A Khabar project folder: where things are, and loading the whole corpus.

``load_project(root=...)`` reads every corpus and annotation file, tokenizes
each text and builds :class:`~khabar.schema.Document` objects. Problems are
returned as findings, never raised, so a run can report all of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from khabar.core.findings import Finding, finding
from khabar.core.gcpause import gc_paused
from khabar.core.parallel import chunked_map
from khabar.io.annotation_read import read_annotation_file
from khabar.io.corpus_files import DOCUMENT_META, CorpusFile, read_corpus_file
from khabar.io.layers import Layers
from khabar.io.progress import Progress, no_progress
from khabar.io.tokenize import tokenize
from khabar.schema.model import Document


@dataclass(frozen=True, slots=True)
class Paths:
    root: Path
    annotations_dir: Path | None = None  # another annotation set over the same corpus (a second pass)
    strict_metadata: bool = True  # False: an earlier schema's front matter, read for the annotations (see read_corpus_file)

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def annotations(self) -> Path:
        return self.annotations_dir or self.root / "annotations"

    @property
    def exceptions(self) -> Path:
        return self.annotations / "exceptions.yaml"

    @property
    def within(self) -> tuple[Path, ...]:
        """The resolved folders a project file's symbolic link may lead into: the root, and the annotation folder."""
        return _resolved(os.path.abspath(self.root), os.path.abspath(self.annotations))

    def show(self, path: Path) -> str:
        """``path`` as shown in findings: relative to the root where possible. Links are not
        followed where the path lies under the root as written: a link (or a linked folder)
        is shown where it lies, not where it leads."""
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:  # written another way (through a link to the root, say): the folders resolved
            pass
        try:
            return (path.parent.resolve() / path.name).relative_to(_resolved(os.path.abspath(self.root))[0]).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside the root; a loop of links in its folders
            return str(path)


@cache
def _resolved(*folders: str) -> tuple[Path, ...]:
    """``folders`` (absolute) resolved, once a process: every document's files are checked against them."""
    return tuple(Path(folder).resolve() for folder in folders)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document's annotations came from, for locating findings."""

    annotation_path: str
    corpus_path: str
    lines: dict[str, int]
    item_lines: dict[tuple[str, int], int]
    text_line: int
    unreviewed: tuple[str, ...] = ()
    head_texts: dict[int, str] = field(default_factory=dict)  # mention index -> the head's stated text
    unreviewed_line: int = 1  # the line of the `unreviewed` key


@dataclass(slots=True)
class Corpus:
    """Every document that could be read, where each came from, and the findings so far."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, doc: Document | None, source: Source | None, found: list[Finding]) -> None:
        """One document as :func:`load_document` read it: its findings, and itself if it could be read."""
        self.findings.extend(found)
        if doc is not None and source is not None:
            self.documents.append(doc)
            self.sources[doc.id] = source

    def locate(
        self,
        check: str,
        message: str,
        *,
        document: str,
        annotation: str | None = None,
        item: tuple[str, int] | None = None,
        span: tuple[int, int] | None = None,
    ) -> Finding:
        """A finding located at the line of ``item`` (layer, index), else of
        ``annotation``, else at the text of ``span`` in the corpus file."""
        source = self.sources.get(document)
        if source is None:
            return finding(check, message, document=document, annotation=annotation, span=span)
        if item is not None and item in source.item_lines:
            path, line = source.annotation_path, source.item_lines[item]
        elif annotation is not None:
            path, line = source.annotation_path, source.lines.get(annotation, 1)
        elif span is not None:
            text = next(d.text for d in self.documents if d.id == document)
            path, line = source.corpus_path, source.text_line + text.count("\n", 0, span[0])
        else:
            path, line = source.annotation_path, 1
        return finding(check, message, path=path, line=line, document=document, annotation=annotation, span=span)


#: ``Corpus.locate`` or :meth:`Rereading.locate`: (check, message, *, document, annotation=, item=, span=) -> Finding.
Locate = Callable[..., Finding]


@dataclass(slots=True)
class Rereading:
    """Locates findings by reading a document's files again, for a process that
    does not hold the documents (worker processes read them; see
    :mod:`khabar.pipeline`). Findings of corpus-wide checks are few, so few
    documents are read twice."""

    paths: Paths
    read: dict[str, Corpus] = field(default_factory=dict)

    def locate(self, check: str, message: str, *, document: str, **where: object) -> Finding:
        corpus = self.read.get(document)
        if corpus is None:
            corpus = self.read[document] = Corpus(self.paths.root)
            corpus.add(*load_document(self.paths, document))
        return corpus.locate(check, message, document=document, **where)  # type: ignore[arg-type]


def document_ids(root: Path, annotations: Path | None = None) -> list[str]:
    paths = Paths(root, annotations)
    ids = {p.stem for p in paths.corpus.glob("*.txt")} | {p.stem for p in paths.annotations.glob("*.yaml") if p.name != "exceptions.yaml"}
    return sorted(ids)


def _assemble(cf: CorpusFile, layers: Layers) -> Document:
    tokens, sentences = tokenize(cf.text)
    return Document(
        **{key: cf.meta[key] for key in DOCUMENT_META},
        text=cf.text,
        sentences=sentences,
        tokens=tokens,
        entities=tuple(layers.entities),
        mentions=tuple(layers.mentions),
        values=tuple(layers.values),
        relations=tuple(layers.relations),
        attributions=tuple(layers.attributions),
    )


def load_document(paths: Paths, doc_id: str) -> tuple[Document | None, Source | None, list[Finding]]:
    """Read one document's two files; return the document (or None) and its findings."""
    corpus_path, ann_path = paths.corpus / f"{doc_id}.txt", paths.annotations / f"{doc_id}.yaml"
    shown_c, shown_a = paths.show(corpus_path), paths.show(ann_path)
    found: list[Finding] = []
    exists = {path: os.path.lexists(path) for path in (corpus_path, ann_path)}  # a link, even broken, is read (and reported) by the readers
    if not any(exists.values()):
        return (
            None,
            None,
            [
                finding(
                    "file-missing",
                    f"expected a document {doc_id!r}: {shown_c} and {shown_a}; found neither (check the id; `khabar new` creates a document)",
                    path=shown_c,
                    line=1,
                    document=doc_id,
                )
            ],
        )
    for path, shown, other in ((corpus_path, shown_c, shown_a), (ann_path, shown_a, shown_c)):
        if not exists[path]:
            found.append(
                finding(
                    "file-missing",
                    f"{other} exists but {shown} does not; every document needs both files (`khabar new` creates them)",
                    path=other,
                    line=1,
                    document=doc_id,
                )
            )
    if found:
        return None, None, found
    within = paths.within
    cf, found_c = read_corpus_file(corpus_path, shown=shown_c, strict_metadata=paths.strict_metadata, within=within)
    layers, found_a = read_annotation_file(ann_path, shown=shown_a, within=within)
    found = found_c + found_a
    if layers is not None and layers.document is not None and layers.document != doc_id:  # None: reported as missing or mistyped
        found.append(
            finding(
                "doc-id-mismatch",
                f"`document` is {layers.document!r} but the file is {shown_a}; expected `document: {doc_id}`",
                path=shown_a,
                line=layers.document_line,
                document=doc_id,
            )
        )
    found = [_with_doc(f, doc_id) for f in found]
    if cf is None or layers is None or any(f.level == "error" for f in found):
        # Like the UD validator's levels: a file with format errors is not checked
        # further, so its reader sees the root problems first, not their echoes.
        return None, None, found
    source = Source(shown_a, shown_c, layers.lines, layers.item_lines, cf.text_line, layers.unreviewed, layers.head_texts, layers.unreviewed_line)
    return _assemble(cf, layers), source, found


def _with_doc(f: Finding, doc_id: str) -> Finding:
    return replace(f, document=doc_id)


def _load_chunk(ids: list[str], paths: Paths) -> list[tuple[Document | None, Source | None, list[Finding]]]:
    with gc_paused():
        return [load_document(paths, doc_id) for doc_id in ids]


def load_project(*, root: Path, annotations: Path | None = None, progress: Progress = no_progress, strict_metadata: bool = True) -> Corpus:
    """Load every document under ``root``; unreadable ones are reported, not raised.

    ``annotations`` reads another annotation folder (a second pass) over the
    same ``corpus/``. ``progress`` wraps the stream of documents read (see
    :mod:`khabar.io.progress`). ``strict_metadata=False``: see :func:`~khabar.io.corpus_files.read_corpus_file`."""
    paths = Paths(root, annotations, strict_metadata)
    corpus = Corpus(root=root)
    ids = document_ids(root, annotations)
    with gc_paused():
        for read in progress(chunked_map(_load_chunk, ids, paths), total=len(ids), desc="reading"):
            corpus.add(*read)
    return corpus
