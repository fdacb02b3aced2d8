"""Pausing Python's cyclic garbage collector while the corpus is built.

Loading a corpus creates a few hundred objects per token-heavy document
(millions for 10,000 documents) and keeps them. Each time allocations pass the
collector's threshold it scans the young objects, and every so often all live
objects: with a heap this size those full scans cost more than the loading
itself, and more per document the larger the corpus. Khabar's model objects hold
no reference cycles, so reference counting frees them; pausing the collector
for these stretches changes nothing but the time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
