"""Layer 6 (beside the baselines), export: the annotations in other formats, and imports back. May import:
``views``, ``checks``, ``scoring``, ``io``, ``schema``, ``core``.

``EXPORTERS`` maps a format name to its writer, called as
``write(documents=..., out=FOLDER) -> list[Path]``; ``IMPORTERS`` maps a format
name to its reader, ``read(folder=FOLDER) -> (documents, findings)``. Writers are
named ``docs_to_<format>``, readers ``<format>_to_docs``. ``docs/formats.md`` says
what each format carries and loses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from khabar.core.findings import Finding, KhabarError, errors, finding
from khabar.export.brat import brat_to_docs, docs_to_brat
from khabar.export.common import write_folder
from khabar.export.conll2012 import docs_to_conll2012
from khabar.export.corefud import docs_to_corefud
from khabar.export.spacy_docbin import docs_to_spacy
from khabar.export.xmi import docs_to_xmi, xmi_to_docs
from khabar.io import render_annotations
from khabar.io.corpus_files import read_corpus_file
from khabar.io.project import Paths
from khabar.schema.model import Document


class Exporter(Protocol):
    def __call__(self, *, documents: Sequence[Document], out: Path) -> list[Path]: ...


Importer = Callable[..., tuple[list[Document], list[Finding]]]

EXPORTERS: Mapping[str, Exporter] = MappingProxyType(
    {
        "conll2012": docs_to_conll2012,
        "spacy": docs_to_spacy,
        "brat": docs_to_brat,
        "xmi": docs_to_xmi,
        "corefud": docs_to_corefud,
    }
)
IMPORTERS: Mapping[str, Importer] = MappingProxyType({"brat": brat_to_docs, "xmi": xmi_to_docs})
#: The file of an imported folder that holds a document's text, by format: where a text unlike the corpus is shown.
TEXT_FILES: Mapping[str, str] = MappingProxyType({"brat": ".txt", "xmi": ".xmi"})


def export(*, format: str, documents: Sequence[Document], out: Path, project: Path | None = None) -> list[Path]:  # noqa: A002
    """Write ``documents`` in ``format`` into the folder ``out``, replacing it only
    once everything is written (a failed export leaves the old folder as it was),
    and only when it is new, empty or an earlier export (``project``, the
    project's root, is never replaced: :func:`khabar.export.common.write_folder`)."""
    write = EXPORTERS[format]
    return write_folder(out=out, write=lambda stage: write(documents=documents, out=stage), project=project)


def import_annotations(*, format: str, folder: Path, root: Path, out: Path, force: bool = False) -> list[Path]:  # noqa: A002
    """Read ``folder`` in ``format`` and write one ``<id>.yaml`` per document into ``out``.

    Each document's text must equal its corpus file ``root/corpus/<id>.txt``
    (offsets count in that text). Raises :class:`KhabarError` with every finding,
    and :class:`FileExistsError` when a file exists and ``force`` is false; in
    both cases nothing is written.
    """
    if not folder.is_dir():
        raise KhabarError([finding(f"{format}-syntax", f"expected a {format} folder to import at {folder}; found none (check the path)", path=str(folder))])
    documents, found = IMPORTERS[format](folder=folder)
    if not documents and not found:
        found.append(finding(f"{format}-syntax", f"expected {format} documents in {folder}; found none (docs/formats.md says which files)", path=str(folder)))
    found += _against_corpus(documents, root=root, folder=folder, format=format)
    if errors(found):
        raise KhabarError(found)
    targets = [out / f"{doc.id}.yaml" for doc in documents]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} already exist(s); pass --force to overwrite")
    out.mkdir(parents=True, exist_ok=True)
    staged = [(target.with_name(f".{target.name}.importing-{os.getpid()}"), target) for target in targets]
    try:
        for doc, (tmp, _) in zip(documents, staged, strict=True):
            tmp.write_bytes(render_annotations(doc).encode("utf-8"))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:  # every file is written; now swap them in
        os.replace(tmp, target)
    return targets


def _against_corpus(documents: Sequence[Document], *, root: Path, folder: Path, format: str) -> list[Finding]:  # noqa: A002
    paths, found = Paths(root), []
    for doc in documents:
        corpus = paths.corpus / f"{doc.id}.txt"
        shown = (folder / f"{doc.id}{TEXT_FILES[format]}").as_posix()
        if not corpus.exists():
            found.append(
                finding(
                    "file-missing",
                    f"{paths.show(corpus)} does not exist; create the corpus file (`khabar new`) before importing annotations of it",
                    path=shown,
                    line=1,
                    document=doc.id,
                )
            )
            continue
        cf, problems = read_corpus_file(corpus, shown=paths.show(corpus))
        found += problems
        if cf is not None and cf.text != doc.text:
            at = next((i for i, (a, b) in enumerate(zip(cf.text, doc.text, strict=False)) if a != b), min(len(cf.text), len(doc.text)))
            found.append(
                finding(
                    f"{format}-reference",
                    f"the text differs from {paths.show(corpus)} from character {at} on; {format} offsets would point at the wrong words (export the project again, or fix the text)",
                    path=shown,
                    line=doc.text.count("\n", 0, at) + 1 if TEXT_FILES[format] == ".txt" else 1,  # an XMI file holds the text in one attribute
                    document=doc.id,
                )
            )
    return found


__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "brat_to_docs",
    "docs_to_brat",
    "docs_to_conll2012",
    "docs_to_corefud",
    "docs_to_spacy",
    "docs_to_xmi",
    "export",
    "import_annotations",
    "xmi_to_docs",
]
