"""The ``khabar`` command line: the parser of every command, and the dispatch to its handler.

Each command's handler is named ``"module.function"`` (a module of :mod:`khabar.cli`) and imported only when
the command runs: ``khabar --help`` and a command's own imports stay apart (measured: importing every command
module, and so the whole library with datasets, scipy and pyarrow, takes about 3 s; the parser alone, 0.3 s).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from khabar import __version__
from khabar.baselines import BASELINES
from khabar.cli.output import FORMATS, report
from khabar.core.findings import KhabarError, finding, visible
from khabar.export import EXPORTERS, IMPORTERS
from khabar.io.guards import MAX_RESAMPLES
from khabar.schema.labels import HELD_OUT, SPLITS, TEXT_LICENCES

_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")  # the Hub's characters for ids


def _repo_id(text: str) -> str:
    if not _REPO_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected ORG/NAME of letters, digits, '.', '_' or '-'; got {visible(text)!r}")
    return text


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    """The function ``module.function`` of :mod:`khabar.cli`, its module imported now (the one lazy import of the CLI)."""
    module, function = name.rsplit(".", 1)
    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f"khabar.cli.{module}"), function)
    return handler


def _resamples(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_RESAMPLES):
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_RESAMPLES}; got {visible(text)!r}")
    return int(text)


def _seed(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 20):
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0 (at most 20 digits); got {visible(text)!r}")
    return int(text)


def _resampling_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--resamples", type=_resamples, default=1000, help="bootstrap resamples and randomisation-test permutations (default: 1000)")
    p.add_argument("--seed", type=_seed, default=0, help="the seed of numpy's default_rng for the resampling (default: 0)")


def _global_options(p: argparse.ArgumentParser, *, default: object) -> None:
    """The options every command takes, before or after its name: on the top parser with their defaults, on each
    command's with ``argparse.SUPPRESS`` (so a value given before the command is not reset after it)."""
    p.add_argument("--version", action="version", version=f"khabar {__version__}")
    p.add_argument("--root", type=Path, default=default, help="the project folder (default: the current one)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="khabar",
        description="Khabar, a hand-annotated newswire benchmark: validate, build, score and maintain it.",
        epilog="Run `khabar COMMAND --help` for a command's options. --root and --version may come before or after the command.",
    )
    _global_options(top, default=Path("."))
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)  # after the command too; not given, --root keeps the top's value

    def add(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, parents=[common])
        p.set_defaults(handler=handler)
        return p

    p = add("validate", "commands.cmd_validate", "check every corpus and annotation file")
    p.add_argument("--report", type=Path, help="also write a self-contained HTML report into this folder (new, empty or an earlier report)")
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.add_argument("--release", action="store_true", help="apply the release rules (unreviewed annotations are errors)")
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster; for the pre-commit hook)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text: 'path:line: level[check-id] message' (default); github: GitHub Actions annotations, shown on the pull request's diff",
    )
    p = add("build", "build.cmd_build", "validate, then build the Hugging Face dataset folder")
    p.add_argument("--out", type=Path, help="output folder: new, empty or an earlier build (default: dist/khabar)")
    p.add_argument("--no-load", action="store_true", help="skip loading every config back at the end")
    p.add_argument("--no-baselines", action="store_true", help="leave the card's baseline scores out (the slowest step on large corpora)")
    p.add_argument("--timings", type=Path, help="write the seconds of each stage (read, checks, great_expectations, write_parquet, ...) to this JSON file")
    p.add_argument("--quiet", action="store_true", help="print only problems (no progress bar, no summary)")
    p = add("locate", "commands.cmd_locate", "print start/end of a string in a document, on token boundaries")
    p.add_argument("text")
    p.add_argument("--doc", help="document id (optional when the corpus has one document)")
    p.add_argument("--nth", type=int, default=1, help="which occurrence, counting from 1")
    p.add_argument("--after", type=int, default=0, help="search from this character offset")
    p = add("evaluate", "scores.cmd_evaluate", "score predictions (JSON Lines, documents schema) against the gold")
    p.add_argument("--gold", type=Path, help="a built dataset folder or a project folder (default: --root)")
    p.add_argument("--pred", type=Path, required=True, help="predictions, one JSON document a line")
    p.add_argument(
        "--split", choices=SPLITS, default=HELD_OUT, help=f"the split to score (default: {HELD_OUT}); a prediction for a document of another split is an error"
    )
    p.add_argument("--json", action="store_true", help="machine-readable results")
    _resampling_options(p)
    p = add("compare", "scores.cmd_compare", "compare two predictions files on the gold: differences, paired bootstrap intervals, p-values")
    p.add_argument("a", type=Path, metavar="A", help="the first predictions file (the baseline of the difference B - A)")
    p.add_argument("b", type=Path, metavar="B", help="the second predictions file")
    p.add_argument("--gold", type=Path, help="a built dataset folder or a project folder (default: --root)")
    p.add_argument("--split", choices=SPLITS, default=HELD_OUT, help=f"the split to score (default: {HELD_OUT})")
    p.add_argument("--json", action="store_true", help="machine-readable results")
    _resampling_options(p)
    p = add("agree", "scores.cmd_agree", "agreement of two annotation folders over the project's corpus")
    p.add_argument("a", type=Path, help="an annotation folder (e.g. annotations/passes/first)")
    p.add_argument("b", type=Path, help="another annotation folder (e.g. annotations/passes/second)")
    p.add_argument("--split", choices=SPLITS, help="only this split (default: every split, the held-out test split first)")
    p.add_argument("--json", action="store_true", help='{"splits": [{"split", "documents", "pooled", "per_document"}, ...]}')
    p = add("format", "workflow.cmd_format", "rewrite annotation files in the canonical layout (one annotation a line)")
    p.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    p = add("new", "workflow.cmd_new", "add a document to corpus/ with an empty annotation file")
    p.add_argument("doc_id")
    p.add_argument("--text", type=Path, required=True, help="a UTF-8 text file")
    p.add_argument("--split", required=True, choices=SPLITS, help="the document's split: dev (where the guidelines are settled) or test (held out)")
    p.add_argument("--licence", required=True, choices=list(TEXT_LICENCES), help="the text's licence (khabar.schema.labels.TEXT_LICENCES)")
    p.add_argument("--attribution", default=None, help="the credit line the licence asks for, e.g. 'Wikinews contributors'")
    p.add_argument("--provenance", default=None, help="where else the text is published, e.g. 'also in GUM as GUM_news_afghan, split train'")
    for key in ("title", "source", "url", "published"):
        p.add_argument(f"--{key}", default=None, help="null when the text does not state it: never guess")
    p.add_argument("--language", default="en")
    p.add_argument("--preannotate", action="store_true", help="propose name mentions with a spaCy pipeline, marked unreviewed")
    p.add_argument("--model", default="en_core_web_sm", help="the spaCy pipeline for --preannotate (name or path)")
    p = add("release", "workflow.cmd_release", "bump the version, open the CHANGELOG section, rebuild and tag")
    p.add_argument("--bump", choices=("patch", "minor", "major"), required=True)
    p.add_argument("--out", type=Path, help="build folder (default: dist/khabar)")
    p = add("baseline", "benchmark.cmd_baseline", "run a baseline system on the gold texts and write its predictions (JSON Lines)")
    p.add_argument("name", choices=sorted(BASELINES), help="; ".join(f"{n}: {d}" for n, (_, d, _) in sorted(BASELINES.items())))
    p.add_argument("--out", type=Path, required=True, help="the predictions file to write: new, empty or an earlier baseline's")
    p.add_argument("--gold", type=Path, help="a built dataset folder or a project folder whose texts to read (default: --root)")
    p.add_argument("--model", help="spacy-ner only: a spaCy pipeline name or folder (default: en_core_web_sm)")
    p.add_argument("--split", choices=SPLITS, default=HELD_OUT, help=f"the documents of this split (default: {HELD_OUT}, as `khabar evaluate`)")
    p = add("publish", "release.cmd_publish", "check a built dataset folder and upload it to the Hugging Face Hub, tagged v<version>")
    p.add_argument("--repo-id", type=_repo_id, required=True, help="the dataset repo, ORG/NAME")
    p.add_argument("--dir", type=Path, help="the built folder (default: dist/khabar)")
    p.add_argument("--dry-run", action="store_true", help="check and list what would be uploaded and the tag; touch no network")
    p = add("stats", "commands.cmd_stats", "counts per layer and type, per split and in total")
    p.add_argument("--json", action="store_true", help='{"total": figures, "splits": {split: figures}}')
    p.add_argument("--split", choices=SPLITS, help="only the documents of this split")
    p.add_argument("--sentences", action="store_true", help="list every sentence (document, index, offsets, text): the indices relation evidence uses")
    p.add_argument("--doc", help="only this document (an unknown id is an error)")
    p = add("render", "commands.cmd_render", "validate, then write one document's self-contained HTML review page")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--out", type=Path, required=True, help="the HTML file to write: new, empty or an earlier review page")
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster)")
    p = add("diff", "commands.cmd_diff", "what changed between two versions of the annotations (folders or git revisions)")
    p.add_argument("old", metavar="A", help="project folder, annotation folder or git revision (e.g. HEAD~1)")
    p.add_argument("new", metavar="B", help="the same, for the newer side")
    p = add("export", "commands.cmd_export", "validate, then write the corpus (or, --from, a built folder) in another format (docs/formats.md)")
    p.add_argument("--format", choices=list(EXPORTERS), required=True)
    p.add_argument("--out", type=Path, required=True, help="the folder to write: new, empty or an earlier export (replaced whole once the export is complete)")
    p.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        metavar="DIR",
        help="export a built dataset folder (khabar build, or a download) instead of the project: its manifest.json is checked first; no project needed",
    )
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster; not used with --from)")
    p = add("import", "commands.cmd_import", "read annotations in another format into annotation files (docs/formats.md)")
    p.add_argument("format", choices=list(IMPORTERS))
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument("--out", type=Path, help="the annotation folder to write (default: the project's annotations/)")
    p.add_argument("--force", action="store_true", help="overwrite existing annotation files")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _handler(args.handler)(args)
    except KhabarError as exc:
        return report(exc.findings)
    except BrokenPipeError:  # `khabar ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path the command was given that cannot be read or written: --out, --report...
        where = str(exc.filename) if exc.filename is not None else None
        return report(
            [
                finding(
                    "io-error",
                    f"expected a path this command can use; found the operating system refusing it: {exc.strerror or exc} "
                    "(check the path, that its parent folder exists and that it may be written)",
                    path=where,
                )
            ]
        )
