"""``python -m cashier``: the same as the ``cashier`` command."""

import sys

from cashier.cli import main

sys.exit(main())
