"""Findings and the registry of check ids.

A finding is what every check returns: a stable kebab-case check id, a level,
a location (file, line, document, annotation id) and a message that says what
was expected, what was found and how to fix it. Rendered as
``path:line: error[check-id] message`` (the compiler convention editors and CI
annotate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Mapping

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check: its id, level, group and one line on what it guards."""

    id: str
    level: Level
    group: str
    summary: str


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    level: Level
    message: str
    path: str | None = None
    line: int | None = None
    document: str | None = None
    annotation: str | None = None
    span: tuple[int, int] | None = None  # character offsets, where the finding is about text

    def render(self) -> str:
        where = self.path or "<corpus>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        target = f" [{self.document}{'/' + self.annotation if self.annotation else ''}]" if self.document else ""
        return f"{where}: {self.level}[{self.check}]{target} {self.message}"

    def at(self, *, path: str | None, line: int | None) -> Finding:
        return replace(self, path=path, line=line)


def registry() -> Mapping[str, CheckSpec]:
    """Every check id, from the one catalogue table."""
    from khabar.checks.catalogue import CATALOGUE

    return CATALOGUE


def finding(check_id: str, message: str, **where: object) -> Finding:
    """A finding of a catalogued check, at the level the catalogue gives it."""
    spec = registry().get(check_id)
    if spec is None:
        raise KeyError(f"check id {check_id!r} is not in khabar.checks.catalogue")
    return Finding(check=check_id, level=spec.level, message=message, **where)  # type: ignore[arg-type]


class KhabarError(Exception):
    """Input errors that stop a command; carries every finding, not only the first."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} problem(s)")
        self.findings = findings


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]
