"""Choose the interface language: load the built Qt Linguist catalogue (``.qm``) for it.

English is the source language (no catalogue). Simplified Chinese comes from
``resources/translations/cashier_zh_CN.qm`` (built from ``cashier_zh_CN.ts`` with
``pyside6-lrelease``). Install the translator *before* building windows: widgets translate their
texts when they are created.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("cashier.ui")

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"
LANGUAGES = ("en", "zh_CN")


def system_language() -> str:
    """``zh_CN`` on a Chinese system, else ``en``."""
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install_language(app: QCoreApplication, language: str | None,
                     directory: Path = TRANSLATIONS_DIR) -> list[QTranslator]:
    """Install the translators for ``language`` (``en``/``zh_CN``/``None`` = system) on ``app``.

    Returns the installed translators (parented to ``app``, so they live as long as it does). A
    missing catalogue is logged and the interface stays in English rather than failing to start.
    """
    chosen = language or system_language()
    if chosen not in LANGUAGES:
        raise ValueError(f"Unknown language {chosen!r}; choose one of {', '.join(LANGUAGES)}.")
    if chosen == "en":
        return []
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(f"cashier_{chosen}", str(directory)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no %s translation in %s; the interface stays in English", chosen, directory)
    qt_own = QTranslator(app)  # Qt's own dialogs and context menus
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{chosen}", qt_dir):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    return installed


def remove_language(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
