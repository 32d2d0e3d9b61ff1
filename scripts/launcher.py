"""The frozen program's entry point (build.spec): the same as the `assist-desktop` command."""

import sys

from assist_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
