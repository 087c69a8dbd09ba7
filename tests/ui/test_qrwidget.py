"""The QR widget paints the real matrix crisply at any size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from cashier.ui.qrwidget import QUIET_ZONE, QrWidget

URL = "http://127.0.0.1:8080/pay/T20261123000001"
BLACK = QColor(0, 0, 0).rgb()
WHITE = QColor(255, 255, 255).rgb()


def module_pixels(widget: QrWidget, row: int, col: int) -> set[int]:
    """Every pixel colour inside one module (all must be the same for a crisp code)."""
    image = widget.grab().toImage()
    left, top, module = widget.code_geometry()
    return {
        image.pixel(left + col * module + dx, top + row * module + dy)
        for dx in range(module)
        for dy in range(module)
    }


@pytest.mark.parametrize("size", [150, 437])
def test_finder_pattern_is_crisp_black_and_white(qtbot, size):
    widget = QrWidget(URL)
    qtbot.addWidget(widget)
    widget.resize(size, size)
    widget.show()
    qtbot.waitExposed(widget)
    _, _, module = widget.code_geometry()
    assert module >= 3
    q = QUIET_ZONE
    # top-left finder: dark outer ring, light ring, dark 3x3 centre; quiet zone light
    assert module_pixels(widget, q, q) == {BLACK}
    assert module_pixels(widget, q + 6, q + 6) == {BLACK}
    assert module_pixels(widget, q + 1, q + 1) == {WHITE}
    assert module_pixels(widget, q + 1, q + 5) == {WHITE}
    assert module_pixels(widget, q + 3, q + 3) == {BLACK}
    assert module_pixels(widget, q - 1, q - 1) == {WHITE}
    # top-right finder too: the whole matrix is there, not only a corner
    last = len(widget.matrix) - 1 - q
    assert module_pixels(widget, q, last) == {BLACK}
    assert module_pixels(widget, q + 1, last - 1) == {WHITE}


def test_bigger_widget_gets_bigger_whole_pixel_modules(qtbot):
    widget = QrWidget(URL)
    qtbot.addWidget(widget)
    widget.resize(150, 150)
    small = widget.code_geometry()[2]
    widget.resize(600, 400)
    left, top, big = widget.code_geometry()
    assert big > small
    assert big * len(widget.matrix) <= 400  # fits the short side, centred
    assert left > 0


def test_matrix_follows_the_data_and_blank_without_data(qtbot):
    widget = QrWidget()
    qtbot.addWidget(widget)
    widget.resize(200, 200)
    assert widget.matrix == []
    image = widget.grab().toImage()
    assert image.pixel(100, 100) == WHITE
    widget.set_data(URL)
    assert widget.data == URL
    assert len(widget.matrix) == len(widget.matrix[0]) > 21
