"""Entry point of the frozen program: the same ``cashier`` command as the installed script."""

import multiprocessing
import sys

from cashier.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
