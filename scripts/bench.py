#!/usr/bin/env python3
"""Benchmark the pipeline on synthetic corpora: is the cost per document flat as the corpus grows?

    python scripts/bench.py                      # 100, 1000 and 10000 documents
    python scripts/bench.py --docs 1000 --json bench.json --quiet

For each N: generate a project (``khabar.workflow.synthetic``) into a temporary folder, then time each step
in a fresh subprocess: ``khabar validate``; ``khabar build --no-load --no-baselines`` (which
validates again before it writes: its time is the time to validate and build); with ``--baselines``,
also the default build, whose card runs and scores every baseline; ``load_dataset`` of
``documents`` with a cold Hugging Face cache (a temporary HF_HOME), then again cached; ``khabar
evaluate`` of the built gold's test split against a perturbed copy; and a bare pyarrow write of the same
``documents`` rows (the floor). Per step: wall seconds, CPU seconds (user + system, children
included), the largest single process's max RSS (``os.wait4``) and the peak RSS summed over the
step's process tree (PSS, sampled from /proc every 200 ms, so worker processes count once); for the
builds, the seconds of each stage (``khabar build --timings``). Before and after, a fixed workload
that uses none of khabar's code (making, dumping, parsing and sorting JSON rows in one process, CPU
seconds) indexes the machine's speed at the time, which drifts on a shared VM; it compares runs of
different versions of the code too. A thin script:
all the work is the library's and the CLI's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PY = sys.executable
KHABAR = [PY, "-m", "khabar.cli"]
SEED = 20260101
TARGETS = {"validate_build_seconds_10k": 120.0, "peak_memory_gib": 4.0, "per_doc_ratio_10k_1k": 1.3, "cached_load_seconds": 1.0}

LOAD = """
import json, sys, time
t0 = time.perf_counter()
from datasets import load_dataset
t1 = time.perf_counter()
ds = load_dataset(sys.argv[1], "documents")  # every split: dev and test
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t1, "import_seconds": t1 - t0, "rows": sum(split.num_rows for split in ds.values())}))
"""
FLOOR = """
import json, sys, tempfile, time
from pathlib import Path
import pyarrow as pa, pyarrow.parquet as pq
files = sorted(Path(sys.argv[1]).glob("data/documents/*.parquet"))
schema = pq.read_schema(files[0])
rows = [row for f in files for row in pq.read_table(f).to_pylist()]  # not timed: the rows the build writes
t0 = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    for i in range(0, len(rows), 2000):
        pq.write_table(pa.Table.from_pylist(rows[i : i + 2000], schema=schema), f"{out}/{i}.parquet", compression="zstd")
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(rows)}))
"""
SPEED = """
import json, re, time
t0 = time.process_time()
rows = [{"id": f"m{i}", "start": i, "end": i + 7, "text": "word " * (i % 13)} for i in range(150000)]
text = json.dumps(rows)
back = json.loads(text)
words = re.findall(r"[a-z]+", text)
ranked = sorted(back, key=lambda r: (r["end"] % 97, r["id"]))
print(json.dumps({"seconds": time.process_time() - t0}))
"""
GENERATE = "import sys; from pathlib import Path; from khabar.workflow.synthetic import generate_corpus; generate_corpus(root=Path(sys.argv[1]), n=int(sys.argv[2]), seed=int(sys.argv[3]))"
PREDICT = """
import json, sys
from pathlib import Path
from khabar.evaluate import load_gold
from khabar.workflow.synthetic import perturb
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for p in perturb(documents=load_gold(path=Path(sys.argv[1]), split="test"), seed=int(sys.argv[3])):  # the split evaluate scores
        f.write(json.dumps(p) + "\\n")
"""


def _memory(pid: int) -> int:
    """Bytes of PSS of ``pid`` (RSS with shared pages split between their sharers, so forked workers
    are not counted twice), or of RSS where the kernel gives no PSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
    except (OSError, StopIteration, ValueError):
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            return 0


