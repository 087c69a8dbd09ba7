"""Operators in the window: add, remove and refusals on a real operators file."""

from __future__ import annotations

import json

import pytest

from cashier.operators import OperatorStore
from cashier.ui.bridge import Bridge
from cashier.ui.operator_admin import OperatorAdmin, OperatorAdminDialog, ask_operator_admin
from cashier.ui.settings_dialog import SettingsDialog
from tests.test_operators import assert_pin_only_hashed


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "operators.json"
    store = OperatorStore(path)
    store.add("Mei", "0000020156", "manager", "9876")
    return path


def make(qtbot, bridge, path) -> OperatorAdmin:
    admin = OperatorAdmin(OperatorStore(path), bridge)
    qtbot.addWidget(admin)
    admin.show()
    return admin


def fill(admin, name="Bo", operator_id="0000020157", pin="1234", again=None, manager=False):
    admin.name.setText(name)
    admin.operator_id.setText(operator_id)
    admin.pin.setText(pin)
    admin.pin_again.setText(pin if again is None else again)
    admin.manager.setChecked(manager)


def settle(qtbot, admin) -> None:
    qtbot.waitUntil(lambda: admin.add_button.isEnabled() and admin.message.text() != "Saving…",
                    timeout=5000)


def on_disk(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["operators"]


def test_add_then_remove_a_cashier_in_the_real_file(qtbot, bridge, path):
    admin = make(qtbot, bridge, path)
    assert admin.table.rowCount() == 1 and admin.table.item(0, 0).text() == "Mei"
    fill(admin)
    with qtbot.waitSignal(admin.changed, timeout=5000):
        admin.add_button.click()
    assert admin.message.text() == "Added Bo."
    assert [row["name"] for row in on_disk(path)] == ["Mei", "Bo"]
    assert_pin_only_hashed(path, "Bo", "1234")
    assert OperatorStore(path).find_by_pin("1234").operator_id == "0000020157"
    assert admin.table.rowCount() == 2 and admin.pin.text() == ""
    admin.table.selectRow(1)
    with qtbot.waitSignal(admin.changed, timeout=5000):
        admin.remove_button.click()
    assert admin.message.text() == "Removed Bo."
    assert [row["name"] for row in on_disk(path)] == ["Mei"]


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"operator_id": "12345"}, "must be 10 digits"),
    ({"operator_id": "00000201AB"}, "must be 10 digits"),
    ({"pin": "12"}, "4 to 8 digits"),
    ({"pin": "9876"}, "already used by another operator"),  # Mei's PIN
    ({"again": "4321"}, "differ"),
    ({"name": "  "}, "needs a name"),
    ({"name": "Mei", "operator_id": "0000020199"}, "exists already"),
])
def test_bad_input_is_refused_and_the_file_is_unchanged(qtbot, bridge, path, kwargs, expected):
    before = path.read_bytes()
    admin = make(qtbot, bridge, path)
    fill(admin, **kwargs)
    admin.add_button.click()
    settle(qtbot, admin)
    assert expected in admin.message.text()
    assert path.read_bytes() == before
    assert admin.table.rowCount() == 1


def test_the_last_manager_cannot_be_removed_but_one_of_two_can(qtbot, bridge, path):
    before = path.read_bytes()
    admin = make(qtbot, bridge, path)
    admin.table.selectRow(0)
    admin.remove_button.click()
    settle(qtbot, admin)
    assert "last manager" in admin.message.text()
    assert path.read_bytes() == before
    fill(admin, name="Wu", operator_id="0000020158", pin="5555", manager=True)
    with qtbot.waitSignal(admin.changed, timeout=5000):
        admin.add_button.click()
    admin.table.selectRow(0)
    with qtbot.waitSignal(admin.changed, timeout=5000):
        admin.remove_button.click()
    assert [(row["name"], row["role"]) for row in on_disk(path)] == [("Wu", "manager")]


def test_remove_without_a_selection_says_so(qtbot, bridge, path):
    admin = make(qtbot, bridge, path)
    admin.table.clearSelection()
    admin.remove_button.click()
    assert "Select the operator" in admin.message.text()


def test_operators_window_opens_only_after_a_managers_pin(qtbot, bridge, path, tmp_path):
    store = OperatorStore(path)
    store.add("Bo", "0000020157", "cashier", "1234")
    parent = OperatorAdmin(OperatorStore(None), bridge)  # any widget to parent the dialogs
    qtbot.addWidget(parent)
    pin_dialog = ask_operator_admin(store, bridge, parent)
    pin_dialog.pin.setText("1234")  # a cashier's PIN
    pin_dialog.submit()
    qtbot.waitUntil(lambda: "Wrong PIN" in pin_dialog.message.text(), timeout=5000)
    assert parent.findChild(OperatorAdminDialog) is None
    pin_dialog.pin.setText("9876")
    pin_dialog.submit()
    qtbot.waitUntil(lambda: parent.findChild(OperatorAdminDialog) is not None, timeout=5000)
    dialog = parent.findChild(OperatorAdminDialog)
    assert dialog.admin.names() == ["Mei", "Bo"]
    dialog.close()


def test_settings_has_an_operators_tab_when_given_the_store(qtbot, bridge, path, tmp_path):
    from cashier.config import Config

    dialog = SettingsDialog(Config(), bridge, path=tmp_path / "cashier.toml",
                            operators=OperatorStore(path))
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[-1] == "Operators"
    assert dialog.operator_admin is not None and dialog.operator_admin.names() == ["Mei"]
    plain = SettingsDialog(Config(), bridge, path=tmp_path / "cashier.toml")
    qtbot.addWidget(plain)
    assert plain.operator_admin is None


def test_the_terminals_settings_manage_its_own_operators(make_terminal):
    terminal = make_terminal()
    settings = terminal.open_settings()
    assert settings.operator_admin is not None
    assert settings.operator_admin.store is terminal.signin.operators
    assert settings.operator_admin.names() == ["Demo cashier", "Demo manager"]
