"""What reviews a pull request: the GitHub workflow, the pull-request template and the pre-commit hooks."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from khabar.cli.main import parser

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _steps() -> list[dict[str, Any]]:
    jobs = _yaml(WORKFLOW)["jobs"]
    assert jobs, "the workflow has no job"
    return [step for job in jobs.values() for step in job["steps"]]


def _commands() -> list[list[str]]:
    """Every command the workflow's steps run, split on ``&&``."""
    return [shlex.split(part) for step in _steps() if "run" in step for part in step["run"].split("&&")]


def test_ci_workflow_runs_on_every_push_and_pull_request() -> None:
    workflow = _yaml(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) >= {"push", "pull_request"}


def test_ci_workflow_checks_out_and_caches_pip() -> None:
    uses = {step["uses"].split("@")[0]: step for step in _steps() if "uses" in step}
    assert "actions/checkout" in uses
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert (ROOT / uses["actions/setup-python"]["with"]["cache-dependency-path"]).is_file()


def test_ci_workflow_runs_validate_as_annotations_and_the_readme_test_command() -> None:
    commands = _commands()
    assert ["bash", ".ci/run"] in commands
    validate = [c for c in commands if c[0].endswith("khabar") and "validate" in c]
    assert validate and validate[0][1:] == ["validate", "--format", "github"]
    parser().parse_args(validate[0][1:])  # a command the CLI accepts


@pytest.mark.parametrize("index", range(len(_commands())))
def test_ci_workflow_command_is_in_the_readme(index: int) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = " ".join(_commands()[index]).removeprefix(".venv/bin/")
    assert command in readme, f"the workflow runs {command!r}, which README.md does not show"


def _hooks(path: Path) -> dict[str, dict[str, Any]]:
    data = _yaml(path)
    hooks = data if isinstance(data, list) else [hook for repo in data["repos"] for hook in repo["hooks"]]
    return {hook["id"]: hook for hook in hooks}


def test_ci_pre_commit_hooks_are_the_repository_own_hooks() -> None:
    published, own = _hooks(ROOT / ".pre-commit-hooks.yaml"), _hooks(ROOT / ".pre-commit-config.yaml")
    assert set(published) == set(own) == {"khabar-validate", "khabar-format"}
    for hook_id, hook in published.items():
        assert hook["language"] == "python"  # pre-commit installs Khabar for a fork
        assert {k: v for k, v in hook.items() if k != "language"} == {k: v for k, v in own[hook_id].items() if k != "language"}


@pytest.mark.parametrize("hook_id", ["khabar-validate", "khabar-format"])
def test_ci_pre_commit_hook_entry_is_a_khabar_command(hook_id: str) -> None:
    entry = shlex.split(_hooks(ROOT / ".pre-commit-hooks.yaml")[hook_id]["entry"])
    assert entry[0] == "khabar"
    args = parser().parse_args(entry[1:])
    assert args.command == hook_id.removeprefix("khabar-")


def test_ci_pull_request_template_holds_the_checklist() -> None:
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    for needed in ("GUIDELINES.md", "khabar locate", "khabar validate", "CHANGELOG.md", "version", "CITATION.cff"):
        assert any(needed in item for item in items), needed
