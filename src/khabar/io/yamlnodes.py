"""Safe YAML loading that remembers the line of every mapping, item and key.

PyYAML's composer gives nodes with marks; we construct plain Python values from
them with the safe constructor, wrapping mappings and sequences in
:class:`LDict` / :class:`LList`, which carry 1-based line numbers.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class LDict(dict):
    """A mapping with ``line`` (its first line) and ``key_lines`` (line per key)."""

    __slots__ = ("line", "key_lines")  # no instance dict: a file has hundreds of these
    line: int
    key_lines: dict[str, int]


class LList(list):
    """A sequence with ``line`` and ``item_lines`` (line per item)."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: list[int]


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _build(node: yaml.Node, loader: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = LDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str) or key in out:
                raise YamlSyntaxError(
                    key_node.start_mark.line + 1,
                    f"keys must be unique strings; found {'repeated ' if key in out else ''}key {key!r}",
                )
            out[key] = _build(value_node, loader)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LList(_build(item, loader) for item in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    return loader.construct_object(node, deep=True)


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise :class:`YamlSyntaxError` with a line.

    Text in the canonical layout khabar writes takes a fast path with the same
    result (:mod:`khabar.io.yamlfast`); anything else goes through PyYAML."""
    from khabar.io.yamlfast import SLOW, parse_canonical

    fast = parse_canonical(text)
    if fast is not SLOW:
        return fast
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, f"{exc.problem or exc}".strip()) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, str(exc)) from None
    finally:
        loader.dispose()


def line_of(container: Any, key: str | int, default: int) -> int:
    """The line of ``container[key]`` where known, else ``default``."""
    if isinstance(container, LDict) and isinstance(key, str):
        return container.key_lines.get(key, default)
    if isinstance(container, LList) and isinstance(key, int) and 0 <= key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default)
