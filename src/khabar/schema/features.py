"""``datasets.Features`` derived from the model's dataclasses: one declaration per schema.

The ``documents`` config's features are *computed* from :class:`Document`'s
type hints, so the model and the parquet schema cannot drift apart.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import TYPE_CHECKING, Any

from datasets import Features, List, Value

from khabar.schema.model import Document

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _feature(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint is int:
        return Value("int32")
    if hint is str:
        return Value("string")
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _feature(inner)
    if origin is tuple:
        return List(_feature(typing.get_args(hint)[0]))
    if hasattr(hint, "__dataclass_fields__"):
        return dataclass_features(hint)
    raise TypeError(f"no datasets feature for type hint {hint!r}")


def dataclass_features(cls: type[DataclassInstance]) -> dict[str, Any]:
    """A dict of features, one per dataclass field, in declaration order."""
    hints = typing.get_type_hints(cls)
    return {name: _feature(hints[name]) for name in cls.__dataclass_fields__}


@cache
def document_features() -> Features:
    """The features of the ``documents`` config: one row per document."""
    return Features(dataclass_features(Document))
