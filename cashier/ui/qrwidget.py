"""A QR code painted from the module matrix with QPainter: crisp at any size, never a scaled bitmap.

Electrum's ``qrcodewidget`` does the same: each module is a filled rectangle whose size is a whole
number of pixels, centred in the widget with a white quiet zone around it.
"""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_matrix(data: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The module matrix (``True`` = dark), quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


class QrWidget(QWidget):
    """Shows ``data`` as a QR code, or stays blank (white) when there is none."""

    def __init__(self, data: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: str | None = None
        self._matrix: list[list[bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.set_data(data)

    def set_data(self, data: str | None) -> None:
        self._data = data or None
        self._matrix = qr_matrix(data) if data else []
        self.update()

    @property
    def data(self) -> str | None:
        return self._data

    @property
    def matrix(self) -> list[list[bool]]:
        return self._matrix

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(300, 300)

    def code_geometry(self) -> tuple[int, int, int]:
        """``(left, top, module_px)`` of the painted matrix: whole pixels per module, centred."""
        count = len(self._matrix) or 1
        side = min(self.width(), self.height())
        module = max(1, side // count)
        left = (self.width() - module * count) // 2
        top = (self.height() - module * count) // 2
        return left, top, module

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), QColor(Qt.GlobalColor.white))
        if not self._matrix:
            painter.end()
            return
        left, top, module = self.code_geometry()
        black = QColor(Qt.GlobalColor.black)
        for r, row in enumerate(self._matrix):
            for c, dark in enumerate(row):
                if dark:
                    painter.fillRect(QRect(left + c * module, top + r * module, module, module),
                                     black)
        painter.end()
