"""The findings of one imported document, located in the file it came from (a brat ``.ann``, an ``.xmi``), shared
by the importers; and the one check an import must make itself, that no two items share an id.

Khabar's annotation files link items by id. A brat file links them by its own ids and an XMI file by object, so
two items of one Khabar id there are still two; written as Khabar's files, whatever pointed at either would point
at both, and which one it meant is lost. ``khabar validate`` would only see the merged result, so the import
refuses it (``id-duplicate``), at the line of the second item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from khabar.core.findings import Finding, finding
from khabar.io.tokenize import tokenize
from khabar.schema.model import Document, SchemaError


class Problems:
    """The findings of one document, located in its source file ``shown``."""

    def __init__(self, shown: str, doc_id: str) -> None:
        self.shown, self.doc_id = shown, doc_id
        self.found: list[Finding] = []
        self._ids: dict[str, tuple[str, int]] = {}  # an item's id -> what the first item of that id is, and its line

    def add(self, check: str, message: str, line: int, path: str | None = None) -> None:
        self.found.append(finding(check, message, path=path or self.shown, line=line, document=self.doc_id))

    def build(self, make: Callable[[], Any], line: int, what: str) -> Any:
        """``make()``, an item of the model (``what`` names it in messages), or None with a finding at ``line`` when
        the model refuses it. An item that has the id of an earlier one is kept, with an ``id-duplicate`` finding."""
        item = self._make(make, line, what)
        key = getattr(item, "id", None)
        if isinstance(key, str):
            if key in self._ids:
                first, at = self._ids[key]
                self.add(
                    "id-duplicate",
                    f"{what} id {key!r} is already the id of the {first} at line {at}; expected each id once in a document, "
                    "across all layers (the links to either would be merged): give this one an id of its own",
                    line,
                )
            else:
                self._ids[key] = (what, line)
        return item

    def _make(self, make: Callable[[], Any], line: int, what: str, path: str | None = None) -> Any:
        try:
            return make()
        except SchemaError as exc:
            self.add(exc.check, f"{what}: {exc.message}", line, path)
            return None

    def document(self, *, text: str, meta: dict[str, Any], layers: dict[str, Any], meta_path: str | None = None) -> Document | None:
        """The imported document of ``text`` (tokenized here) with ``meta`` and its items by layer; None when any
        finding so far is an error (the items that failed are missing from ``layers``). The document's id is checked
        before, so the model can refuse only ``meta``'s values (a ``split`` or ``licence`` outside its table): that
        finding is at line 1 of ``meta_path``, the file they came from (the source file when there is none)."""
        if any(f.level == "error" for f in self.found):
            return None
        tokens, sentences = tokenize(text)
        parts: dict[str, Any] = {name: tuple(items) for name, items in layers.items()}
        return self._make(lambda: Document(id=self.doc_id, text=text, sentences=sentences, tokens=tokens, **meta, **parts), 1, "document", meta_path)
