"""Guard against a Qt binding that corrupts Python's refcount of None.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a method returning
void (``setText``, ``fillRect``...): a running terminal aborts with "deallocating None" after a few
thousand calls. pyproject.toml excludes that release; this test catches a regression.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_the_refcount_of_none(qapp):
    label = QLabel()
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    black = QColor(Qt.GlobalColor.black)
    before = sys.getrefcount(None)
    for _ in range(100):
        label.setText("x")
        painter.fillRect(QRect(0, 0, 2, 2), black)
    after = sys.getrefcount(None)
    painter.end()
    assert after - before > -50, "this PySide6 build corrupts None's refcount; pin another version"
