"""Layer 3, io: reading the project's files into the model (corpus and annotation files, the tokenizer that
gives a text its tokens and sentences, the release files, a built folder's manifest, an earlier git revision)
under the guards against hostile input, and writing outputs safely (only over what Khabar wrote, swapped in
atomically). May import: ``schema``, ``core``.
"""

from khabar.io.annotation_write import render_annotations
from khabar.io.corpus_files import render_corpus_file
from khabar.io.project import Corpus, Paths, load_project

__all__ = ["Corpus", "Paths", "load_project", "render_annotations", "render_corpus_file"]
