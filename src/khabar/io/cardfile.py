"""The card template, ``dataset_card.md``: its YAML front matter (the Hub metadata written by hand) and its body."""

from __future__ import annotations

from typing import Any

import yaml

from khabar.core.findings import KhabarError, finding

CARD = "dataset_card.md"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise KhabarError([finding("yaml-syntax", "expected YAML front matter between `---` lines at the top of the card", path=CARD, line=1)])
    end = text.index("\n---\n", 4)
    try:
        front = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # the front matter starts on line 2
        raise KhabarError(
            [
                finding(
                    "yaml-syntax",
                    f"expected the card's front matter to parse as YAML; found: {getattr(exc, 'problem', None) or exc} (fix the YAML between the `---` lines)",
                    path=CARD,
                    line=line,
                )
            ]
        ) from None
    if not isinstance(front, dict):
        raise KhabarError(
            [
                finding(
                    "yaml-type",
                    f"expected the card's front matter to be a mapping (pretty_name, license, ...); found {type(front).__name__}",
                    path=CARD,
                    line=2,
                )
            ]
        )
    return front, text[end + 5 :]
