"""Reading an XMI folder back into Khabar documents: the inverse of ``docs_to_xmi``.

Each file is first parsed by lxml with a parser that expands no entity, loads no DTD
and touches no network, and a file with a DOCTYPE is refused, so that ``cassis`` (whose
parser would expand internal entities) only ever sees plain XML. The tree is then checked
against the folder's ``TypeSystem.xml``: every element of a declared type, every
attribute a feature, Khabar's features present, of their kind and pointing at the right
types, every offset inside the text. Only a file without problems is handed to
``cassis``; :mod:`khabar.export.xmi_build` turns its CAS into a document. Every problem
is a located finding (``xmi-syntax``, ``xmi-type``, ``span-range``, ``doc-id-unsafe``
and the model's own checks), and a document with any error is left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from khabar.core.findings import Finding, finding
from khabar.export.problems import Problems
from khabar.export.xmi_build import cas_to_document
from khabar.export.xmi_types import FEATURES, INTEGER, STRING, TYPE_SYSTEM_FILE, utf16_offsets
from khabar.io.corpus_files import SAFE_ID
from khabar.io.guards import read_guarded

if TYPE_CHECKING:
    from cassis import TypeSystem

from khabar.schema.model import Document

#: Size cap of an ``.xmi`` file and of ``TypeSystem.xml``: a 1 MB corpus text with its tokens and annotations fits.
MAX_XMI_BYTES = 64 * 1024 * 1024
XMI_NS, CAS_NS = "http://www.omg.org/XMI", "http:///uima/cas.ecore"
XMI_ID = f"{{{XMI_NS}}}id"
_BUILT_IN = {f"{{{CAS_NS}}}NULL", f"{{{CAS_NS}}}View"}  # no type of their own; cassis reads them itself
_EVIDENCE = re.compile(r"\d+(,\d+)*")


def xmi_to_docs(*, folder: Path) -> tuple[list[Document], list[Finding]]:
    """Every ``<id>.xmi`` under ``folder``, read with the folder's ``TypeSystem.xml``, as a
    :class:`Document`, sorted by id; plus every problem found."""
    files = sorted(folder.glob("*.xmi"))
    if not files:
        return [], []
    typesystem, found = read_typesystem(path=folder / TYPE_SYSTEM_FILE)
    docs = []
    for path in files if typesystem is not None else ():
        doc, problems = _read_document(path, typesystem)
        found += problems
        if doc is not None:
            docs.append(doc)
    return docs, found


def parse_untrusted(data: bytes) -> etree._Element:
    """``data`` parsed as XML without expanding entities, loading a DTD, touching the network or building a text
    node over libxml2's 10 MB cap; raises ``XMLSyntaxError``. A DOCTYPE is parsed, not refused: :func:`safe_xml` refuses it."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    return etree.fromstring(data, parser)


def safe_xml(data: bytes, *, shown: str, document: str | None = None) -> tuple[etree._Element | None, list[Finding]]:
    """The root of ``data`` (:func:`parse_untrusted`), refused with a finding when it has a DOCTYPE; or None and the
    finding that says why not."""
    try:
        root = parse_untrusted(data)
    except etree.XMLSyntaxError as exc:
        return None, [finding("xmi-syntax", f"not well-formed XML: {exc.msg}", path=shown, line=exc.lineno or 1, document=document)]
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        message = "a DOCTYPE declaration is not read (it can declare entities that expand without bound); INCEpTION and Khabar write none: remove it"
        return None, [finding("xmi-syntax", message, path=shown, line=1, document=document)]
    return root, []


