"""Progress reporting for long library calls. The library never prints: callers pass a wrapper in.

A :class:`Progress` wraps an iterable and yields the same items, in order; the
command line passes one that draws a tqdm bar on a terminal. The default,
:func:`no_progress`, returns the items untouched.
"""

from __future__ import annotations

from typing import Iterable, Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]: ...


def no_progress(items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]:
    """The items, untouched: no progress is shown."""
    return items