def _tree_memory(root: int) -> int:
    """Bytes of PSS summed over ``root`` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier += kids
    return sum(_memory(pid) for pid in tree)


def run(cmd: list[str], *, env: dict[str, str], inner: bool = False) -> dict[str, Any]:
    """Run ``cmd`` in a fresh process; its wall and CPU seconds, max RSS and peak tree RSS."""
    log = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_memory(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    text = log.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{text[-3000:]}")
    result = {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_mib": usage.ru_maxrss / 1024, "peak_tree_pss_mib": peak[0] / 2**20}
    if inner:  # the step printed its own in-process timing as JSON
        result["inner"] = json.loads(text.strip().splitlines()[-1])
    return result


def bench(n: int, *, baselines: bool, progress: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"khabar-bench-{n}-") as tmp:
        root, built, pred = Path(tmp) / "project", Path(tmp) / "dist" / "khabar", Path(tmp) / "pred.jsonl"
        env = {**os.environ, "HF_HOME": f"{tmp}/hf", "HF_DATASETS_CACHE": f"{tmp}/hf/datasets", "HF_HUB_OFFLINE": "1"}
        steps: list[tuple[str, list[str], bool]] = [
            ("generate", [PY, "-c", GENERATE, str(root), str(n), str(SEED)], False),
            ("validate", KHABAR + ["--root", str(root), "validate", "--quiet"], False),
            (
                "build",
                KHABAR
                + ["--root", str(root), "build", "--no-load", "--no-baselines", "--quiet", "--out", str(built), "--timings", f"{tmp}/build.timings.json"],
                False,
            ),
            ("load_cold", [PY, "-c", LOAD, str(built)], True),
            ("load_cached", [PY, "-c", LOAD, str(built)], True),
            ("predict", [PY, "-c", PREDICT, str(built), str(pred), str(SEED)], False),
            ("evaluate", KHABAR + ["evaluate", "--gold", str(built), "--pred", str(pred), "--split", "test", "--json"], False),
            ("floor", [PY, "-c", FLOOR, str(built)], True),
        ]
        if baselines:  # the default build: the card's baseline table too (run, score and tabulate every baseline)
            steps.insert(
                3,
                (
                    "build_baselines",
                    KHABAR
                    + [
                        "--root",
                        str(root),
                        "build",
                        "--no-load",
                        "--quiet",
                        "--out",
                        f"{tmp}/with-baselines",
                        "--timings",
                        f"{tmp}/build_baselines.timings.json",
                    ],
                    False,
                ),
            )
        out: dict[str, Any] = {"documents": n, "load_average": os.getloadavg()[0]}
        for name, cmd, inner in progress(steps, total=len(steps), desc=f"{n} docs", unit="step"):
            out[name] = run(cmd, env=env, inner=inner)
            stages = Path(tmp) / f"{name}.timings.json"
            if stages.exists():  # seconds per stage, measured by the build itself
                out[name]["stages"] = json.loads(stages.read_text(encoding="utf-8"))
        return out


def summarise(runs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Per-document costs, ratios and the targets. ``khabar build`` validates before it writes, so its
    time is the time to validate and build; the separate ``validate`` command is reported beside it."""
    steps = [s for s in ("validate", "build", "build_baselines", "evaluate") if all(s in r for r in runs.values())]
    per_doc = {n: {s: r[s]["seconds"] / n for s in steps} for n, r in runs.items()}
    summary: dict[str, Any] = {"per_doc_seconds": per_doc}
    for n, r in runs.items():
        summary.setdefault("build_floor_ratio", {})[n] = r["build"]["seconds"] / r["floor"]["inner"]["seconds"]
        measured = [s for s in ("validate", "build", "build_baselines", "load_cold", "load_cached", "evaluate") if s in r]
        summary.setdefault("peak_memory_mib", {})[n] = {s: max(r[s]["peak_tree_pss_mib"], r[s]["max_rss_mib"]) for s in measured}
        summary.setdefault("cached_load_seconds", {})[n] = r["load_cached"]["inner"]["seconds"]
    if 1000 in runs and 10000 in runs:
        summary["per_doc_ratio_10k_1k"] = {k: per_doc[10000][k] / per_doc[1000][k] for k in per_doc[10000]}
    if 10000 in runs:
        r, peaks = runs[10000], summary["peak_memory_mib"][10000]
        peak = max(peaks.values()) / 1024  # every measured step: validate, the builds, loading, evaluate
        summary["targets"] = {
            "validate_build_seconds_10k": (r["build"]["seconds"], r["build"]["seconds"] <= TARGETS["validate_build_seconds_10k"]),
            "peak_memory_gib": (peak, peak <= TARGETS["peak_memory_gib"]),
            "cached_load_seconds": (summary["cached_load_seconds"][10000], summary["cached_load_seconds"][10000] < TARGETS["cached_load_seconds"]),
        }
        summary["validate_then_build_seconds_10k"] = r["validate"]["seconds"] + r["build"]["seconds"]
        if "per_doc_ratio_10k_1k" in summary:
            ratio = summary["per_doc_ratio_10k_1k"]["build"]
            summary["targets"]["per_doc_ratio_10k_1k"] = (ratio, ratio <= TARGETS["per_doc_ratio_10k_1k"])
    return summary


