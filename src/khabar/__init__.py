"""Khabar: a hand-annotated newswire benchmark packaged as a Hugging Face dataset.

Data flows one way: files (``khabar.io``) -> model (``khabar.schema``) ->
checks (``khabar.checks``) -> views (``khabar.views``) -> outputs
(``khabar.dataset.build``, ``khabar.export``). Only ``khabar.cli`` prints.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("khabar")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
