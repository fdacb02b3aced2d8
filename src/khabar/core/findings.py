"""Findings and the registry of check ids.

A finding is what every check returns: a stable kebab-case check id, a level,
a location (file, line, document, annotation id) and a message that says what
was expected, what was found and how to fix it. Rendered as
``path:line: error[check-id] message`` (the compiler convention editors and CI
annotate). Every piece of it that can come from data (path, document, annotation,
message) goes through :func:`visible`, so one finding is always exactly one line
and no id, name, path or quoted text can start a line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from khabar.core.catalogue import CATALOGUE, CheckSpec, Level

#: What :func:`visible` escapes: C0 controls (newline and tab included), DEL, C1 controls, the Unicode line and
#: paragraph separators, the bidirectional marks, embeddings, overrides and isolates (they reorder what a
#: terminal or browser shows), and lone surrogates (a file name that is not UTF-8; they cannot be written out).
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(value: object) -> str:
    """``value`` as text with every character of :data:`_INVISIBLE` shown as an escape (``\\n``, ``\\x1b``,
    ``\\u2028``), as Python's ``repr`` writes them; other text, printable or not, is left as it is.

    The common case (nothing to escape) is one ``str.isprintable`` call: every escaped character is unprintable."""
    text = value if type(value) is str else str(value)
    if text.isprintable():
        return text
    return _INVISIBLE.sub(_escape, text)


def _path(path: str) -> str:
    """A finding's path, :func:`visible`, and with any ``": "`` (which no real path of a project holds) written
    ``":\\x20"``: the path is the only data before the check id, so it must not hold a ``path:line: error[id]`` of its own."""
    shown = visible(path)
    return shown.replace(": ", ":\\x20") if ": " in shown else shown


def github_data(text: str) -> str:
    """The message of a GitHub workflow command: ``%``, CR and LF escaped as GitHub unescapes them (``%25``, ``%0D``,
    ``%0A``), any other invisible character then as :func:`visible` shows it."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A property value (``file=``, ``title=``) of a GitHub workflow command: :func:`github_data`, and ``:`` and ``,``
    (which end a value) as ``%3A`` and ``%2C``."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


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
        """``path:line: level[check-id] [document/annotation] message``: one line, whatever the data holds."""
        where = _path(self.path) if self.path else "<corpus>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        target = f" [{visible(self.document)}{'/' + visible(self.annotation) if self.annotation else ''}]" if self.document else ""
        return f"{where}: {self.level}[{self.check}]{target} {visible(self.message)}"

    def github(self) -> str:
        """The finding as a GitHub Actions workflow command (``::error file=...,line=...,title=check-id::message``), which
        GitHub shows on that line of a pull request's diff. Escaped by GitHub's rules (:func:`github_data`,
        :func:`github_property`), then :func:`visible`, so it is one line whatever the data holds."""
        props = [f"file={github_property(self.path)}"] if self.path else []
        if self.path and self.line is not None:
            props.append(f"line={self.line}")
        props.append(f"title={github_property(self.check)}")
        target = f"[{self.document}{'/' + self.annotation if self.annotation else ''}] " if self.document else ""
        return f"::{self.level} {','.join(props)}::{github_data(target + self.message)}"

    def at(self, *, path: str | None, line: int | None) -> Finding:
        return replace(self, path=path, line=line)


def registry() -> Mapping[str, CheckSpec]:
    """Every check id, from the one catalogue table."""
    return CATALOGUE


def finding(check_id: str, message: str, **where: object) -> Finding:
    """A finding of a catalogued check, at the level the catalogue gives it."""
    spec = registry().get(check_id)
    if spec is None:
        raise KeyError(f"check id {check_id!r} is not in khabar.core.catalogue")
    return Finding(check=check_id, level=spec.level, message=message, **where)  # type: ignore[arg-type]


class KhabarError(Exception):
    """Input errors that stop a command; carries every finding, not only the first."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} problem(s)")
        self.findings = findings

    def __reduce__(self) -> tuple[type[KhabarError], tuple[list[Finding]]]:
        """Pickled with its findings (the default would rebuild it from the message alone)."""
        return type(self), (self.findings,)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]
