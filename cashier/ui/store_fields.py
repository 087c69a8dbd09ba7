"""The optional ``[store]`` fields of the first-run setup and of Settings: the store database's
address, its password, this lane's terminal id and name, and a "Test connection" button.

The password is never shown back: its field starts empty (with a hint when one is kept) and left
empty keeps the current one. With "Keep the password in the OS keyring" it goes to the keyring
(``password_source = "keyring"``) when the settings are written, else into the address in the
settings file, which only the shop's account can read. The connection test runs
``central.connection_problem`` through the bridge and shows its one sentence; a form that is
not valid gets the settings file's sentence and nothing is tried.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from cashier.config import (
    ConfigError,
    SignKeySource,
    StoreSection,
    config_from_dict,
    database_url_with_password,
    database_url_without_password,
)
from cashier.secrets import KeyringSecretStore, MemorySecretStore, SecretStore
from cashier.ui.bridge import Bridge

translate = QCoreApplication.translate


def _probe(database_url: str) -> str | None:
    """Worker thread: why the store database cannot be used (None: it can)."""
    from cashier.store.central import connection_problem  # psycopg only when asked

    return connection_problem(database_url)


class _FormPassword:
    """A secret store for checking the form: the password typed (or kept) for any store
    database account, everything else from ``fallback``. Only read from."""

    def __init__(self, password: str | None, fallback: SecretStore) -> None:
        self._password = password
        self._fallback = fallback

    def get_store_password(self, account: str) -> str | None:
        return self._password or self._fallback.get_store_password(account)

    def get_sign_key(self, merchant_id: str) -> str | None:
        return self._fallback.get_sign_key(merchant_id)


class StoreFields:
    """The ``[store]`` rows, added to ``form``; ``current`` is the section as loaded (its
    ``database_url`` holding the password, whichever its source)."""

    def __init__(self, form: QFormLayout, parent: QWidget, bridge: Bridge,
                 current: StoreSection) -> None:
        self.bridge = bridge
        self.current = current
        labels = {  # what each row is called, in the shop's language
            "url": translate("StoreFields", "Store database address"),
            "password": translate("StoreFields", "Database password"),
            "kept": translate("StoreFields", "unchanged; type a new password to replace it"),
            "keyring": translate("StoreFields", "Keep the password in the OS keyring"),
            "terminal_id": translate("StoreFields", "This lane's terminal id"),
            "terminal_name": translate("StoreFields", "This lane's name"),
            "name_example": translate("StoreFields", "Front counter"),
        }
        self.url = self._line(form, parent, labels["url"], "store.database_url",
                              database_url_without_password(current.database_url or ""),
                              "postgresql://cashier@192.168.1.10/store")
        self.password = self._line(form, parent, labels["password"], "store.password", "",
                                   labels["kept"] if current.password else "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring = QCheckBox(labels["keyring"], parent)
        self.keyring.setObjectName("store.keyring")
        self.keyring.setChecked(current.password_source is SignKeySource.KEYRING)
        form.addRow("", self.keyring)
        self.terminal_id = self._line(form, parent, labels["terminal_id"], "store.terminal_id",
                                      current.terminal_id or "", "lane-1")
        self.terminal_name = self._line(form, parent, labels["terminal_name"],
                                        "store.terminal_name", current.terminal_name,
                                        labels["name_example"])
        self.test_button = QPushButton(translate("StoreFields", "Test connection"), parent)
        self.test_button.setObjectName("store_test")
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel("", parent)
        self.result.setObjectName("store_result")
        self.result.setWordWrap(True)
        form.addRow(self.test_button, self.result)

    @staticmethod
    def _line(form: QFormLayout, parent: QWidget, label: str, name: str, text: str,
              placeholder: str) -> QLineEdit:
        edit = QLineEdit(text, parent)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        form.addRow(label, edit)
        return edit

    # --- reading ---------------------------------------------------------------------------
    def _password(self) -> str | None:
        """The password typed, else the one kept (None: none)."""
        return self.password.text() or self.current.password

    def table(self) -> dict[str, Any]:
        """The ``[store]`` table as the settings file holds it (empty: no store). With the
        keyring the address holds no password (``keyring_password`` has it)."""
        url = self.url.text().strip()
        if not url:
            return {}
        password = self._password()
        keyring = self.keyring.isChecked()
        if password and not keyring:
            url = database_url_with_password(url, password)
        table: dict[str, Any] = {"database_url": url,
                                 "password_source": "keyring" if keyring else "file"}
        for key, edit in (("terminal_id", self.terminal_id),
                          ("terminal_name", self.terminal_name)):
            if edit.text().strip():
                table[key] = edit.text().strip()
        return table

    def keyring_password(self) -> str | None:
        """A new password to put in the OS keyring when the settings are written."""
        if self.url.text().strip() and self.keyring.isChecked() and self.password.text():
            return self.password.text()
        return None

    def checked(self, data: dict[str, Any], **options: Any) -> Any:
        """``config_from_dict(data, **options)``, the keyring asked for this form's password as
        if it were already there (it is written only on saving). Raises ``ConfigError``."""
        fallback = options.get("secret_store") or KeyringSecretStore()
        options["secret_store"] = _FormPassword(self._password(), fallback)
        return config_from_dict(data, **options)

    # --- the connection test ---------------------------------------------------------------
    def test_connection(self) -> None:
        table = self.table()
        if not table:
            self.result.setText(translate("StoreFields",
                                          "Enter the store database's address first."))
            return
        try:
            # the OS keyring is not asked from the GUI thread: the form's password or none
            store = self.checked({"store": table}, secret_store=MemorySecretStore()).store
        except ConfigError as exc:
            self.result.setText(str(exc).removeprefix("settings: "))
            return
        self.test_button.setEnabled(False)
        self.result.setText(translate("StoreFields", "Connecting…"))
        self.bridge.run_store("connection_test", _probe, store.database_url,
                              on_done=self._tested, on_error=lambda exc: self._tested(str(exc)))

    def _tested(self, problem: str | None) -> None:
        self.test_button.setEnabled(True)
        self.result.setText(problem or translate("StoreFields",
                                                 "The store database answers and is ready."))
