"""The linters CI runs, as tests: ruff (lint and format) over the sources, tests and scripts, and mypy over the
package, with the settings of pyproject.toml and the versions the `test` extra pins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["src", "tests", "scripts"]


@pytest.mark.parametrize("command", [["ruff", "check", *PATHS], ["ruff", "format", "--check", *PATHS], ["mypy"]], ids=["ruff-check", "ruff-format", "mypy"])
def test_lint_passes(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
