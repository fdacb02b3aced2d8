"""Safe YAML loading that remembers the line of every mapping, item and key, within limits.

PyYAML's parser gives events with marks; :func:`load_yaml` builds plain Python
values from them, resolving and constructing scalars as PyYAML's safe loader
does, with mappings and sequences as :class:`LDict` / :class:`LList`, which
carry 1-based line numbers. Building from the events (not from PyYAML's node
graph) lets every guard act where the problem is, before any cost grows
(:mod:`khabar.io.guards` has the caps):

* an anchor or alias is refused at its line (``yaml-alias``): no file Khabar
  reads needs one, and nine anchors of nine aliases each expand to 387 million values;
* a collection nested deeper than :data:`~khabar.io.guards.MAX_DEPTH` is
  refused at its line and skipped (``yaml-too-deep``); so is libyaml's own limit (1,000);
* an integer longer than :data:`~khabar.io.guards.MAX_INT_DIGITS` is refused
  before Python converts it (``yaml-int-too-long``);
* a character YAML refuses (a NUL byte, say) is reported at its own line, and a
  scalar that YAML types but cannot construct (``2021-13-45``) at its line.

Every problem of the file is collected; the file's value is not returned when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, ScalarNode, SequenceEndEvent, SequenceStartEvent, StreamEndEvent
from yaml.reader import Reader

from khabar.core.findings import Finding, finding
from khabar.io.guards import MAX_DEPTH, MAX_INT_DIGITS

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_DROPPED = object()  # the pending key of a mapping whose key was refused
_REFUSED = object()  # a value refused by a guard (reported): None in its collection, and no key
_TOO_DEEP = (
    f"expected at most {MAX_DEPTH} levels of nested mappings and lists (annotation files need 5); found more, "
    "which Khabar does not read (flatten the structure: see docs/checks.md)"
)


class LDict(dict):
    """A mapping with ``line`` (its first line) and ``key_lines`` (line per key)."""

    __slots__ = ("line", "key_lines")  # no instance dict: a file has hundreds of these
    line: int
    key_lines: dict[str, int]


class LList(list):
    """A sequence with ``line`` and ``item_lines`` (line per item)."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: list[int]


@dataclass(frozen=True, slots=True)
class YamlProblem:
    check: str  # yaml-syntax, yaml-alias, yaml-too-deep or yaml-int-too-long
    line: int
    problem: str
    context: tuple[str, int] | None = None  # a syntax error's: what the parser was reading, and the line it began

    @property
    def message(self) -> str:
        return self.moved(0)

    def moved(self, offset: int) -> str:
        """The message, its context's line moved by ``offset`` as the problem's own line is (:func:`yaml_findings`)."""
        if self.context is None:
            return self.problem
        reading, began = self.context
        return f"{self.problem} ({reading} that starts at line {began + offset})"


class YamlSyntaxError(ValueError):
    """Every problem of a YAML text (``problems``, in the order met, at least one); ``check``, ``line`` and ``message`` are the first's."""

    def __init__(self, problems: tuple[YamlProblem, ...]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems
        self.check, self.line, self.message = problems[0].check, problems[0].line, problems[0].message


def yaml_findings(exc: YamlSyntaxError, *, path: str, offset: int = 0, hint: str = "") -> list[Finding]:
    """One finding per problem of ``exc``, its line moved by ``offset`` (a front matter's lines
    follow a ``---`` line); ``hint`` ends the message of each ``yaml-syntax`` finding."""
    return [finding(p.check, p.moved(offset) + (hint if p.check == "yaml-syntax" else ""), path=path, line=p.line + offset) for p in exc.problems]


def _line(event: Any) -> int:
    return event.start_mark.line + 1


class _Builder:
    """Values of one document from the parser's events, collecting :class:`YamlProblem`\\ s."""

    def __init__(self, loader: Any, text: str) -> None:
        self.loader, self.text = loader, text
        self.problems: list[YamlProblem] = []

    def refuse(self, check: str, line: int, message: str) -> None:
        self.problems.append(YamlProblem(check, line, message))

    def anchor(self, event: Any) -> None:
        """``yaml-alias`` at the event's line: one finding a line, naming the first anchor or alias there."""
        if self.problems and self.problems[-1].check == "yaml-alias" and self.problems[-1].line == _line(event):
            return
        kind = "an alias `*" if type(event) is AliasEvent else "an anchor `&"
        self.refuse(
            "yaml-alias",
            _line(event),
            f"expected no YAML anchors or aliases (no Khabar file needs them, and aliases can "
            f"multiply a small file into billions of values); found {kind}{event.anchor}` (write the value out in full)",
        )

    def scalar(self, event: ScalarEvent) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, value, event.implicit)
        if tag == _STR:
            return value
        if tag == _INT and len(value.lstrip("+-")) > MAX_INT_DIGITS:
            self.refuse(
                "yaml-int-too-long",
                _line(event),
                f"expected an integer of at most {MAX_INT_DIGITS} digits (offsets and indices "
                f"need 7); found one written with {len(value):,} characters, which Khabar does not read (check the number)",
            )
            return _REFUSED
        try:
            # The stubs type a node's marks as yaml.error.Mark alone; libyaml's events carry yaml._yaml.Mark, which serve as well.
            return self.loader.construct_object(ScalarNode(tag, value, event.start_mark, event.end_mark, event.style), deep=True)  # type: ignore[arg-type]
        except yaml.MarkedYAMLError as exc:  # an unknown tag
            self.problems.append(_error(exc, self.text))
        except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:  # '2021-13-45' is a date to YAML
            self.refuse("yaml-syntax", _line(event), f"cannot read {value[:80]!r} as YAML's {tag.rsplit(':', 1)[-1]} ({exc}); quote it to keep it as text")
        return _REFUSED

    def skip(self) -> None:
        """Past the end of the collection just started, building nothing."""
        depth = 1
        while depth:
            kind = type(self.loader.get_event())
            depth += (kind is MappingStartEvent or kind is SequenceStartEvent) - (kind is MappingEndEvent or kind is SequenceEndEvent)

    def document(self) -> Any:
        """The value of the document whose start event was just read."""
        get = self.loader.get_event
        frames: list[list[Any]] = []  # per open collection: [LDict or LList, the pending key (None: a key is due)]
        while True:
            event = get()
            kind = type(event)
            line = _line(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                value = frames.pop()[0]
                line = value.line
            elif kind is ScalarEvent or kind is AliasEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:
                    self.anchor(event)
                if kind is ScalarEvent:
                    value = self.scalar(event)
                elif kind is AliasEvent:
                    value = _REFUSED
                elif len(frames) >= MAX_DEPTH:
                    self.refuse("yaml-too-deep", line, _TOO_DEEP)
                    self.skip()
                    value = _REFUSED
                else:
                    value = LDict() if kind is MappingStartEvent else LList()
                    value.line = line
                    if isinstance(value, LDict):  # kind is MappingStartEvent
                        value.key_lines = {}
                    else:
                        value.item_lines = []
                    frames.append([value, None])
                    continue
            else:  # pragma: no cover - the parser gives no other event inside a document
                raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)
            if not frames:
                return None if value is _REFUSED else value
            frame = frames[-1]
            into = frame[0]
            if type(into) is LList:
                into.append(None if value is _REFUSED else value)
                into.item_lines.append(line)
            elif frame[1] is None:
                if isinstance(value, str) and value not in into:
                    frame[1] = value
                    into.key_lines[value] = line
                elif value is _REFUSED:
                    frame[1] = _DROPPED
                else:  # its value is read, and dropped
                    self.refuse("yaml-syntax", line, f"keys must be unique strings; found {'repeated ' if isinstance(value, str) else ''}key {value!r:.80}")
                    frame[1] = _DROPPED
            else:
                if frame[1] is not _DROPPED:
                    into[frame[1]] = None if value is _REFUSED else value
                frame[1] = None


