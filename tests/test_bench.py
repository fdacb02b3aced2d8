"""scripts/bench.py: a small run measures every step and writes the JSON the docs describe (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("generate", "validate", "build", "load_cold", "load_cached", "predict", "evaluate", "floor")


def test_bench_small_run_reports_every_step(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--docs", "12", "--json", str(out), "--quiet"], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    run = result["runs"]["12"]
    for step in STEPS:
        assert run[step]["seconds"] > 0 and run[step]["max_rss_mib"] > 0, step
    assert run["load_cached"]["inner"]["rows"] == 12 and run["floor"]["inner"]["rows"] == 12
    summary = result["summary"]
    assert summary["per_doc_seconds"]["12"]["build"] == run["build"]["seconds"] / 12
    assert summary["build_floor_ratio"]["12"] == run["build"]["seconds"] / run["floor"]["inner"]["seconds"]
    assert "targets" not in summary  # judged only on a 10,000-document run
    stages = run["build"]["stages"]
    assert {"documents", "corpus_checks", "great_expectations", "write_parquet", "card", "release_checks"} <= set(stages)
    top = ("documents", "corpus_checks", "great_expectations", "card", "release_checks")  # write_parquet is inside documents too
    assert sum(stages[k] for k in top) <= run["build"]["seconds"]
    assert summary["speed_index_cpu_seconds"]["before"] > 0 and summary["speed_index_cpu_seconds"]["after"] > 0
    for step in STEPS:
        assert step in done.stdout  # the printed table
