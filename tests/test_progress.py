"""Progress bars: drawn on a terminal only, never with --quiet; the library only calls the wrapper it is given."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from khabar.cli.output import progress_bar
from khabar.io.progress import Timings, no_progress
from khabar.pipeline import validate


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "quiet", "drawn"), [(False, False, False), (True, True, False), (True, False, True)])
def test_progress_bar_only_on_a_terminal_without_quiet(tty: bool, quiet: bool, drawn: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = (Terminal(), Terminal()) if tty else (io.StringIO(), io.StringIO())
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    bar = progress_bar(argparse.Namespace(quiet=quiet))
    assert (bar is not no_progress) == drawn
    assert list(bar(range(5), total=5, desc="reading")) == [0, 1, 2, 3, 4]  # the same items, in order
    assert ("reading" in err.getvalue()) == drawn
    assert out.getvalue() == ""  # findings go to stdout: a bar never does


def test_progress_validate_wraps_the_documents_and_the_suites(tiny_project: Path) -> None:
    seen: list[tuple[str, int | None]] = []

    def record(items: Iterable[Any], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[Any]:
        seen.append((desc, total))
        return items

    timings = Timings()
    corpus, findings = validate(root=tiny_project, progress=record, timings=timings)
    assert [desc for desc, _ in seen] == ["reading and checking", "table suites"]
    assert seen[0][1] == 1 and len(corpus.documents) > 0  # chunks of documents: one, for a small corpus
    assert set(timings) == {"documents", "corpus_checks", "great_expectations"} and all(t >= 0 for t in timings.values())


def test_progress_timings_add_up_a_stage_entered_twice() -> None:
    timings = Timings()
    for _ in range(2):
        with timings.stage("read"):
            pass
    with pytest.raises(ValueError), timings.stage("checks"):
        raise ValueError("a failing stage is still timed")
    assert set(timings) == {"read", "checks"}


def test_progress_timings_file_in_an_impossible_folder_is_refused_before_building(
    tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from khabar.cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = tmp_path / "built"
    code = main(["--root", str(tiny_project), "build", "--no-load", "--quiet", "--out", str(out), "--timings", str(blocker / "t.json")])
    assert code == 2 and not out.exists()
    assert "cannot write --timings" in capsys.readouterr().err


def test_progress_timings_file_is_written_even_when_the_build_fails(tiny_project: Path, tmp_path: Path) -> None:
    import json

    from khabar.cli import main

    (tiny_project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "not-a-version"\n', encoding="utf-8")
    timings = tmp_path / "deep" / "t.json"
    assert main(["--root", str(tiny_project), "build", "--no-load", "--quiet", "--out", str(tmp_path / "built"), "--timings", str(timings)]) == 1
    assert "documents" in json.loads(timings.read_text(encoding="utf-8"))