def _document(loader: Any, builder: _Builder) -> Any:
    """The single document of the stream (None for an empty one), as :meth:`yaml.Loader.get_single_node` reads it."""
    loader.get_event()  # the stream's start
    if loader.check_event(StreamEndEvent):
        return None
    loader.get_event()  # the document's start
    value = builder.document()
    loader.get_event()  # the document's end
    if not loader.check_event(StreamEndEvent):
        event = loader.get_event()
        raise yaml.composer.ComposerError(None, None, "expected one YAML document; found a second, started here (keep one document a file)", event.start_mark)
    return value


def _error(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """PyYAML's error as a problem at its line."""
    if isinstance(exc, yaml.reader.ReaderError):  # its position counts bytes or characters, depending on the loader
        bad = Reader.NON_PRINTABLE.search(text)
        at = bad.start() if bad is not None else 0
        code = f"U+{ord(text[at]):04X}" if bad is not None else "a character"
        return YamlProblem(
            "yaml-syntax",
            text.count("\n", 0, at) + 1,
            f"expected printable characters only; found {code} at column "
            f"{at - text.rfind(chr(10), 0, at)}, which YAML does not allow: delete it, or write it as an escape in a double-quoted string",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None)
    if problem is not None and "maximum nesting depth" in problem:  # libyaml's own limit, met before ours on one long line
        return YamlProblem("yaml-too-deep", line, _TOO_DEEP)
    context, began = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if problem is not None and context is not None and began is not None:  # what the parser was reading, and where it began
        return YamlProblem("yaml-syntax", line, problem.strip(), (context, began.line + 1))
    return YamlProblem("yaml-syntax", line, f"{problem or exc}".strip())


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise :class:`YamlSyntaxError` with every problem, each at its line."""
    loader = _Loader(text)
    builder = _Builder(loader, text)
    try:
        value = _document(loader, builder)
    except yaml.YAMLError as exc:  # the parser stops here; what the builder refused of the structure so far may be its echo
        guards = tuple(p for p in builder.problems if p.check != "yaml-syntax")
        error = _error(exc, text)
        if error.check in {p.check for p in guards}:  # libyaml's nesting limit, met while skipping what was already too deep
            raise YamlSyntaxError(guards) from None
        raise YamlSyntaxError((*guards, error)) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise YamlSyntaxError(tuple(builder.problems))
    return value


def plain(value: Any) -> Any:
    """``value`` with every :class:`LDict` and :class:`LList` in it made a plain dict and list (which
    ``yaml.safe_dump`` writes: it refuses subclasses)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def line_of(container: Any, key: str | int, default: int) -> int:
    """The line of ``container[key]`` where known, else ``default``."""
    if isinstance(container, LDict) and isinstance(key, str):
        return container.key_lines.get(key, default)
    if isinstance(container, LList) and isinstance(key, int) and 0 <= key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default)
