"""Corpus files: ``corpus/<id>.txt``, YAML front matter then the text, verbatim.

    ---
    id: ddaaba1fccaf7cd5
    title: null
    ...
    ---
    A high-ranking Taliban delegation, ...

The text is every character after the closing ``---`` line, exactly as stored:
offsets count from its first character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from khabar.core.findings import Finding, finding
from khabar.io.guards import MAX_CORPUS_BYTES, decode_utf8, read_guarded
from khabar.io.yamlnodes import LDict, YamlSyntaxError, line_of, load_yaml, yaml_findings
from khabar.schema.labels import SPLITS, TEXT_LICENCES

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")  # \Z, not $: `$` also matches before a final newline
META_KEYS = ("id", "title", "source", "url", "published", "language", "licence", "attribution", "split", "provenance", "seed")
#: The keys that are fields of :class:`~khabar.schema.model.Document` too (all but ``seed``), in its order.
DOCUMENT_META = tuple(key for key in META_KEYS if key != "seed")
REQUIRED_META = ("id", "language")  # `split` and `licence` are required too, each with a check of its own
DELIMITER = "---\n"


@dataclass(frozen=True, slots=True)
class CorpusFile:
    path: str
    meta: dict[str, Any]
    text: str
    text_line: int  # the line on which the text starts


#: Characters no text holds: the C0 controls but tab and newline (CR is `line-endings`), DEL and the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


def control_findings(raw: str, *, shown: str, first_line: int = 1) -> list[Finding]:
    """A ``text-control`` finding for each line of ``raw`` (line ``first_line`` onwards) that holds a control character."""
    found: list[Finding] = []
    for match in CONTROL.finditer(raw):
        line = raw.count("\n", 0, match.start()) + first_line
        if found and found[-1].line == line:
            continue
        column = match.start() - raw.rfind("\n", 0, match.start())
        found.append(
            finding(
                "text-control",
                f"expected text without control characters (tab and newline aside); found U+{ord(match.group()):04X} at column {column} "
                "(remove it: it is invisible in most editors, and no tokenizer or model expects it)",
                path=shown,
                line=line,
            )
        )
    return found


def decode(data: bytes, *, shown: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 decode plus the format checks that need the raw file: ``line-endings`` and ``text-control``."""
    raw, found = decode_utf8(data, shown=shown)
    if raw is None:
        return None, found
    if "\r" in raw:
        line = raw[: raw.index("\r")].count("\n") + 1
        found.append(
            finding("line-endings", "expected LF line endings; found CR (convert the file with `dos2unix` or your editor's LF setting)", path=shown, line=line)
        )
    return raw, found + control_findings(raw, shown=shown)


def first_non_nfc_line(text: str) -> int | None:
    if unicodedata.is_normalized("NFC", text):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if not unicodedata.is_normalized("NFC", line):
            return number
    return 1


def read_corpus_file(path: Path, *, shown: str, strict_metadata: bool = True, within: Sequence[Path] | None = None) -> tuple[CorpusFile | None, list[Finding]]:
    """Read one corpus file; return it (or None) and every problem found.

    ``strict_metadata=False`` reads a file of an earlier schema for its text (``khabar diff``
    against an older revision): a split or licence that is missing or unknown is null, not a finding.
    Only a regular file is read, and a link only if it leads into ``within`` (see :func:`~khabar.io.guards.read_guarded`)."""
    data, found = read_guarded(path, shown=shown, limit=MAX_CORPUS_BYTES, within=within)
    if data is None:
        return None, found
    raw, found = decode(data, shown=shown)
    if raw is None or found:
        # A CR makes the `---` lines unrecognisable: parsing on would only add a
        # yaml-syntax echo of the line-endings finding (and of a control character, in the front matter).
        return None, found
    if not raw.startswith(DELIMITER) or "\n" + DELIMITER not in raw[3:]:
        found.append(
            finding(
                "yaml-syntax", "expected a front matter block between two `---` lines at the top of the file, then the text; found none", path=shown, line=1
            )
        )
        return None, found
    end = raw.index("\n" + DELIMITER, 3)
    header, text = raw[4 : end + 1], raw[end + 1 + len(DELIMITER) :]
    text_line = header.count("\n") + 3
    try:
        meta = load_yaml(header)
    except YamlSyntaxError as exc:
        return None, found + yaml_findings(exc, path=shown, offset=1)  # the header starts on line 2
    if not isinstance(meta, LDict):
        found.append(
            finding("yaml-type", f"expected the front matter to be a mapping of {', '.join(META_KEYS)}; found {type(meta).__name__}", path=shown, line=2)
        )
        return None, found
    found += _check_meta(meta, shown, path.stem)
    # At the key's line, or at the closing `---` line, where an absent key would go.
    metadata = split_and_licence(meta, shown=shown, line=lambda key: line_of(meta, key, 0) + 1 if key in meta else text_line - 1)
    if strict_metadata:
        found += metadata
    else:
        for f in metadata:
            meta["split" if f.check.startswith("split-") else "licence"] = None
    bad_line = first_non_nfc_line(text)
    if bad_line is not None:
        found.append(
            finding(
                "text-nfc",
                "expected the text in Unicode NFC; found a non-NFC sequence (normalise with `khabar new`, which applies NFC)",
                path=shown,
                line=text_line + bad_line - 1,
            )
        )
    if any(f.level == "error" for f in found):
        return None, found
    return CorpusFile(shown, {key: meta.get(key) for key in META_KEYS}, text, text_line), found


