"""Writing a folder atomically: build it beside its target, rename it into place.

A failure while writing leaves the previous folder untouched and removes the
half-written one; the previous folder is deleted only after the rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def replacing(out: Path, *, purpose: str) -> Iterator[Path]:
    """Yield a fresh staging folder next to ``out``; on success it becomes ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.{purpose}-", dir=out.parent))
    try:
        yield stage
        os.chmod(stage, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
            stage.rename(out)
            shutil.rmtree(old)
        else:
            stage.rename(out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