def table(runs: dict[int, dict[str, Any]]) -> str:
    lines = [f"{'docs':>6} {'step':<12} {'wall s':>8} {'cpu s':>8} {'ms/doc':>8} {'max RSS MiB':>12} {'tree PSS MiB':>13}  note"]
    for n, r in runs.items():
        for step in ("generate", "validate", "build", "build_baselines", "load_cold", "load_cached", "predict", "evaluate", "floor"):
            if step not in r:
                continue
            s = r[step]
            note = f"in-process {s['inner']['seconds']:.3f} s" if "inner" in s else ""
            lines.append(
                f"{n:>6} {step:<12} {s['seconds']:>8.2f} {s['cpu_seconds']:>8.2f} {1000 * s['seconds'] / n:>8.2f} {s['max_rss_mib']:>12.0f} {s['peak_tree_pss_mib']:>13.0f}  {note}"
            )
    for n, r in runs.items():
        for step in ("build", "build_baselines"):
            if "stages" in r.get(step, {}):
                lines.append(f"{n:>6} {step} stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in r[step]["stages"].items()))
    return "\n".join(lines)


def main() -> int:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument("--docs", type=int, action="append", help="corpus size; repeat for several (default: 100, 1000, 10000)")
    top.add_argument("--json", type=Path, help="write the results as JSON here")
    top.add_argument("--quiet", action="store_true", help="no progress bar")
    top.add_argument("--baselines", action="store_true", help="also time the default build, whose card runs and scores every baseline")
    args = top.parse_args()
    from khabar.cli.output import progress_bar

    progress = progress_bar(args)  # a bar on a terminal only, none with --quiet
    # The machine's speed drifts (10-30% on a shared VM): a fixed workload timed before and after says how fast it was.
    speed = [run([PY, "-c", SPEED], env=dict(os.environ), inner=True)["inner"]["seconds"]]
    runs = {n: bench(n, baselines=args.baselines, progress=progress) for n in args.docs or [100, 1000, 10000]}
    speed.append(run([PY, "-c", SPEED], env=dict(os.environ), inner=True)["inner"]["seconds"])
    summary = summarise(runs)
    summary["speed_index_cpu_seconds"] = {"before": speed[0], "after": speed[1]}
    machine = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(), "date": datetime.date.today().isoformat()}
    print(table(runs))
    print(json.dumps({k: v for k, v in summary.items() if k != "per_doc_seconds"}, indent=1, default=str))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine, "targets": TARGETS, "runs": runs, "summary": summary}, indent=1, default=str) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
