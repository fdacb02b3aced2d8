"""README.md's examples run, and its two opening commands are the ones CI runs.

Every fenced ```python block of the README runs, with the working directory set
to a temporary folder holding a build at ``dist/khabar`` (the path the examples
use): a small project with a document in each split, so that every split the
examples load has rows. A block whose first line starts with ``# Not run by the tests`` is only
compiled (it needs optional packages or the Hub).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_RUN = "# Not run by the tests"


def fenced(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [m[1] for m in re.finditer(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)]


PYTHON = fenced("python")


def test_readme_has_runnable_python_examples() -> None:
    assert any(not block.startswith(NOT_RUN) for block in PYTHON)


@pytest.mark.parametrize("index", range(len(PYTHON)))
def test_readme_python_block_runs(index: int, split_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = PYTHON[index]
    code = compile(block, f"README.md python block {index + 1}", "exec")
    if block.startswith(NOT_RUN):
        pytest.skip(block.splitlines()[0])
    shutil.copytree(split_built, tmp_path / "dist" / "khabar")  # a small build with both splits (the examples load each)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    exec(code, namespace)
    assert set(namespace) - {"__name__", "__builtins__"}, "the block defined nothing"


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    first_fence = re.search(r"^```(\S*)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert first_fence and first_fence[1] == "sh"
    first_sh = fenced("sh")[0]
    commands = [line for line in first_sh.splitlines() if line.strip()]
    assert len(commands) == 2
    install, test = commands
    assert install.startswith("python3 -m venv .venv && ") and install.endswith(" && .venv/bin/khabar build")
    assert test.startswith("python3 -m venv .venv && ") and test.endswith(" && .venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[0] == "#!/usr/bin/env bash" and "set -euo pipefail" in ci
    run = [line for line in ci[1:] if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert run[-1] == test
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in re.findall(r"\((apt-get [^)]*)\)", "\n".join(run[:-1])):
        assert command in readme, f".ci/run runs {command!r}, which the README does not mention"
    assert all("apt-get" in line or line.strip() in ("fi",) or line.lstrip().startswith("if ") for line in run[:-1])
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111
