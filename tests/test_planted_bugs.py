"""scripts/planted_bugs.py: every bug issue 19 listed, planted alone, fails a test; and the script can tell a bug
the tests miss, or one whose line has moved."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "planted_bugs.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("planted_bugs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["planted_bugs"] = module  # NamedTuple needs its module
    spec.loader.exec_module(module)
    return module


def test_planted_bugs_each_fails_a_test_of_its_row() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=1800)
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and not line.startswith(("| bug", "| ---"))]
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    bugs = script().BUGS
    assert len(rows) == len(bugs) == 11
    for bug, row in zip(bugs, rows, strict=True):
        assert row.startswith(f"| {bug.title} |")
        assert any(f"`{test.split('::')[0]}" in row for test in bug.tests), row  # a failing test, of a module the row names


def test_planted_bugs_a_bug_no_test_sees_or_one_not_in_its_file_is_reported(tmp_path: Path) -> None:
    module = script()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text("X = 1  # a comment\n", encoding="utf-8")
    (tmp_path / "test_m.py").write_text("import m\n\n\ndef test_m() -> None:\n    assert m.X == 1\n", encoding="utf-8")
    harmless = module.Bug("a comment changed", "src/m.py", "# a comment", "# another", ("test_m.py",))
    real = module.Bug("X changed", "src/m.py", "X = 1", "X = 2", ("test_m.py",))
    moved = module.Bug("a line no longer there", "src/m.py", "Y = 1", "Y = 2", ("test_m.py",))
    assert module.caught_by(harmless, tmp_path) == []
    assert module.caught_by(real, tmp_path) == ["test_m.py::test_m"]
    assert module.caught_by(moved, tmp_path) is None
    assert (tmp_path / "src" / "m.py").read_text(encoding="utf-8") == "X = 1  # a comment\n"  # put back