def read_typesystem(*, path: Path) -> tuple[TypeSystem | None, list[Finding]]:
    """The folder's type system, checked to declare Khabar's types with their features."""
    from cassis import load_typesystem  # 0.1 s to import (measured): paid by the XMI import, not by `khabar --help`

    shown = path.as_posix()
    if not path.exists():
        return None, [finding("xmi-syntax", f"{path.name} is missing; INCEpTION and Khabar write it beside the .xmi files, which need its types", path=shown)]
    data, found = read_guarded(path, shown=shown, limit=MAX_XMI_BYTES, within=None)
    root, problems = (None, []) if data is None else safe_xml(data, shown=shown)
    if data is None or root is None:
        return None, found + problems
    try:
        typesystem = load_typesystem(data.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 (cassis raises what its parsing meets; each is this file's problem)
        return None, [finding("xmi-syntax", f"not a UIMA type system description: {exc}", path=shown, line=1)]
    lines = {str(n.text): n.sourceline or 1 for n in root.iter("{*}name") if n.getparent() is not None and n.getparent().tag.endswith("typeDescription")}
    for name, features in FEATURES.items():
        declared = typesystem.get_type(name) if typesystem.contains_type(name) else None
        wrong = [f"{f} ({r})" for f, (r, _) in features.items() if declared is None or (got := declared.get_feature(f)) is None or got.rangeType.name != r]
        if wrong:
            message = f"type {name} {'is not declared' if declared is None else 'lacks features'}; expected its features {', '.join(wrong)} (docs/formats.md)"
            found.append(finding("xmi-type", message, path=shown, line=lines.get(name, 1)))
    return (None if found else typesystem), found


def _read_document(path: Path, typesystem: TypeSystem) -> tuple[Document | None, list[Finding]]:
    from cassis import load_cas_from_xmi  # 0.1 s to import (measured): paid by the XMI import, not by `khabar --help`

    p = Problems(path.as_posix(), path.stem)
    if not SAFE_ID.match(path.stem):
        p.add(
            "doc-id-unsafe", f"document id {path.stem!r} (the file name) is not a safe id; expected lowercase letters, digits, '-' or '_' (rename the file)", 1
        )
    data, found = read_guarded(path, shown=p.shown, limit=MAX_XMI_BYTES, within=None)
    root, problems = (None, []) if data is None else safe_xml(data, shown=p.shown, document=p.doc_id)
    p.found += found + problems
    if data is None or root is None:
        return None, p.found
    lines = _check_tree(p, root, typesystem)
    if any(f.level == "error" for f in p.found):
        return None, p.found
    try:
        cas = load_cas_from_xmi(data.decode("utf-8"), typesystem=typesystem)
    except Exception as exc:  # noqa: BLE001 (cassis raises what its parsing meets; each is this file's problem)
        p.add("xmi-syntax", f"cassis cannot read it as a CAS: {type(exc).__name__}: {exc}", 1)
        return None, p.found
    return cas_to_document(p, cas, lines), p.found  # None when it found an error


def _type_name(tag: str) -> str:
    """``{http:///webanno/custom.ecore}KhabarMention`` -> ``webanno.custom.KhabarMention`` (as cassis maps it)."""
    uri, _, local = tag[1:].partition("}")
    package = uri.removeprefix("http:///").removesuffix(".ecore").replace("/", ".")
    return local if package == "uima.noNamespace" else f"{package}.{local}"


def _check_tree(p: Problems, root: etree._Element, typesystem: TypeSystem) -> dict[int, int]:
    """Check the elements of one XMI file; return each ``xmi:id``'s line."""
    if root.tag != f"{{{XMI_NS}}}XMI":
        p.add("xmi-syntax", f"expected an xmi:XMI document (UIMA CAS XMI); found the root element {root.tag!r}", root.sourceline or 1)
        return {}
    lines: dict[int, int] = {}
    types: dict[int, str] = {}
    elements = [e for e in root if isinstance(e.tag, str) and e.tag not in _BUILT_IN]
    sofas = [e for e in elements if e.tag == f"{{{CAS_NS}}}Sofa" and e.get("sofaID") == "_InitialView" and e.get("sofaString") is not None]
    if len(sofas) != 1:
        p.add("xmi-syntax", f'expected one cas:Sofa with sofaID="_InitialView" and the text as sofaString; found {len(sofas)}', root.sourceline or 1)
        return {}
    text = str(sofas[0].get("sofaString"))
    boundaries, line = set(utf16_offsets(text)), 0
    for e in elements:
        line, name, raw_id = e.sourceline or 1, _type_name(e.tag), e.get(XMI_ID, "")
        if not typesystem.contains_type(name):
            p.add("xmi-type", f"element {etree.QName(e).localname} is of type {name}, which {TYPE_SYSTEM_FILE} does not declare", line)
        elif not raw_id.isdigit() or int(raw_id) in lines:
            p.add("xmi-syntax", f"xmi:id {raw_id!r} is {'used again' if raw_id.isdigit() else 'not a number'}; every element has its own number", line)
        else:
            lines[int(raw_id)], types[int(raw_id)] = line, name
            features = {f.name for f in typesystem.get_type(name).all_features}
            odd = [a for a in e.attrib if a != XMI_ID and a not in features]
            if odd:
                p.add("xmi-type", f"{name} has no feature {', '.join(map(repr, odd))}; {TYPE_SYSTEM_FILE} declares {', '.join(sorted(features))}", line)
            for feature in ("begin", "end") if "begin" in features else ():
                _check_integer(p, e, feature, boundaries)
            begin, end = (int(x) if x.isdigit() else -1 for x in (e.get("begin", ""), e.get("end", "")))
            if begin in boundaries and end in boundaries and begin > end:
                p.add("span-range", f"{etree.QName(e).localname} spans {e.get('begin')}-{e.get('end')}; expected begin <= end", line)
    for e in elements:
        name = _type_name(e.tag)
        if name in FEATURES and e.get(XMI_ID, "").isdigit():
            _check_features(p, e, name, types, boundaries)
    return lines


def _check_integer(p: Problems, e: etree._Element, feature: str, boundaries: set[int]) -> None:
    """An offset feature, when present: an integer at a character boundary of the text (counted in UTF-16 units)."""
    value, line, short = e.get(feature), e.sourceline or 1, etree.QName(e).localname
    if value is None:
        return
    if not re.fullmatch(r"-?\d{1,18}", value):
        p.add("xmi-type", f"{short} feature `{feature}` is {value!r}; expected an integer", line)
    elif int(value) not in boundaries:
        p.add("span-range", f"{short} feature `{feature}` is {value}, outside the text (0-{max(boundaries)} UTF-16 units) or inside a character", line)


def _check_features(p: Problems, e: etree._Element, name: str, types: dict[int, str], boundaries: set[int]) -> None:
    line, short = e.sourceline or 1, etree.QName(e).localname
    wanted = {"begin": (INTEGER, True), "end": (INTEGER, True), **FEATURES[name]}
    for feature, (range_type, required) in wanted.items():
        value = e.get(feature)
        if value is None:
            if required:
                p.add("xmi-type", f"{short} (xmi:id {e.get(XMI_ID)}) has no feature `{feature}`; Khabar needs it (docs/formats.md)", line)
        elif range_type == INTEGER and feature not in ("begin", "end"):
            _check_integer(p, e, feature, boundaries)
        elif range_type not in (INTEGER, STRING) and (not value.isdigit() or types.get(int(value)) != range_type):
            p.add("xmi-type", f"{short} feature `{feature}` points at xmi:id {value}, which is not a {range_type.rsplit('.', 1)[-1]}", line)
        elif feature == "evidence" and not _EVIDENCE.fullmatch(value):
            p.add("xmi-type", f"{short} feature `evidence` is {value!r}; expected sentence numbers like 0,3", line)
    if e.get("begin") == e.get("end"):
        p.add("span-range", f"{short} spans {e.get('begin')}-{e.get('end')}, which is empty; expected begin < end", line)
