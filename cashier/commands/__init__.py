"""Subcommands of the ``cashier`` command, one module per area, each with ``register``.

Every command ends through ``outcome`` (exit codes, ``CommandError``, the ``--json`` result);
the payment and record commands share ``common`` (settings, the running core, sale lines).
"""
