"""What a command may replace at a path it is given, and the proof that Khabar wrote it.

Every command that writes a folder or a file at a user-given path replaces only
a path that is new, an empty folder or an empty file, or an output of the same
kind that Khabar itself wrote, as its mark proves:

* a build (``khabar build --out``, ``khabar release --out``): ``manifest.json``
  with ``"name": "khabar"`` and a ``files`` mapping, and nothing in the folder
  but the manifest, the files it lists (each with the sha256 it states) and
  the folders that hold them;
* an export and a report (``khabar export --out``, ``khabar validate
  --report``): the same, with :data:`MARKER` (``.khabar-output.json``, whose
  ``output`` names the kind) in place of the manifest; a report folder of an
  earlier Khabar, with only its ``index.html``, is recognised by the page's title;
* a review page (``khabar render --out``): the page's ``<title>khabar review: ``;
* a predictions file (``khabar baseline --out``): every line carries
  :data:`BASELINE_KEY`;
* a timings file (``khabar build --timings``): one JSON object of stage -> seconds.

Anything else, and wherever it lies the project's root, a folder containing
it, a filesystem root, a mount point or the home folder (or a folder
containing it), is refused with one ``out-refused`` finding per problem, and
nothing is touched. :mod:`khabar.io.proofs` holds the proofs, :mod:`khabar.io.atomic` does the writing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from khabar.core.findings import Finding, KhabarError, finding
from khabar.io.proofs import MARKER, MAX_SHOWN, Problem, legacy_report, prove_build, prove_marked, prove_page, prove_predictions, prove_timings


@dataclass(frozen=True, slots=True)
class Output:
    """A kind of output: who writes it, what may be replaced, and how Khabar proves it wrote a path."""

    kind: str  # "build", "export", ...: a marker's `output`
    option: str  # the command and option that name the path, for messages
    expects: str  # what the path may be, for messages
    folder: bool  # a folder (else one file)
    stage: str  # the staging folder's word: ".<name>.<stage>-XXXX"
    prove: Callable[[Path], list[Problem]]  # what in an existing path Khabar did not write ([] = proven)
    marker: bool = False  # write MARKER into the folder (exports and reports)


_REMEDY = "choose another path, or move what is there away yourself"
BUILD = Output(
    "build",
    "khabar build --out",
    "a new or empty folder, or a dataset folder a Khabar build wrote (its manifest.json lists every file in it)",
    True,
    "building",
    prove_build,
)
RELEASE = replace(BUILD, option="khabar release --out")  # a release builds: the same folder, named by its own option
EXPORT = Output(
    "export",
    "khabar export --out",
    f"a new or empty folder, or one `khabar export` wrote (its {MARKER} lists every file in it)",
    True,
    "exporting",
    prove_marked("export"),
    marker=True,
)
REPORT = Output(
    "report",
    "khabar validate --report",
    f"a new or empty folder, or one `khabar validate --report` wrote (its {MARKER} lists every file in it)",
    True,
    "reporting",
    prove_marked("report", legacy=legacy_report),
    marker=True,
)
PAGE = Output("page", "khabar render --out", "a new or empty file, or a review page `khabar render` wrote", False, "rendering", prove_page)
PREDICTIONS = Output(
    "predictions", "khabar baseline --out", "a new or empty file, or predictions a Khabar baseline wrote", False, "predicting", prove_predictions
)
TIMINGS = Output("timings", "khabar build --timings", "a new or empty file, or timings `khabar build --timings` wrote", False, "timing", prove_timings)


def _places(target: Path, *, project: Path | None, source: str = "the project") -> list[str]:
    """Why ``target`` may never be replaced whatever it holds: a filesystem root or mount point, the
    project's root (``source`` names it) or a folder containing it, the home folder or a folder containing it."""
    found = []
    if target.parent == target:
        found.append("a filesystem root")
    elif os.path.ismount(target):
        found.append("a mount point (a rename cannot replace it)")
    for name, place in ((source, project), ("your home folder", _home())):
        if place is None:
            continue
        place = place.resolve()
        if place == target:
            found.append(f"{name}'s root" if name == "the project" else name)
        elif place.is_relative_to(target):
            found.append(f"a folder that contains {name} ({place})")
    return found


def _home() -> Path | None:
    try:
        return Path.home()
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None


def refusals(*, out: Path, output: Output, project: Path | None = None, source: str = "the project") -> list[Finding]:
    """Every reason not to replace ``out`` with ``output`` (``project``: the folder read from, which ``source``
    names: the project's root, or a built folder); [] when it may be."""
    expected = f"expected `{output.option} {out}` to name {output.expects}"

    def refuse(rel: str, found: str) -> Finding:
        shown = str(out / rel) if rel else str(out)
        return finding("out-refused", f"{expected}; found {found}; nothing was touched ({_REMEDY})", path=shown, line=None if output.folder and not rel else 1)

    try:
        target = out.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        return [refuse("", f"a path that cannot be resolved ({exc})")]
    if places := _places(target, project=project, source=source):
        return [refuse("", place) for place in places]
    try:
        info = os.stat(target)
    except OSError:  # nothing there, or a path the system refuses (under a file, not searchable): writing it is an io-error
        return []
    if output.folder and not stat.S_ISDIR(info.st_mode):
        return [refuse("", "a file, not a folder")]
    if not output.folder:
        if stat.S_ISDIR(info.st_mode):
            return [refuse("", "a folder, not a file")]
        if not stat.S_ISREG(info.st_mode):
            return [refuse("", "something that is not a regular file")]
        if info.st_size == 0:
            return []
    try:
        problems = output.prove(target)
    except OSError as exc:
        problems = [("", f"a path Khabar cannot read ({exc.strerror or exc})")]
    found = [refuse(rel, what) for rel, what in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        found.append(refuse("", f"more than {MAX_SHOWN} such entries (the first {MAX_SHOWN} are listed above)"))
    return found


def check_out(*, out: Path, output: Output, project: Path | None = None, source: str = "the project") -> None:
    """Raise :class:`KhabarError` with every ``out-refused`` finding when ``out`` may not be replaced."""
    if found := refusals(out=out, output=output, project=project, source=source):
        raise KhabarError(found)
