"""The Qt terminal: the only package that imports PySide6.

- ``launch`` / ``app``: start the application and assemble a ``Terminal`` (client or demo
  simulator, journal, payment engine, scanners, printer spooler, windows) and take it down;
  ``single_instance`` (one terminal per journal), ``collector`` (garbage collection on the GUI
  thread), ``window_check`` (``cashier gui --demo --self-check``).
- ``bridge``: the one way core work runs off the GUI thread, and core events become signals.
- ``main_window`` (sale screen), ``keypad`` (amount entry), ``banners``, ``customer_display``,
  ``qrwidget``, ``history``, ``report_window``, ``settings_dialog``, ``first_run``,
  ``operator_admin``, ``pin_dialog``, ``signin`` (who is selling), ``questions``, ``demo`` (demo
  mode's customer).
- ``wedge_filter``: keyboard-wedge scans recognised wherever the focus is.
- ``i18n``, ``labels``, ``fonts``, ``style``: the interface language, translated names of core
  values, whether Chinese can be drawn, the one visual style; ``slots`` for self-deleting dialogs;
  ``screenshots`` for the README.
- Qt-free helpers used by the windows: ``sale_controller`` / ``engine_controller`` (the seam to
  the payment engine). Operators and their PINs are ``cashier.operators`` (the commands use
  them too).
"""
