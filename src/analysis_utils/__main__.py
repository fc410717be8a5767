"""Entry point for ``python -m analysis_utils``."""

import sys

from analysis_utils.cli import main

if __name__ == "__main__":
    sys.exit(main())
