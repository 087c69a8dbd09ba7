"""The terminal's one visual style: a Qt style sheet set on each top-level window, and the
few widgets that draw what a style sheet cannot (a bold title in every script).

High contrast, large text, and every control a finger can hit at least ``TOUCH`` pixels
square (the layout test checks it on every page and dialog). Widgets name the role they play
(``setProperty("role", ...)``) instead of carrying their own style sheet.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QTableView

TOUCH = 48  # the smallest control, in pixels, either way
DIALOG_SIZE = (960, 680)  # large dialogs: room for every tab and column on a 1024x768 screen

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f4f5f7; }}
QPushButton, QToolButton {{
    min-height: {TOUCH}px; min-width: {TOUCH}px; padding: 0 14px;
    background: #ffffff; border: 2px solid #9aa3ad; border-radius: 8px; font-weight: bold;
}}
QPushButton:focus {{ border-color: #1565c0; }}
QPushButton:pressed {{ background: #dbe4f0; }}
QPushButton:checked {{ background: #1565c0; color: white; border-color: #0d47a1; }}
QPushButton:disabled {{ color: #8a8f96; border-color: #cfd4da; background: #eceef1; }}
QPushButton[role="pay"] {{ background: #1565c0; color: white; border-color: #0d47a1;
                           font-size: 14pt; }}
QPushButton[role="pay"]:disabled {{ background: #9fb7d6; border-color: #9fb7d6; }}
QPushButton[role="key"] {{ font-size: 20pt; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{
    min-height: {TOUCH}px; padding: 0 8px; background: white;
    border: 2px solid #9aa3ad; border-radius: 6px;
}}
QLineEdit:focus {{ border-color: #1565c0; }}
QComboBox::drop-down {{ width: 36px; border: none; }}
QCheckBox {{ min-height: {TOUCH}px; }}
QCheckBox::indicator {{ width: 28px; height: 28px; }}
QTabBar::tab {{ min-height: {TOUCH}px; min-width: 96px; padding: 0 12px; }}
QHeaderView::section {{ padding: 6px; font-weight: bold; }}
QLabel[role="title"] {{ font-size: 16pt; font-weight: bold; }}
QLabel[role="error"] {{ color: #b71c1c; font-weight: bold; }}
QWidget[role="banner"] {{ border-radius: 6px; }}
QWidget[level="error"] {{ background: #fdecea; border: 2px solid #c62828; }}
QWidget[level="warning"] {{ background: #fff4e5; border: 2px solid #ef6c00; }}
QWidget[level="info"] {{ background: #e8f1fb; border: 2px solid #1565c0; }}
"""


def touch_rows(table: QTableView) -> None:
    """Rows a finger can pick: at least ``TOUCH`` pixels high."""
    header = table.verticalHeader()
    header.setMinimumSectionSize(TOUCH)
    header.setDefaultSectionSize(TOUCH)


class BoldTitle(QLabel):
    """A one-line centred title drawn bold in every script at any size.

    Fonts without a bold face (most Chinese fonts) are emboldened by the font engine only up
    to 64 px, so a big 已支付 would be thinner than PAID; the text is drawn as an outline with
    a stroke instead. The colour is the label's (``color:`` in its style sheet).
    """

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        text = self.text()
        if not text:
            return
        metrics = self.fontMetrics()
        path = QPainterPath()
        path.addText((self.width() - metrics.horizontalAdvance(text)) / 2,
                     (self.height() + metrics.ascent() - metrics.descent()) / 2,
                     self.font(), text)
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, max(1.0, metrics.height() / 40))
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(colour)
        painter.drawPath(path)
