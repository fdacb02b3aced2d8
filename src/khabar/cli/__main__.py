"""``python -m khabar.cli``: the ``khabar`` command."""

import sys

from khabar.cli.main import main

sys.exit(main(sys.argv[1:]))
