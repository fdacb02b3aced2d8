"""Layer 11, the command line: thin functions over the library's keyword-only functions. The only layer
that prints. May import: every layer.
"""

from khabar.cli.main import main

__all__ = ["main"]
