"""The HTML report of a validation run: ``khabar validate --report DIR``.

One self-contained page, ``DIR/index.html``: inline CSS, no script, no external
font, image or style sheet, so it opens offline and can be kept as a CI
artefact. It shows a pass/fail row for every check id in the catalogue (group,
level, number of findings), then every finding with its location, level and
message and, where the finding has a file and line, that line of the file.
Every piece of text is HTML-escaped, after the control characters, line
separators and bidirectional overrides are made visible as in the terminal
(:func:`khabar.core.findings.visible`: ``\\n``, ``\\x1b``, ``\\u202e``). The output
depends only on the corpus and the findings (no timestamps, no absolute
paths), so two runs give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from pathlib import Path

from khabar import __version__
from khabar.core.findings import Finding, registry, visible
from khabar.io.atomic import replacing
from khabar.io.guards import MAX_YAML_BYTES, read_guarded
from khabar.io.outputs import REPORT
from khabar.io.project import Corpus

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; }
pre { margin: 0; padding: .3em .6em; background: #f7f7f7; border-left: 3px solid #c62828; white-space: pre-wrap; }
.status { font-weight: 600; border-radius: 3px; padding: 0 .45em; color: #fff; }
tr.pass .status, .verdict.pass { background: #2e7d32; }
tr.fail .status, .verdict.fail { background: #c62828; }
tr.fail td { background: #fff3f3; }
.verdict { display: inline-block; color: #fff; padding: .3em .8em; border-radius: 4px; font-weight: 600; }
.level-error { color: #c62828; font-weight: 600; }
.level-warning { color: #a15c00; font-weight: 600; }
.muted { color: #666; }
"""


def write_report(*, corpus: Corpus, findings: Sequence[Finding], out: Path, project: Path | None = None) -> Path:
    """Write the folder ``out`` (``index.html`` and the marker listing it) for ``findings`` on ``corpus``;
    return the page's path. ``out`` is replaced whole, and only when it is new, empty or an earlier
    report (:data:`khabar.io.outputs.REPORT`; ``project``, the project's root, never)."""
    with replacing(out, output=REPORT, project=project) as stage:
        (stage / "index.html").write_text(render_report(corpus=corpus, findings=findings), encoding="utf-8", newline="\n")
    return out / "index.html"


def render_report(*, corpus: Corpus, findings: Sequence[Finding]) -> str:
    """The report page as a string."""
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    verdict = "fail" if errors else "pass"
    title = f"{'FAILED' if errors else 'ok'}: {errors} error(s), {warnings} warning(s); {len(corpus.documents)} document(s) checked"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Khabar validation report</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<h1>Khabar validation report</h1>",
            f'<p class="muted">khabar {_e(__version__)}</p>',
            f'<p class="verdict {verdict}">{_e(title)}</p>',
            "<h2>Checks</h2>",
            _checks_table(findings),
            f"<h2>Findings ({len(findings)})</h2>",
            _findings_table(corpus, findings),
            "</body>",
            "</html>",
            "",
        ]
    )


def _e(value: object) -> str:
    return escape(visible(value), quote=True)


def _anchor(check: str) -> str:
    return "check-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in check)


def _checks_table(findings: Sequence[Finding]) -> str:
    counts = Counter(f.check for f in findings)
    rows = [(spec.id, spec.group, spec.level, spec.summary) for spec in registry().values()]
    known = {row[0] for row in rows}
    for f in findings:  # a finding of an uncatalogued id is still shown, never dropped
        if f.check not in known:
            known.add(f.check)
            rows.append((f.check, "(not catalogued)", f.level, ""))
    out = [
        '<table class="checks">',
        "<thead><tr><th>Status</th><th>Check</th><th>Group</th><th>Level</th><th>Findings</th><th>What it guards</th></tr></thead>",
        "<tbody>",
    ]
    for check, group, level, summary in rows:
        status = "fail" if counts[check] else "pass"
        out.append(
            f'<tr class="{status}" id="{_e(_anchor(check))}" data-check="{_e(check)}">'
            f'<td><span class="status">{"failed" if counts[check] else "passed"}</span></td>'
            f"<td><code>{_e(check)}</code></td><td>{_e(group)}</td>"
            f'<td class="level-{_e(level)}">{_e(level)}</td><td class="count">{counts[check]}</td><td>{_e(summary)}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _findings_table(corpus: Corpus, findings: Sequence[Finding]) -> str:
    if not findings:
        return '<p class="muted">No findings.</p>'
    lines = _LineCache(corpus.root)
    out = [
        '<table class="findings">',
        "<thead><tr><th>Level</th><th>Check</th><th>Location</th><th>Document</th><th>Annotation</th><th>Message</th></tr></thead>",
        "<tbody>",
    ]
    for number, f in enumerate(findings, start=1):
        path, line = _location(corpus, f)
        where = path or "<corpus>"
        if line is not None:
            where = f"{where}:{line}"
        out.append(
            f'<tr id="finding-{number}"><td class="level-{_e(f.level)}">{_e(f.level)}</td>'
            f'<td><a href="#{_e(_anchor(f.check))}"><code>{_e(f.check)}</code></a></td>'
            f"<td><code>{_e(where)}</code></td><td>{_e(f.document or '')}</td><td>{_e(f.annotation or '')}</td>"
            f"<td>{_e(f.message)}</td></tr>"
        )
        text = lines.get(path, line) if path is not None and line is not None else None
        if text is not None:
            out.append(f'<tr class="source"><td></td><td colspan="5"><pre><code>{_e(f"{line:>5} | {text}")}</code></pre></td></tr>')
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _location(corpus: Corpus, f: Finding) -> tuple[str | None, int | None]:
    """The finding's path and line; unlocated findings with a known annotation get its line."""
    if f.path is not None or f.document is None:
        return f.path, f.line
    source = corpus.sources.get(f.document)
    if source is not None and f.annotation is not None and f.annotation in source.lines:
        return source.annotation_path, source.lines[f.annotation]
    return None, None


class _LineCache:
    """Lines of files under ``root``, read once each; files outside ``root`` are never read."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.files:
            self.files[path] = self._read(path)
        lines = self.files[path]
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1].rstrip("\r")

    def _read(self, path: str) -> list[str] | None:
        data, _ = read_guarded(self.root / path, shown=path, limit=MAX_YAML_BYTES, within=(self.root,))  # its findings are in the report already
        if data is None:  # a FIFO, a link out of the project, a file over the cap: no excerpt
            return None
        # errors="replace": a file-encoding finding points into a file that is not UTF-8.
        return data.decode("utf-8", errors="replace").split("\n")
