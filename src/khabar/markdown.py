"""Markdown tables for the card and LICENSE.md: cells escaped, one helper for every table."""

from __future__ import annotations

from typing import Iterable, Sequence

NONE = "–"  # a cell without a value


def cell(value: object) -> str:
    """One table cell: ``None`` as a dash, ``|`` escaped, line breaks as spaces."""
    if value is None or value == "":
        return NONE
    return " ".join(str(value).split()).replace("|", "\\|")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[bool] | None = None) -> str:
    """A Markdown table; ``numeric`` marks the columns aligned right (default: none)."""
    right = list(numeric) if numeric is not None else [False] * len(headers)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def link(text: str, url: str | None) -> str:
    """``[text](url)``, or ``text`` alone without a URL."""
    return f"[{text}]({url})" if url else text
