"""Reviewed exceptions: ``annotations/exceptions.yaml``.

    exceptions:
    - check: name-unannotated
      document: ddaaba1fccaf7cd5
      span: {start: 10, end: 17, text: Taliban}     # or  annotation: m12
      reason: why the finding is right to ignore

An exception silences the findings of its check at its location. An exception
that matches no finding is itself an error (``exception-unused``), so stale
exceptions cannot pile up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from khabar.findings import Finding, finding
from khabar.io.yamlnodes import LDict, YamlSyntaxError, line_of, load_yaml

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


def read_exceptions(path: Path, *, shown: str) -> tuple[list[Exemption], list[Finding]]:
    if not path.exists():
        return [], []
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        return [], [finding("yaml-syntax", exc.message, path=shown, line=exc.line)]
    except UnicodeDecodeError:
        return [], [finding("file-encoding", "expected UTF-8", path=shown, line=1)]
    items = data.get("exceptions") if isinstance(data, LDict) else None
    if not isinstance(items, list):
        return [], [finding("yaml-type", "expected a mapping with a list under `exceptions`", path=shown, line=1)]
    out, found = [], []
    for index, raw in enumerate(items):
        line = line_of(items, index, 1)
        if not isinstance(raw, LDict) or any(k not in raw for k in KEYS):
            found.append(finding("yaml-missing-key", f"an exception needs {', '.join(KEYS)} and one of {', '.join(OPTIONAL)}", path=shown, line=line))
            continue
        unknown = [k for k in raw if k not in KEYS + OPTIONAL]
        if unknown:
            found.append(finding("yaml-unknown-key", f"unknown key(s) {', '.join(unknown)}; expected {', '.join(KEYS + OPTIONAL)}", path=shown, line=line))
            continue
        span = raw.get("span")
        if span is not None and not (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)):
            found.append(finding("yaml-type", "`span` must be {start, end, text}", path=shown, line=line))
            continue
        out.append(Exemption(raw["check"], raw["document"], raw.get("annotation"), (span["start"], span["end"]) if span else None, raw["reason"], line))
    return out, found


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
            kept.append(finding("exception-unused", f"this exception ({x.check} in {x.document}) matches no finding any more; delete it", path=shown, line=x.line, document=x.document))
    return kept
