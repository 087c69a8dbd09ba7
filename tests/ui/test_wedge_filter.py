"""Wedge scans are recognised wherever the focus is and never land in the amount field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from cashier.devices.wedge import WedgeSettings
from cashier.ui.keypad import AmountEntry
from cashier.ui.wedge_filter import WedgeFilter

CODE = "134567890123451111"


class FakeClock:
    """Key timing under the test's control (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def screen(qtbot, qapp, clock):
    window = QWidget()
    layout = QVBoxLayout(window)
    entry = AmountEntry(window)
    note = QLineEdit(window)
    layout.addWidget(entry)
    layout.addWidget(note)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wedge = WedgeFilter(WedgeSettings(max_gap=0.05), clock=clock)
    wedge.install(qapp)
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    yield entry, note, wedge, scans
    wedge.uninstall(qapp)


def type_keys(qtbot, widget, text: str, clock: FakeClock, gap: float) -> None:
    for char in text:
        clock.now += gap
        qtbot.keyClick(widget, char)


def scan(qtbot, widget, code: str, clock: FakeClock) -> None:
    type_keys(qtbot, widget, code, clock, gap=0.004)
    clock.now += 0.004
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_fast_burst_is_a_scan_and_amount_is_untouched(qtbot, screen, clock):
    entry, _, _, scans = screen
    type_keys(qtbot, entry, "25", clock, gap=0.3)  # the cashier typed 25 by hand
    clock.now += 0.3
    qtbot.waitUntil(lambda: entry.amount.text == "25", timeout=1000)
    confirmed: list[tuple[int, int]] = []
    entry.confirmed.connect(lambda a, t: confirmed.append((a, t)))

    scan(qtbot, entry, CODE, clock)

    assert scans == [CODE]
    assert entry.amount.text == "25"
    assert confirmed == []  # the scanner's Enter did not confirm the amount either


def test_slow_typing_reaches_the_amount_field_in_order(qtbot, screen, clock):
    entry, _, wedge, scans = screen
    type_keys(qtbot, entry, "12.34", clock, gap=0.25)
    clock.now += 0.25
    qtbot.waitUntil(lambda: entry.amount.text == "12.34", timeout=1000)
    with qtbot.waitSignal(entry.confirmed) as blocker:
        qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert blocker.args == [1234, 0]
    assert scans == []
    assert not wedge.detector.holding


def test_fast_short_typing_is_not_a_scan(qtbot, screen, clock):
    entry, _, _, scans = screen
    type_keys(qtbot, entry, "99", clock, gap=0.01)  # quick fingers, but only two keys
    clock.now += 0.01
    qtbot.keyClick(entry, Qt.Key.Key_Backspace)
    assert entry.amount.text == "9"
    assert scans == []


def test_scan_is_recognised_when_another_widget_has_focus(qtbot, screen, clock):
    entry, note, _, scans = screen
    type_keys(qtbot, note, "hi", clock, gap=0.3)
    clock.now += 0.3
    qtbot.waitUntil(lambda: note.text() == "hi", timeout=1000)
    scan(qtbot, note, CODE, clock)
    assert scans == [CODE]
    assert note.text() == "hi"
    assert entry.amount.text == ""


def test_two_scans_in_a_row(qtbot, screen, clock):
    entry, _, _, scans = screen
    scan(qtbot, entry, CODE, clock)
    clock.now += 1
    scan(qtbot, entry, "286543210987654321", clock)
    assert scans == [CODE, "286543210987654321"]
    assert entry.amount.text == ""


def test_uninstalled_filter_sees_nothing(qtbot, screen, clock, qapp):
    entry, _, wedge, scans = screen
    wedge.uninstall(qapp)
    scan(qtbot, entry, "12345", clock)
    assert scans == []
    assert entry.amount.text == "12345"  # without the filter the keys land in the field


def test_a_click_right_after_typing_lands_after_the_typed_keys(qtbot, screen, clock):
    entry, _, wedge, _ = screen
    type_keys(qtbot, entry, "2", clock, gap=0.01)
    assert wedge.detector.holding  # the "2" is held back: it could start a scan
    qtbot.mouseClick(entry.keypad.buttons["5"], Qt.MouseButton.LeftButton)
    assert entry.amount.text == "25"  # not "52": the press released the held key first


def test_release_typing_types_held_keys_at_once(qtbot, screen, clock):
    entry, _, wedge, _ = screen
    type_keys(qtbot, entry, "25", clock, gap=0.01)
    assert entry.amount.text == "" and wedge.detector.holding
    assert wedge.release_typing()
    assert entry.amount.text == "25"
    assert not wedge.detector.holding


def test_release_typing_refuses_while_a_scan_is_arriving(qtbot, screen, clock):
    entry, _, wedge, scans = screen
    type_keys(qtbot, entry, CODE[:10], clock, gap=0.004)
    assert not wedge.release_typing()  # ten keys in 40 ms: a scanner, not a person
    assert entry.amount.text == ""
    scan(qtbot, entry, CODE[10:], clock)  # the rest of the burst arrives
    assert scans == [CODE]
    assert entry.amount.text == ""
