"""Workflow checks: tool-proposed annotations must be reviewed before a release."""

from __future__ import annotations

from collections.abc import Iterator

from khabar.core.findings import Finding
from khabar.io.layers import LAYERS
from khabar.io.project import Corpus


def check_unreviewed(corpus: Corpus) -> Iterator[Finding]:
    """A warning per unreviewed annotation (``validate(release=True)`` makes it an error)."""
    for doc in corpus.documents:
        source = corpus.sources[doc.id]
        ids = {item.id for layer in LAYERS for item in getattr(doc, layer)}
        for ann in source.unreviewed:
            if ann not in ids:
                found = corpus.locate(
                    "unreviewed-unknown", f"`unreviewed` lists {ann!r}, which is no annotation of this file; remove it from the list", document=doc.id
                )
                yield found.at(path=source.annotation_path, line=source.unreviewed_line)
                continue
            yield corpus.locate(
                "unreviewed-annotation",
                f"{ann} was proposed by a tool and is not reviewed; check it against the guidelines, then remove its id from `unreviewed`",
                document=doc.id,
                annotation=ann,
            )


CHECKS = (check_unreviewed,)
