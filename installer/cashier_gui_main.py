"""Entry point of ``cashier-gui.exe`` (Windows): opens the terminal window without a console.

``cashier-gui.exe --demo`` is ``cashier gui --demo``; the Start-menu shortcut runs it.
"""

import multiprocessing
import sys

from cashier.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main(["gui", *sys.argv[1:]]))
