"""``python -m utils.runner``: the course runner (see utils/runner/run.py)."""

import sys

from utils.runner.run import main

sys.exit(main())
