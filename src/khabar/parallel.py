"""Independent per-document work in worker processes, results in input order.

Reading a corpus and running a baseline cost milliseconds per document, and no
document depends on another, so chunks of documents go to a process pool.
``map`` keeps the order, so the result is what one process would give.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, one process beats starting workers.
PARALLEL_MIN_ITEMS = 200


def workers() -> int:
    """Worker processes: ``KHABAR_WORKERS`` if set (1: no workers), else the CPU count."""
    return max(1, int(os.environ.get("KHABAR_WORKERS") or os.cpu_count() or 1))


def chunked_map(function: Callable[..., list[R]], items: Sequence[T], *args: Any) -> Iterator[R]:
    """The results of ``function(chunk, *args)`` over chunks of ``items``, flattened, in order.

    ``function`` takes a list of items and returns one result per item; it and
    ``args`` must pickle (a module-level function). Under
    :data:`PARALLEL_MIN_ITEMS` items, or with one worker, it is called once here."""
    count = workers()
    if count <= 1 or len(items) < PARALLEL_MIN_ITEMS:
        yield from function(list(items), *args)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = max(16, min(100, len(items) // (count * 8)))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    pool = ProcessPoolExecutor(max_workers=count)
    try:
        for results in pool.map(function, chunks, *([arg] * len(chunks) for arg in args)):
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
