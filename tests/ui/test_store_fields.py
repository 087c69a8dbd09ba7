"""The store database's fields in Settings and in the first-run setup: a connection test against
the real throwaway PostgreSQL, one sentence for a bad address, the password never shown back and
kept in the keyring when asked."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from cashier.config import SignKeySource, config_from_dict, load_config
from cashier.secrets import MemorySecretStore
from cashier.ui.bridge import Bridge
from cashier.ui.first_run import FirstRunDialog
from cashier.ui.settings_dialog import SettingsDialog
from tests.store.test_settings import UNPARSEABLE_PASSWORDS

PASSWORD = "Secr3t-pw"
READY = "The store database answers and is ready."


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


def settings(qtbot, bridge, path, data=None, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(config_from_dict(data or {}, source=path), bridge, path=path,
                            **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def every_text(dialog) -> str:
    edits = dialog.findChildren(QLineEdit)
    return "\n".join([e.text() for e in edits] + [e.placeholderText() for e in edits]
                     + [label.text() for label in dialog.findChildren(QLabel)])


def test_settings_test_the_connection_and_save_the_store(qtbot, bridge, tmp_path, store_url):
    path = tmp_path / "cashier.toml"
    dialog = settings(qtbot, bridge, path)
    fields = dialog.store
    fields.url.setText(store_url)
    fields.terminal_id.setText("lane-2")
    fields.terminal_name.setText("Back counter")
    fields.test_button.click()
    qtbot.waitUntil(lambda: fields.result.text() == READY, timeout=15_000)
    assert dialog.save() is not None
    store = load_config(path).store
    assert (store.database_url, store.terminal_id, store.terminal_name) == (
        store_url, "lane-2", "Back counter")


def test_a_bad_address_gets_one_sentence_and_changes_nothing(qtbot, bridge, tmp_path):
    path = tmp_path / "cashier.toml"
    dialog = settings(qtbot, bridge, path)
    dialog.store.url.setText("http://store.example.com/db")
    dialog.store.terminal_id.setText("lane-1")
    dialog.store.test_button.click()
    sentence = ('[store] database_url must be a PostgreSQL address like '
                '"postgresql://user:password@host:5432/store".')
    assert dialog.store.result.text() == sentence  # said at once: nothing was tried
    assert dialog.store.test_button.isEnabled()
    assert dialog.save() is None
    assert dialog.message.text() == sentence and not path.exists()


def test_an_unreachable_store_says_why_without_the_password(qtbot, bridge, tmp_path,
                                                            closed_port):
    dialog = settings(qtbot, bridge, tmp_path / "cashier.toml")
    dialog.store.url.setText(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    dialog.store.password.setText(PASSWORD)
    dialog.store.terminal_id.setText("lane-1")
    dialog.store.test_button.click()
    qtbot.waitUntil(lambda: dialog.store.result.text().startswith(
        "The store database cannot be reached ("), timeout=15_000)
    assert PASSWORD not in dialog.store.result.text()


def test_a_wrong_password_says_what_to_fix_not_that_the_store_is_down(qtbot, bridge, tmp_path,
                                                                      login_store_url):
    dialog = settings(qtbot, bridge, tmp_path / "cashier.toml")
    dialog.store.url.setText(login_store_url.replace(":Right-pw-7@", "@"))
    dialog.store.password.setText(PASSWORD)  # not the user's password
    dialog.store.terminal_id.setText("lane-1")
    dialog.store.test_button.click()
    qtbot.waitUntil(lambda: dialog.store.result.text() != "Connecting…", timeout=15_000)
    assert dialog.store.result.text() == (
        "The store database refused this lane's user name or password (password "
        "authentication failed for user \"lane_login\"): fix [store] database_url (or the "
        "password in the keyring); nothing is shipped until then.")


@pytest.mark.parametrize("password", UNPARSEABLE_PASSWORDS)
def test_a_password_libpq_cannot_parse_is_never_said_back(qtbot, bridge, tmp_path, closed_port,
                                                          password):
    path = tmp_path / "cashier.toml"
    dialog = settings(qtbot, bridge, path)
    dialog.store.terminal_id.setText("lane-1")
    # Written into the address: refused at once, in the settings' sentence, nothing tried.
    dialog.store.url.setText(f"postgresql://cashier:{password}@127.0.0.1:{closed_port}/store")
    dialog.store.test_button.click()
    assert "database_url is not a valid PostgreSQL address" in dialog.store.result.text()
    assert password not in dialog.store.result.text()
    assert dialog.save() is None and password not in dialog.message.text()
    assert not path.exists()
    # Typed in the password field: encoded into the address, so the store itself is tried.
    dialog.store.url.setText(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    dialog.store.password.setText(password)
    dialog.store.test_button.click()
    qtbot.waitUntil(lambda: dialog.store.result.text().startswith(
        "The store database cannot be reached ("), timeout=15_000)
    assert password not in dialog.store.result.text()


def test_the_password_is_never_shown_back_and_kept_when_left_empty(qtbot, bridge, tmp_path):
    path = tmp_path / "cashier.toml"
    url = f"postgresql://cashier:{PASSWORD}@192.168.1.10/store"
    dialog = settings(qtbot, bridge, path, {"store": {"database_url": url,
                                                      "terminal_id": "lane-1"}})
    assert PASSWORD not in every_text(dialog)
    assert dialog.store.url.text() == "postgresql://cashier@192.168.1.10/store"
    assert dialog.store.password.text() == "" and "unchanged" in \
        dialog.store.password.placeholderText()
    assert dialog.save() is not None
    assert load_config(path).store.database_url == url


def test_a_new_password_goes_to_the_keyring_not_the_file(qtbot, bridge, tmp_path, store_url):
    path = tmp_path / "cashier.toml"
    keyring = MemorySecretStore()
    dialog = settings(qtbot, bridge, path, secret_store=keyring)
    dialog.store.url.setText(store_url)
    dialog.store.password.setText(PASSWORD)
    dialog.store.keyring.setChecked(True)
    dialog.store.terminal_id.setText("lane-1")
    dialog.store.test_button.click()  # trust authentication: the password is not needed
    qtbot.waitUntil(lambda: dialog.store.result.text() == READY, timeout=15_000)
    assert dialog.save() is not None
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Saved."), timeout=5000)
    assert PASSWORD not in path.read_text()
    account = f"cashier@{urlsplit(store_url).hostname}"
    assert keyring.get_store_password(account) == PASSWORD
    store = load_config(path, secret_store=keyring).store
    assert store.password_source is SignKeySource.KEYRING and store.password == PASSWORD


def test_first_run_sets_up_a_lane_of_a_store(qtbot, bridge, tmp_path, store_url):
    path = tmp_path / "cfg" / "cashier.toml"
    keyring = MemorySecretStore()
    dialog = FirstRunDialog(path, bridge, secret_store=keyring)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.store_fields.keyring.isEnabled(), timeout=3000)
    dialog.merchant_button.click()
    dialog.merchant_id.setText("QC00005496")
    dialog.operator_id.setText("0000020156")
    dialog.sign_key.setText("0123456789ABCDEF")
    dialog.manager_name.setText("Mei")
    dialog.manager_pin.setText("4321")
    dialog.manager_pin_again.setText("4321")
    dialog.next_button.click()
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 3 and dialog.finish_button.isVisible()
    fields = dialog.store_fields
    fields.url.setText(store_url)
    fields.password.setText(PASSWORD)
    fields.keyring.setChecked(True)
    fields.terminal_id.setText("bad id!")
    dialog.finish_button.click()
    assert dialog.message.text().startswith("This lane's terminal id 'bad id!' must be")
    assert not path.exists()
    fields.terminal_id.setText("lane-3")
    fields.test_button.click()
    qtbot.waitUntil(lambda: fields.result.text() == READY, timeout=15_000)
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    assert PASSWORD not in path.read_text()
    store = load_config(path, secret_store=keyring).store
    assert (store.terminal_id, store.password) == ("lane-3", PASSWORD)
