"""The one style: a big title is as bold in Chinese as in English."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from cashier.ui.style import BoldTitle


def _ink(label: QLabel, qtbot) -> int:
    font = label.font()
    font.setPointSize(54)
    font.setBold(True)
    label.setFont(font)
    label.resize(600, 140)
    qtbot.addWidget(label)
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if QColor(image.pixel(x, y)).lightness() < 128)


def test_a_big_chinese_title_is_drawn_bolder_than_the_font_engine_draws_it(qtbot):
    # Above 64 px the font engine no longer emboldens fonts without a bold face.
    assert _ink(BoldTitle("已支付"), qtbot) > 1.1 * _ink(QLabel("已支付"), qtbot)
