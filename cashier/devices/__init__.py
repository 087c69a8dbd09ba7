"""Counter hardware at the edge of the app. No Qt here; callbacks run on device threads.

- ``scanner``: serial / USB-CDC scanners (``SerialScanner``), found again after replugging;
- ``wedge``: keyboard-wedge burst detection the UI feeds key presses to (``WedgeDetector``);
- ``receipt``: receipts and X/Z reports as ESC/POS bytes (``render_receipt``, ``render_report``);
- ``printer``: one job in one write through python-escpos (``ReceiptPrinter``, ``PrintError``);
- ``spooler``: the print queue that keeps failed jobs for reprint (``PrintSpooler``).
"""
