"""Running the Great Expectations suites of a whole corpus: the tables concatenated from the workers' parts, and
the suites run here or, on a large corpus, in two more processes while the workers go on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from khabar.checks import SUITE_GROUPS
from khabar.checks.gx import COLUMNS, check_some, check_tables, pools
from khabar.checks.gx_tables import tables
from khabar.core.findings import Finding
from khabar.io.progress import Progress
from khabar.io.project import Locate, Paths, Rereading

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

__all__ = ["SUITE_GROUPS", "start_suites", "suite_group", "tables"]


def start_suites(
    frames: dict[str, list[pd.DataFrame]], dirty: set[str | None], paths: Paths, locate: Locate, pool: Pool | None, progress: Progress
) -> Callable[[], list[Finding]]:
    """Start the suites on the concatenated tables of the documents without error findings so far;
    return the call that waits for their findings, in table order. With a ``pool`` (a large
    corpus), the :data:`SUITE_GROUPS` run in its processes, each a group."""
    tables = {}
    for name in list(frames):
        parts = frames.pop(name)  # each chunk's part is freed once in the whole table
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        del parts
        tables[name] = frame[~frame["document"].isin(dirty)].reset_index(drop=True) if dirty else frame
    if not len(tables["documents"]):
        return list
    if pool is None:
        return lambda: check_tables(tables, locate=locate, progress=progress)
    jobs = [pool.apply_async(suite_group, ({name: tables[name] for table in group for name in (table, *pools(table))}, group, paths)) for group in SUITE_GROUPS]
    pool.close()
    tables.clear()  # the processes have them (once sent): this one need not hold them meanwhile

    def wait() -> list[Finding]:
        by_table = {table: found for job in jobs for table, found in job.get().items()}
        pool.join()
        return [f for table in COLUMNS for f in by_table.get(table, [])]

    return wait


def suite_group(frames: dict[str, pd.DataFrame], only: tuple[str, ...], paths: Paths) -> dict[str, list[Finding]]:
    return check_some(frames, only=only, locate=Rereading(paths).locate)
