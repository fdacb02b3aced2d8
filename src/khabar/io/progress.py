"""Progress reporting for long library calls. The library never prints: callers pass a wrapper in.

A :class:`Progress` wraps an iterable and yields the same items, in order; the
command line passes one that draws a tqdm bar on a terminal. The default,
:func:`no_progress`, returns the items untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from typing import Protocol, TypeVar

from khabar.io.atomic import replacing_file
from khabar.io.outputs import TIMINGS

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]: ...


def no_progress(items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]:
    """The items, untouched: no progress is shown."""
    return items


class Timings(dict[str, float]):
    """Seconds per named stage of a long call, filled in as it runs (``khabar build --timings FILE``).

    A stage entered twice adds up; stages may nest (``build`` holds ``validate``)."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + perf_counter() - start


def write_timings(*, timings: Timings, out: Path) -> Path:
    """Write ``timings`` as one JSON object to ``out``, replacing only an empty file or timings
    Khabar wrote (:data:`khabar.io.outputs.TIMINGS`; ``out-refused`` otherwise, nothing touched)."""
    with replacing_file(out, output=TIMINGS) as staged:
        staged.write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
    return out
