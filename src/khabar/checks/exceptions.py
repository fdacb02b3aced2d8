"""Reviewed exceptions: ``annotations/exceptions.yaml``.

    exceptions:
    - check: name-unannotated
      document: ddaaba1fccaf7cd5
      span: {start: 10, end: 17, text: Taliban}     # or  annotation: m12
      reason: why the finding is right to ignore

An exception silences the findings of its check at its location. Only the
checks in :data:`khabar.core.catalogue.EXEMPTIBLE` may be excepted; an
exception for any other id (or for no check id at all) is refused and is itself
an error (``exception-check``), so an exception can never let through data that
cannot be built. An exception that matches no finding is an error too
(``exception-unused``), so stale exceptions cannot pile up.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from khabar.core.catalogue import CATALOGUE, EXEMPTIBLE
from khabar.core.findings import Finding, finding
from khabar.io.guards import MAX_YAML_BYTES, read_guarded
from khabar.io.yamlnodes import LDict, YamlSyntaxError, line_of, load_yaml, yaml_findings

KEYS = ("check", "document", "reason")
OPTIONAL = ("annotation", "span")


@dataclass(frozen=True, slots=True)
class Exemption:
    check: str
    document: str
    annotation: str | None
    span: tuple[int, int] | None
    reason: str
    line: int

    def matches(self, f: Finding) -> bool:
        return (
            f.check == self.check
            and f.document == self.document
            and (self.annotation is None or f.annotation == self.annotation)
            and (self.span is None or f.span == self.span)
        )


def read_exceptions(path: Path, *, shown: str, within: Sequence[Path] | None = None) -> tuple[list[Exemption], list[Finding]]:
    """The exceptions of ``path`` (none if there is no such file), and the file's problems.
    ``within``: see :func:`~khabar.io.guards.read_guarded`."""
    if not os.path.lexists(path):
        return [], []
    raw, found = read_guarded(path, shown=shown, limit=MAX_YAML_BYTES, within=within)
    if raw is None:
        return [], found
    try:
        data = load_yaml(raw.decode("utf-8"))
    except YamlSyntaxError as exc:
        return [], yaml_findings(exc, path=shown)
    except UnicodeDecodeError:
        return [], [finding("file-encoding", "expected UTF-8; found bytes that are not (re-save the file as UTF-8)", path=shown, line=1)]
    items = data.get("exceptions") if isinstance(data, LDict) else None
    if not isinstance(items, list):
        return [], [
            finding(
                "yaml-type",
                f"expected a mapping with a list under `exceptions`; found {type(data).__name__} "
                "(start the file with `exceptions:` and one `- check: ...` item per exception)",
                path=shown,
                line=1,
            )
        ]
    out, found = [], []
    for index, raw in enumerate(items):
        line = line_of(items, index, 1)
        refused = _refused(raw["check"]) if isinstance(raw, LDict) and "check" in raw else None
        if refused is not None:  # whatever else is wrong with it: no fixing of its keys would let it through
            found.append(finding("exception-check", refused, path=shown, line=line, document=_text(raw.get("document"))))
            continue
        lacking = _lacking(raw)
        if lacking:
            found.append(
                finding(
                    "yaml-missing-key",
                    f"an exception needs {', '.join(KEYS)} and one of {', '.join(OPTIONAL)}; "
                    f"this one lacks {lacking} (add it: an exception is about one place)",
                    path=shown,
                    line=line,
                )
            )
            continue
        unknown = [k for k in raw if k not in KEYS + OPTIONAL]
        if unknown:
            found.append(finding("yaml-unknown-key", f"unknown key(s) {', '.join(unknown)}; expected {', '.join(KEYS + OPTIONAL)}", path=shown, line=line))
            continue
        span = raw.get("span")
        if span is not None and not (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)):
            found.append(
                finding(
                    "yaml-type",
                    f"`span` must be {{start, end, text}} with integer offsets; found {span!r} (take the offsets from the finding, or from `khabar locate`)",
                    path=shown,
                    line=line,
                )
            )
            continue
        out.append(Exemption(raw["check"], raw["document"], raw.get("annotation"), (span["start"], span["end"]) if span else None, raw["reason"], line))
    return out, found


def _lacking(raw: object) -> str | None:
    """What an exception item lacks of the required keys, as words; None if nothing."""
    if not isinstance(raw, LDict):
        return "everything (it is not a mapping)"
    missing = [f"`{k}`" for k in KEYS if k not in raw]
    if not any(k in raw for k in OPTIONAL):
        missing.append("`annotation` or `span`")
    return ", ".join(missing) or None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _refused(check: object) -> str | None:
    """Why an exception for ``check`` is refused, or None if it may be excepted."""
    allowed = ", ".join(sorted(EXEMPTIBLE))
    if isinstance(check, str) and check in EXEMPTIBLE:
        return None
    if not isinstance(check, str) or check not in CATALOGUE:
        return f"expected the id of a check that may be excepted ({allowed}); found {check!r}, which is no check id (fix the id, see docs/checks.md)"
    return (
        f"`{check}` cannot be excepted: its findings are not judgement calls, and the data it guards must be right to be built; "
        f"fix the annotation and delete this exception (the checks that may be excepted: {allowed})"
    )


def apply_exceptions(findings: list[Finding], exemptions: list[Exemption], *, shown: str) -> list[Finding]:
    """Drop the findings that a reviewed exception covers; report unused exceptions."""
    used: set[int] = set()
    kept = []
    for f in findings:
        hit = next((i for i, x in enumerate(exemptions) if x.matches(f)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add(hit)
    for i, x in enumerate(exemptions):
        if i not in used:
            kept.append(
                finding(
                    "exception-unused",
                    f"this exception ({x.check} in {x.document}) matches no finding any more; delete it",
                    path=shown,
                    line=x.line,
                    document=x.document,
                )
            )
    return kept
