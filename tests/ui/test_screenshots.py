"""The screenshot tool drives the real demo terminal through every main screen."""

from __future__ import annotations

from PySide6.QtGui import QImage

from cashier.ui.screenshots import take_screenshots


def test_every_main_screen_is_captured(qtbot, tmp_path):
    shots = take_screenshots(tmp_path, "en", confirm_after_queries=8)
    names = [path.stem for path in shots]
    assert names == ["en-signin", "en-entry", "en-waiting", "en-paid", "en-declined", "en-link",
                     "en-cancelled", "en-qr", "en-customer-display", "en-history", "en-refund",
                     "en-x-report", "en-settings"]
    for path in shots:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= (280 if "refund" in path.name else 640)
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
                   for y in range(0, image.height(), 37)}
        assert len(colours) > 2, f"{path.name} looks blank"
