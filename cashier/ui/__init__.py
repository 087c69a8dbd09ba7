"""The Qt terminal: the only package that imports PySide6.

- ``launch`` / ``app``: start the application and assemble a ``Terminal`` (client or demo
  simulator, journal, payment engine, scanners, printer spooler, windows) and take it down.
- ``bridge``: the one way core work runs off the GUI thread, and core events become signals.
- ``main_window`` (sale screen), ``keypad`` (amount entry), ``customer_display``,
  ``qrwidget``, ``history``, ``report_window``, ``settings_dialog``, ``pin_dialog``.
- ``wedge_filter``: keyboard-wedge scans recognised wherever the focus is.
- ``i18n`` and ``labels``: the interface language and translated names of core values.
- Qt-free helpers used by the windows: ``sale_controller`` / ``engine_controller`` (the seam to
  the payment engine), ``operators`` (PIN-hashed operators), ``receipts`` (journal rows to the
  devices' receipt and report models).
"""
