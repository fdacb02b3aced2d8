"""The card template, ``dataset_card.md``: its YAML front matter (the Hub metadata written by hand) and its body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from khabar.core.findings import KhabarError, finding
from khabar.io.yamlnodes import YamlSyntaxError, load_yaml, plain, yaml_findings

CARD = "dataset_card.md"


def split_front_matter(text: str, *, shown: str = CARD) -> tuple[dict[str, Any], str]:
    """The card's front matter (the YAML between the ``---`` lines that open it) and its body. The front matter is
    read as every YAML file of Khabar's (:func:`~khabar.io.yamlnodes.load_yaml`): a repeated key, an anchor or a
    too-deep structure is a finding at its line of ``shown`` (the template; a built card is its folder's README.md),
    as a syntax error is; an empty front matter is an empty mapping."""
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise KhabarError([finding("yaml-syntax", "expected YAML front matter between `---` lines at the top of the card", path=shown, line=1)])
    end = text.index("\n---\n", 4)
    try:
        front = load_yaml(text[4 : end + 1])
    except YamlSyntaxError as exc:  # the front matter starts on line 2
        raise KhabarError(yaml_findings(exc, path=shown, offset=1, hint=" (fix the YAML between the `---` lines)")) from None
    if front is None:
        return {}, text[end + 5 :]
    if not isinstance(front, dict):
        raise KhabarError(
            [
                finding(
                    "yaml-type",
                    f"expected the card's front matter to be a mapping (pretty_name, license, ...); found {type(front).__name__}",
                    path=shown,
                    line=2,
                )
            ]
        )
    return plain(front), text[end + 5 :]


class _NoAliases(yaml.SafeDumper):
    """A safe dumper that writes a value met twice out in full again, never as an anchor and alias: the card's
    reader (:func:`split_front_matter`, like every YAML reader of Khabar's) refuses those."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_front_matter(front: Mapping[str, Any]) -> str:
    """The card's YAML front matter (without its ``---`` lines), in the key order given, as :func:`split_front_matter` reads it back."""
    return yaml.dump(dict(front), Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=1000)
