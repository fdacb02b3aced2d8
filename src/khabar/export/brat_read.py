"""Reading a brat folder back into Khabar documents: the inverse of ``docs_to_brat``.

Every problem becomes a located finding (``<file>.ann:<line>: error[brat-syntax] ...``),
all of a file's problems are collected, and a document with any error is left
out of the result, never returned half read. This module reads files and parses
lines; :mod:`khabar.export.brat_resolve` turns the lines into model objects.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from khabar.core.findings import Finding
from khabar.export.brat_format import META_KEYS, META_SUFFIX, ROLES
from khabar.export.brat_resolve import Item, Resolver
from khabar.export.problems import Problems
from khabar.io.corpus_files import SAFE_ID, decode
from khabar.io.guards import MAX_CORPUS_BYTES, MAX_YAML_BYTES, read_guarded
from khabar.schema.model import Document

_PATTERNS = {
    "T": re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)"),
    "A": re.compile(r"(\S+) (\S+)(?: (\S+))?"),
    "R": re.compile(r"(\S+) Arg1:(\S+) Arg2:(\S+)"),
    "E": re.compile(r"(\S+):(\S+)((?: \S+:\S+)*)"),
    "#": re.compile(r"(\S+) (\S+)"),
    "*": re.compile(r"(\S+)((?: \S+){2,})"),
}
_EXPECTED = {
    "T": "TYPE START END[;START END...]<TAB>text",
    "A": "NAME TARGET VALUE",
    "R": "LABEL Arg1:Tn Arg2:Tm",
    "E": "Attribution:Tn Role:Id ...",
    "#": "AnnotatorNotes TARGET<TAB>note",
    "*": "Coref Tn Tm ...",
}


def brat_to_docs(*, folder: Path) -> tuple[list[Document], list[Finding]]:
    """Every ``<id>.ann`` with its ``<id>.txt`` (and optional ``<id>.meta.json``) under
    ``folder`` as a :class:`Document`, sorted by id; plus every problem found."""
    docs, found = [], []
    for ann in sorted(folder.glob("*.ann")):
        doc, problems = _read_document(ann)
        found += problems
        if doc is not None:
            docs.append(doc)
    return docs, found


def _read_document(ann: Path) -> tuple[Document | None, list[Finding]]:
    f = Problems(ann.as_posix(), ann.stem)
    txt, meta_path = ann.with_suffix(".txt"), ann.with_name(ann.stem + META_SUFFIX)
    if not SAFE_ID.match(ann.stem):
        f.add(
            "doc-id-unsafe",
            f"document id {ann.stem!r} (the file name) is not a safe id; expected lowercase letters, digits, '-' or '_' (rename the .ann and .txt files)",
            1,
        )
    if not txt.exists():
        f.add("brat-reference", f"{ann.name} has no text file {txt.name} beside it; brat offsets count in that file's characters", 1)
        return None, f.found
    text, problems = _read(txt, txt.as_posix(), MAX_CORPUS_BYTES)
    source, problems2 = _read(ann, f.shown, MAX_YAML_BYTES)
    f.found += problems + problems2
    meta = _read_meta(f, meta_path)
    if text is None or source is None or meta is None:
        return None, f.found
    items = _parse(f, source)
    # Like the YAML reader: a file whose lines do not parse is not resolved further,
    # so its reader sees the root problems, not their echoes in every reference.
    doc = None if any(x.level == "error" for x in f.found) else Resolver(f, items, text).document(meta, meta_path=meta_path.as_posix())
    found = sorted(f.found, key=lambda x: (x.path or "", x.line or 0))
    return (None if any(x.level == "error" for x in found) else doc), found


def _read(path: Path, shown: str, limit: int) -> tuple[str | None, list[Finding]]:
    """A brat file's text, read through the guards (a FIFO, a device or a file over ``limit`` bytes is a finding), then :func:`decode`'s checks."""
    data, found = read_guarded(path, shown=shown, limit=limit, within=None)
    return (None, found) if data is None else decode(data, shown=shown)


def _read_meta(f: Problems, path: Path) -> dict[str, str | None] | None:
    meta: dict[str, str | None] = {key: None for key in META_KEYS} | {"language": "en"}
    if not os.path.lexists(path):
        return meta
    raw, found = read_guarded(path, shown=path.as_posix(), limit=MAX_YAML_BYTES, within=None)
    if raw is None:
        f.found += found
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        f.add(
            "brat-syntax",
            f"{path.name} is not valid UTF-8 JSON ({exc}); expected an object of {', '.join(META_KEYS)}",
            getattr(exc, "lineno", 1),
            path.as_posix(),
        )
        return None
    if (
        not isinstance(data, dict)
        or any(k not in META_KEYS or not (v is None or isinstance(v, str)) for k, v in data.items())
        or not isinstance(data.get("language", "en"), str)
    ):
        f.add(
            "brat-syntax",
            f"expected an object whose keys are among {', '.join(META_KEYS)} with string or null values (language a string); found {data!r}",
            1,
            path.as_posix(),
        )
        return None
    return meta | data


def _parse(f: Problems, source: str) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for number, raw in enumerate(source.split("\n"), start=1):
        if raw == "":
            continue
        ident, tab, rest = raw.partition("\t")
        data, _, tail = rest.partition("\t")
        item = _parse_line(f, ident, data, tail, number) if tab else None
        if not tab:
            f.add("brat-syntax", f"expected `ID<TAB>annotation`; found no tab in {raw[:40]!r} (brat separates the id with a tab)", number)
        elif item is not None and item.id in items:
            f.add("brat-syntax", f"id {item.id} is used again (first on line {items[item.id].line}); every brat id is unique in its file", number)
        elif item is not None:
            items[item.id] = item
    return items


def _parse_line(f: Problems, ident: str, data: str, tail: str, number: int) -> Item | None:
    kind = ident[:1]
    if ident != "*" and not re.fullmatch(r"[TAREN#M]\d+", ident):
        f.add("brat-syntax", f"expected an id like T1, A1, R1, E1, #1 or *; found {ident!r}", number)
        return None
    if kind in "NM":
        f.add("brat-syntax", f"{ident}: Khabar imports no {'normalization' if kind == 'N' else 'modifier'} lines; remove the line", number)
        return None
    match = _PATTERNS[kind].fullmatch(data)
    if match is None:
        f.add("brat-syntax", f"expected `{ident}<TAB>{_EXPECTED[kind]}`; found {data!r}", number)
        return None
    if kind == "T":
        return Item(ident, kind, match[1], number, tuple(match[2].replace(";", " ").split()), text=tail)
    if kind == "E":
        roles: dict[str, str] = {}
        for arg in match[3].split():
            role, _, target = arg.partition(":")
            if role not in ROLES or role in roles:
                f.add("brat-syntax", f"{ident}: argument {arg!r} is {'repeated' if role in roles else 'not one of ' + ', '.join(ROLES)}", number)
                return None
            roles[role] = target
        return Item(ident, kind, match[1], number, (match[2],), roles)
    if kind in "AR":
        args: tuple[str, ...] = (match[2], match[3] or "")
    else:  # a note's target, or the members of an equivalence
        args = tuple(match[2].split())
    return Item(ident if kind != "*" else f"*{number}", kind, match[1], number, args, text=tail if kind == "#" else "")
