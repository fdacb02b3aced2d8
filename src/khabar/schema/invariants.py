"""The checks the model's classes run on their own fields (:mod:`khabar.schema.model`): types, label
sets, span ranges and ids, each raising :class:`SchemaError` with the id of the check it fails.

Ids: one pattern, :data:`ID_PATTERN`, that every entity, mention, value, relation and attribution id
(and every reference to one) matches.

An id is printed in findings, written into the dataset, the exports and the review page, and matched
by exceptions, so it is a plain token: a letter or digit, then letters, digits, ``.``, ``_``, ``:`` or
``-``, at most 128 characters (``e1``, ``m12``, ``ismail-khan``, ``posts-250-1``). Anything else
(a space, a newline, a control character, a quote, a slash) is refused by the model with the check
``id-unsafe``, whichever reader built it.
"""

from __future__ import annotations

import re
from typing import Final


class SchemaError(ValueError):
    """A value violates the data model; ``check`` is the stable check id."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check
        self.message = message

    def __reduce__(self) -> tuple[type[SchemaError], tuple[str, str]]:
        """Pickled with both arguments (a worker process's error reaches the main process whole)."""
        return type(self), (self.check, self.message)


def need(obj: object, name: str, kind: type | tuple[type, ...], *, optional: bool = False) -> None:
    """``yaml-type`` unless the field ``name`` of ``obj`` is a ``kind`` (or None, when ``optional``)."""
    value = getattr(obj, name)
    if type(value) is kind:  # the common case (never a bool: bool is not int's type)
        return
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SchemaError(
            "yaml-type",
            f"`{name}` must be {expected}{' or null' if optional else ''}, found {type(value).__name__} {value!r}",
        )


def one_of(obj: object, name: str, allowed: tuple[str, ...]) -> None:
    """``label-unknown`` unless the field ``name`` of ``obj`` is one of ``allowed``."""
    value = getattr(obj, name)
    if value not in allowed:
        raise SchemaError("label-unknown", f"`{name}` must be one of {', '.join(allowed)}; found {value!r}")


def span_range(obj: object, start: str = "start", end: str = "end") -> None:
    """``yaml-type`` or ``span-range`` unless the fields ``start`` and ``end`` are ints with 0 <= start < end."""
    need(obj, start, int)
    need(obj, end, int)
    if getattr(obj, start) < 0 or getattr(obj, start) >= getattr(obj, end):
        raise SchemaError(
            "span-range",
            f"`{start}` must be >= 0 and below `{end}`; found {start}={getattr(obj, start)}, {end}={getattr(obj, end)}",
        )


def id_list(obj: object, name: str) -> None:
    """``yaml-type`` unless the field ``name`` of ``obj`` is a tuple of strings, ``id-unsafe`` unless each is a safe id."""
    value = getattr(obj, name)
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise SchemaError("yaml-type", f"`{name}` must be a list of ids, found {value!r}")
    for v in value:
        need_safe_id(name, v)


def need_safe_id(name: str, value: str | None) -> None:
    """``id-unsafe`` unless the string ``value`` (None: an optional reference left out) is a safe id."""
    if value is not None and not safe_id(value):
        raise SchemaError("id-unsafe", unsafe_id_message(name, value))


#: The pattern, as ``docs/checks.md`` states it.
ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")  # ID_PATTERN, matched with fullmatch (``$`` would take a final newline)
#: Ids already found safe: a corpus repeats the same few (``m1``, ``e1``, ...) in every document, and a set
#: lookup costs a tenth of a match. Bounded, so that a corpus of unique ids cannot grow it without end.
_SEEN: set[str] = set()
_SEEN_MAX = 1 << 16


def safe_id(value: str) -> bool:
    """Whether the string ``value`` matches :data:`ID_PATTERN`."""
    if value in _SEEN:
        return True
    if _ID.fullmatch(value) is None:
        return False
    if len(_SEEN) < _SEEN_MAX:
        _SEEN.add(value)
    return True


def unsafe_id_message(name: str, value: str) -> str:
    """What ``id-unsafe`` says about the field ``name`` (``id``, ``entity``, ``members``, ...) holding ``value``,
    a string that is not a safe id."""
    shown = repr(value) if len(value) <= 64 else f"{value[:64]!r}…"
    what = f"`id` {shown} is not a safe id" if name == "id" else f"`{name}` names {shown}, which is not a safe id"
    fix = "rename it, here and wherever it is referenced" if name == "id" else "refer to the annotation by its id"
    return (
        f"{what}; expected a letter or digit, then letters, digits, '.', '_', ':' or '-', at most 128 characters "
        f"({ID_PATTERN}); found {_offender(value)}; {fix}"
    )


def _offender(value: str) -> str:
    """The first thing wrong with ``value``."""
    if not value:
        return "an empty string"
    if len(value) > 128:
        return f"{len(value)} characters"
    at = next(i for i, c in enumerate(value) if _ID.fullmatch(c if i == 0 else "a" + c) is None)
    return f"{value[at]!r} at character {at}"
