"""The layout is the architecture: one-way layers (import-linter's contract in pyproject.toml), no import cycle
(imports inside functions count), and a package per layer that says what it may import."""

from __future__ import annotations

import ast
import graphlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def _lint_imports(*, src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the contracts of ``cwd/pyproject.toml``, over the package found in ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([*LINT_IMPORTS, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _layers() -> list[str]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    [layers] = [c["layers"] for c in contracts if c["type"] == "layers"]
    return [name.strip() for layer in layers for name in layer.split("|")]


def test_architecture_contract_is_kept() -> None:
    done = _lint_imports(src=SRC, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    "module, upward",
    [
        ("core/markdown.py", "khabar.cli"),  # the lowest layer reaching for the highest
        ("checks/spans.py", "khabar.views"),  # a layer reaching one up
        ("io/project.py", "khabar.pipeline"),  # an import inside a function is an import all the same
    ],
)
def test_architecture_contract_catches_an_upward_import(tmp_path: Path, module: str, upward: str) -> None:
    """An upward import planted in a copy of the sources breaks the contract, and the report names it."""
    shutil.copytree(SRC / "khabar", tmp_path / "src" / "khabar", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "khabar" / module
    planted = f"\n\ndef _planted() -> None:\n    import {upward}  # noqa\n" if module.startswith("io/") else f"\nimport {upward}  # noqa\n"
    target.write_text(target.read_text(encoding="utf-8") + planted, encoding="utf-8")
    done = _lint_imports(src=tmp_path / "src", cwd=tmp_path)
    layer = "khabar." + module.split("/")[0]
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"{layer} is not allowed to import {upward}" in done.stdout


def test_architecture_has_no_import_cycle() -> None:
    """No module imports itself through others, counting imports inside functions (grimp sees every import
    statement of a module, wherever it is; only those under ``if TYPE_CHECKING:`` are left out)."""
    graph = grimp.build_graph("khabar", exclude_type_checking_imports=True, cache_dir=None)
    sorter = graphlib.TopologicalSorter({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"an import cycle: {' -> '.join(exc.args[1])}")


def test_architecture_every_top_level_entry_is_a_layer() -> None:
    """At most 14 entries at the top of src/khabar/, each a layer of the contract (the package's __init__ aside)."""
    entries = sorted(p.name for p in (SRC / "khabar").iterdir() if p.name != "__pycache__")
    assert len(entries) <= 14, entries
    layers = set(_layers())
    assert {f"khabar.{Path(name).stem}" for name in entries if name != "__init__.py"} == layers


@pytest.mark.parametrize("package", sorted(p.parent.relative_to(SRC).as_posix().replace("/", ".") for p in (SRC / "khabar").glob("*/__init__.py")))
def test_architecture_package_says_what_it_may_import(package: str) -> None:
    """Each layer's __init__ opens with a docstring that says what the layer is for and what it may import."""
    doc = ast.get_docstring(ast.parse((SRC / Path(*package.split(".")) / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "May import" in doc, f"{package}/__init__.py: say what the layer is for and what it may import"


def _local_imports() -> list[tuple[str, int, str]]:
    """(file, line, the line's text) of every import statement inside a function of src/khabar."""
    found = []
    for path in sorted((SRC / "khabar").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found += [
                    (path.relative_to(SRC).as_posix(), n.lineno, lines[n.lineno - 1]) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
                ]
    return found


def test_architecture_imports_inside_functions_are_few_and_say_why() -> None:
    """At most 15 imports inside functions, each saving measured start-up time and saying so: a comment on its
    line, or in its function's docstring (an import inside a function is no way around a layer or a cycle)."""
    found = _local_imports()
    assert len(found) <= 15, [f"{path}:{line}" for path, line, _ in found]
    for path, line, text in found:
        source = (SRC / path).read_text(encoding="utf-8").split("\n")
        context = "\n".join(source[max(0, line - 6) : line])
        assert "measured" in text or "measured" in context, f"{path}:{line}: say what this import inside a function saves, measured"


def test_architecture_docs_draw_the_contracts_layers_in_its_order() -> None:
    """docs/architecture.md's drawing names every layer of the contract, highest first, as the contract orders them."""
    drawing = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split("```")[1]
    drawn = [name for line in drawing.splitlines() if line.strip() and line.split()[0] != "│" for name in line.split("  ")[0].split(" │ ")]
    assert [f"khabar.{name.strip()}" for name in drawn] == _layers()
