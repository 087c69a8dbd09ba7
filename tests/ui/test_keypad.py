"""Amount entry: keypad buttons and physical keys give integer cents; bad input is refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cashier.money import AmountError
from cashier.ui.keypad import AmountBuffer, AmountEntry


@pytest.fixture
def entry(qtbot):
    widget = AmountEntry(max_cents=100_000)
    qtbot.addWidget(widget)
    widget.show()
    widget.setFocus()
    return widget


def click(qtbot, entry, *keys: str) -> None:
    for key in keys:
        qtbot.mouseClick(entry.keypad.buttons[key], Qt.MouseButton.LeftButton)


def test_keypad_buttons_build_amount_in_cents(qtbot, entry):
    click(qtbot, entry, "1", "2", ".", "3", "4")
    assert entry.amount_field.value.text() == "12.34"
    with qtbot.waitSignal(entry.confirmed) as blocker:
        entry.press("enter")
    assert blocker.args == [1234, 0]
    assert all(isinstance(v, int) for v in blocker.args)


def test_physical_keys_type_delete_and_confirm(qtbot, entry):
    qtbot.keyClicks(entry, "7.55")
    qtbot.keyClick(entry, Qt.Key.Key_Backspace)
    assert entry.amount_field.value.text() == "7.5"
    with qtbot.waitSignal(entry.confirmed) as blocker:
        qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert blocker.args == [750, 0]


def test_escape_clears_the_amount(qtbot, entry):
    qtbot.keyClicks(entry, "99")
    qtbot.keyClick(entry, Qt.Key.Key_Escape)
    assert entry.amount.text == ""
    assert entry.amount_field.value.text() == "0.00"


def test_third_decimal_is_refused_with_a_message(qtbot, entry):
    qtbot.keyClicks(entry, "1.234")
    assert entry.amount.text == "1.23"
    assert "two decimals" in entry.message.text()


def test_second_decimal_point_is_refused(qtbot, entry):
    qtbot.keyClicks(entry, "1..5")
    assert entry.amount.text == "1.5"


def test_amount_above_maximum_is_refused(qtbot, entry):
    qtbot.keyClicks(entry, "10000")
    assert entry.amount.text == "1000"
    assert "1000.00" in entry.message.text()


def test_empty_or_zero_amount_is_not_confirmed(qtbot, entry):
    confirmed: list[tuple[int, int]] = []
    entry.confirmed.connect(lambda a, t: confirmed.append((a, t)))
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert "Enter an amount" in entry.message.text()
    qtbot.keyClicks(entry, "0.00")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert "zero" in entry.message.text()
    assert confirmed == []


def test_tip_entry_by_tab_and_by_click(qtbot, entry):
    qtbot.keyClicks(entry, "20")
    qtbot.keyClick(entry, Qt.Key.Key_Tab)
    assert entry.active_field == "tip"
    qtbot.keyClicks(entry, "2.5")
    assert entry.values() == (2000, 250)
    qtbot.mouseClick(entry.amount_field, Qt.MouseButton.LeftButton)
    assert entry.active_field == "amount"
    entry.clear()
    assert entry.amount.text == "" and entry.tip.text == ""


def test_leading_zero_is_replaced_and_dot_gets_a_zero():
    buffer = AmountBuffer()
    for key in "05":
        buffer.press(key)
    assert buffer.text == "5"
    buffer.press("clear")
    buffer.press(".")
    buffer.press("5")
    assert buffer.text == "0.5"
    assert buffer.cents() == 50


def test_tip_may_be_empty_but_amount_may_not():
    assert AmountBuffer(allow_zero=True).cents() == 0
    with pytest.raises(AmountError):
        AmountBuffer().cents()


def test_letters_do_not_change_the_amount(qtbot, entry):
    qtbot.keyClicks(entry, "1a2")
    assert entry.amount.text == "12"
