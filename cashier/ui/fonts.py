"""Can this machine draw the Chinese interface? Without a CJK font every Chinese text is a box.

Neither the program nor its bundle carries a font: Qt draws with the system's fonts (through
fontconfig on Linux). ``missing_glyphs`` asks the same font database Qt draws with which
characters no installed font has; the Chinese window self-check fails on any, and start-up in
Chinese warns (in English, which any font draws) when not even the common ones can be drawn.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit

#: Characters every Chinese screen shows ("cashier", "pay", "amount"): enough to tell at start-up
#: whether any font draws Chinese at all.
COMMON_CHINESE = "收银台支付金额"
INSTALL_CHINESE_FONT = "Debian/Ubuntu: sudo apt install fonts-noto-cjk"
NO_CHINESE_FONT = ("No Chinese font is installed, so Chinese text shows as empty boxes. Install "
                   f"one ({INSTALL_CHINESE_FONT}) and start again.")


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (beyond ASCII, each once, in order) that neither the default
    font nor any font for Simplified Chinese can draw. Needs a ``QGuiApplication``."""
    needed = "".join(dict.fromkeys(c for c in text if ord(c) > 0x7F and not c.isspace()))
    if not needed:
        return ""
    families = [QFont().family(),
                *QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)]
    fonts = [QRawFont.fromFont(QFont(family)) for family in dict.fromkeys(families)]
    # supportsCharacter(int): the str overload goes through a signed 16-bit QChar in PySide6.
    return "".join(c for c in needed
                   if not any(f.isValid() and f.supportsCharacter(ord(c)) for f in fonts))


def shown_texts(app: QApplication) -> str:
    """Every text the application's widgets show: labels, buttons, fields' hints, titles."""
    texts: list[str] = []
    for widget in app.allWidgets():
        texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
    return "\n".join(texts)


def chinese_font_problem(language: str) -> str | None:
    """``NO_CHINESE_FONT`` when ``language`` is Chinese and no font draws ``COMMON_CHINESE``."""
    if language == "zh_CN" and missing_glyphs(COMMON_CHINESE):
        return NO_CHINESE_FONT
    return None
