"""Subcommands of the ``cashier`` command, one module per area."""
