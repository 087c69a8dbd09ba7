"""Operators sign in with their PIN; their OTT operator id goes on every sale they take."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_ID, DEMO_MANAGER_PIN
from cashier.simulator import Scenario, demo_code
from tests.ui.helpers import key_amount


def sign_in(qtbot, terminal, pin: str):
    qtbot.mouseClick(terminal.window.signin_button, Qt.MouseButton.LeftButton)
    dialog = terminal.signin.dialog
    for digit in pin:
        qtbot.mouseClick(dialog.findChild(type(terminal.window.signin_button), f"key_{digit}"),
                         Qt.MouseButton.LeftButton)
    dialog.submit()
    return dialog


def test_sign_in_then_sale_carries_the_operator_id_then_sign_out(qtbot, make_terminal):
    terminal = make_terminal(signed_in=False)
    window = terminal.window
    assert window.state == "signin"
    assert not window.history_button.isVisible()
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    assert window.state == "signin"
    assert any("before anyone signed in" in t for t in window.banners.texts())

    dialog = sign_in(qtbot, terminal, "4321")
    qtbot.waitUntil(lambda: dialog.message.text() == "Wrong PIN.", timeout=3000)
    assert window.state == "signin"
    dialog.reject()

    sign_in(qtbot, terminal, DEMO_MANAGER_PIN)
    qtbot.waitUntil(lambda: window.state == "entry", timeout=3000)
    assert window.operator_label.text() == "Demo manager"
    key_amount(qtbot, terminal, "6")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert terminal.port.sale(window.sale.order_id).operator_id == DEMO_MANAGER_ID
    passive = terminal.simulator.requests(action="PASSIVEPAY")[0]
    assert DEMO_MANAGER_ID in str(passive)

    qtbot.mouseClick(window.signout_button, Qt.MouseButton.LeftButton)
    assert window.state == "signin"
    sign_in(qtbot, terminal, DEMO_CASHIER_PIN)
    qtbot.waitUntil(lambda: window.operator_label.text() == "Demo cashier", timeout=3000)
    assert window.amount_entry.amount.text == ""


def test_the_demo_sign_in_screen_and_pin_pad_name_the_demo_pins(qtbot, make_terminal):
    terminal = make_terminal(signed_in=False)
    window = terminal.window
    assert window.state == "signin"
    hint = f"Demo PINs: cashier {DEMO_CASHIER_PIN}, manager {DEMO_MANAGER_PIN}"
    assert window.signin_hint.isVisible() and window.signin_hint.text() == hint
    dialog = sign_in(qtbot, terminal, "")
    assert dialog.prompt.text() == f"Sign in with your PIN:\n{hint}"
    dialog.reject()
    settings_pin = terminal.ask_settings()
    assert hint in settings_pin.prompt.text()
    settings_pin.reject()


def test_the_readme_names_the_demo_pins():
    from pathlib import Path

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(
        encoding="utf-8").split())
    assert f"demo cashier PIN `{DEMO_CASHIER_PIN}`" in readme
    assert f"demo manager PIN `{DEMO_MANAGER_PIN}`" in readme
