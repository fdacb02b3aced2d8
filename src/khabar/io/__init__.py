"""Reading and writing the corpus and annotation files."""

from khabar.io.annotation_write import render_annotations
from khabar.io.corpus_files import render_corpus_file
from khabar.io.project import Corpus, Paths, load_project

__all__ = ["Corpus", "Paths", "load_project", "render_annotations", "render_corpus_file"]
