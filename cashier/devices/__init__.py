"""Counter hardware at the edge of the app. No Qt here; callbacks run on device threads.

- ``scanner``: serial / USB-CDC scanners (``SerialScanner``), found again after replugging;
- ``wedge``: keyboard-wedge burst detection the UI feeds key presses to (``WedgeDetector``);
- ``receipt``: receipts and X/Z reports as ESC/POS bytes (``render_receipt``, ``render_report``),
  measured with ``printed_text`` (encodings, printer columns) in the words of ``receipt_text``;
- ``printer``: one job in one write through python-escpos (``ReceiptPrinter``, ``PrintError``);
- ``spooler``: the print queue that keeps failed jobs for reprint (``PrintSpooler``).
"""

import importlib.resources as _resources
import json as _json
import os as _os
import pickle as _pickle
import platform as _platform
import tempfile as _tempfile

from platformdirs import user_cache_dir as _user_cache_dir


def _cache_escpos_capabilities() -> None:
    """Give python-escpos a lasting, ready cache of its printer-capabilities database.

    Without ``ESCPOS_CAPABILITIES_PICKLE_DIR`` it makes a new temporary directory on every import
    (leaking one per process) and parses its database as YAML again (about half a second), which
    every ``cashier`` command and the GUI's start-up would pay. And when it does build its cache it
    creates the file first and fills it half a second later, so a second process starting then
    would read an empty file and crash. So the cache is written here, atomically, from the same
    file read as JSON (it is JSON; ``yaml.safe_load`` gives the same object), before any module of
    this package imports escpos.
    """
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in _os.environ:
        return
    cache_dir = _os.path.join(_user_cache_dir("cashier", appauthor=False), "escpos")
    pickle_path = _os.path.join(
        cache_dir, f"{_platform.python_version()}.capabilities.pickle"
    )
    try:
        source = _resources.files("escpos") / "capabilities.json"
        with _resources.as_file(source) as source_path:
            fresh = _os.path.exists(pickle_path) and _os.path.getmtime(
                pickle_path
            ) >= _os.path.getmtime(source_path)
            if not fresh:
                _os.makedirs(cache_dir, exist_ok=True)
                capabilities = _json.loads(source_path.read_text(encoding="utf-8"))
                fd, tmp_path = _tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
                with _os.fdopen(fd, "wb") as out:
                    _pickle.dump(capabilities, out, protocol=2)
                _os.replace(tmp_path, pickle_path)
    except (OSError, ValueError, TypeError):
        return  # escpos falls back to its own (slow) way; printing still works
    _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = cache_dir


_cache_escpos_capabilities()
