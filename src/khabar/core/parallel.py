"""Independent per-document work in worker processes, results in input order.

Reading a corpus and running a baseline cost milliseconds per document, and no
document depends on another, so chunks of documents go to a process pool.
``map`` keeps the order, so the result is what one process would give.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, one process beats starting workers.
PARALLEL_MIN_ITEMS = 200
#: The fewest items in a chunk sent to a worker (each chunk costs a round trip).
MIN_CHUNK = 16


def workers() -> int:
    """Worker processes: ``KHABAR_WORKERS`` if set (1: no workers), else the CPU count."""
    return max(1, int(os.environ.get("KHABAR_WORKERS") or os.cpu_count() or 1))


def parallel(items: int) -> bool:
    """Whether ``items`` items go to worker processes."""
    return workers() > 1 and items >= PARALLEL_MIN_ITEMS


def chunk_size(items: int) -> int:
    """Items per chunk: all of them (one chunk, done here) unless :func:`parallel`."""
    if not parallel(items):
        return max(items, 1)
    return max(MIN_CHUNK, min(100, items // (workers() * 8)))


def map_chunks(function: Callable[..., R], items: Sequence[T], *args: Any) -> Iterator[R]:
    """``function(chunk, *args)`` over chunks of ``items``, one result per chunk, in order.

    ``function`` and ``args`` must pickle (a module-level function). Under
    :data:`PARALLEL_MIN_ITEMS` items, or with one worker, ``items`` are one
    chunk, done here."""
    if not parallel(len(items)):
        yield function(list(items), *args)
        return

    size = chunk_size(len(items))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    pool = ProcessPoolExecutor(max_workers=workers())
    try:
        yield from pool.map(function, chunks, *([arg] * len(chunks) for arg in args))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def chunked_map(function: Callable[..., list[R]], items: Sequence[T], *args: Any) -> Iterator[R]:
    """The results of ``function(chunk, *args)`` over chunks of ``items`` (see
    :func:`map_chunks`), flattened: ``function`` returns one result per item."""
    for results in map_chunks(function, items, *args):
        yield from results