def _check_meta(meta: LDict, shown: str, stem: str) -> list[Finding]:
    found = []
    for key in meta:
        if key not in META_KEYS:
            found.append(
                finding("yaml-unknown-key", f"unknown key `{key}`; expected one of {', '.join(META_KEYS)}", path=shown, line=line_of(meta, key, 2) + 1)
            )
    for key in REQUIRED_META:
        if key not in meta:
            found.append(finding("yaml-missing-key", f"missing required key `{key}` in the front matter", path=shown, line=2))
    for key in META_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            found.append(
                finding(
                    "yaml-type",
                    f"`{key}` must be a string or null; found {type(value).__name__} {value!r} (quote it)",
                    path=shown,
                    line=line_of(meta, key, 2) + 1,
                )
            )
    doc_id = meta.get("id")
    if isinstance(doc_id, str):
        if not SAFE_ID.match(doc_id):
            found.append(
                finding(
                    "doc-id-unsafe",
                    f"document id {doc_id!r} is not a safe file name; expected lowercase letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
                    path=shown,
                    line=line_of(meta, "id", 2) + 1,
                )
            )
        elif doc_id != stem:
            found.append(
                finding(
                    "doc-id-mismatch",
                    f"the file is named {stem!r} but its id is {doc_id!r}; rename the file or fix the id",
                    path=shown,
                    line=line_of(meta, "id", 2) + 1,
                )
            )
    return found


def split_and_licence(meta: Mapping[str, Any], *, shown: str, line: Callable[[str], int]) -> list[Finding]:
    """``split-missing``, ``split-unknown`` and ``licence-unknown`` of a document's metadata, each at
    ``line(key)``. A value that is not a string is ``yaml-type`` (reported by the reader), not reported here."""
    found = []
    split, licence = meta.get("split"), meta.get("licence")
    choices = " or ".join(f"`split: {s}`" for s in SPLITS)
    if split is None:
        found.append(
            finding(
                "split-missing",
                f"expected a `split` ({', '.join(SPLITS)}); found {'`split: null`' if 'split' in meta else 'no `split` key'}: "
                f"the document is in no split (add {choices} to the front matter)",
                path=shown,
                line=line("split"),
            )
        )
    elif isinstance(split, str) and split not in SPLITS:
        found.append(
            finding("split-unknown", f"expected `split` to be one of {', '.join(SPLITS)}; found {split!r} (write {choices})", path=shown, line=line("split"))
        )
    if licence is None or (isinstance(licence, str) and licence not in TEXT_LICENCES):
        stated = "no `licence` key" if "licence" not in meta else "`licence: null`" if licence is None else repr(licence)
        found.append(
            finding(
                "licence-unknown",
                f"expected `licence` to be the id of the text's licence, one of {', '.join(TEXT_LICENCES)}; found {stated} "
                "(every document states its licence; a licence not listed is added to khabar.schema.labels.TEXT_LICENCES with its name and URL)",
                path=shown,
                line=line("licence"),
            )
        )
    return found


def render_corpus_file(*, meta: dict[str, Any], text: str) -> str:
    """The corpus file for ``meta`` and ``text`` (keys in schema order)."""
    header = yaml.safe_dump({key: meta.get(key) for key in META_KEYS}, sort_keys=False, allow_unicode=True, width=1000)
    return DELIMITER + header + DELIMITER + text
