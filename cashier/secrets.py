"""Where the merchant's sign key lives when it is not in the settings file.

The settings say ``[ottpay] sign_key_source = "keyring"``; the key is then kept in the OS keyring
(Windows Credential Manager, macOS Keychain, Secret Service on Linux) under the service
``"cashier"`` with the merchant id as the user name, so several merchants can share a machine.

Only a real OS keyring counts: the ``keyring`` library falls back to plain-text or file
backends (``keyrings.alt``, installed with the test tools) when the machine has no keyring
service, and a key in such a file is no safer than in the settings file. Those backends are
refused by name unless a caller (a test) passes one explicitly.

Nothing here ever puts a key's value in a message or an exception.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

#: Keyring service name for every secret cashier stores.
KEYRING_SERVICE = "cashier"
#: Keyring user names of store database passwords: this prefix, then ``user@host``.
STORE_ACCOUNT_PREFIX = "store:"


class SecretStoreError(Exception):
    """The secret store could not be used; the message says why (never the secret)."""


@runtime_checkable
class SecretStore(Protocol):
    """Reads and writes a merchant's sign key by merchant id."""

    def get_sign_key(self, merchant_id: str) -> str | None:
        """The stored key, or ``None`` when there is none; ``SecretStoreError`` if unreadable."""
        ...

    def set_sign_key(self, merchant_id: str, sign_key: str) -> None: ...

    def delete_sign_key(self, merchant_id: str) -> None:
        """Forget the key; no error when there was none."""
        ...

    def get_store_password(self, account: str) -> str | None:
        """The store database's password for ``account`` (``user@host``), or ``None``."""
        ...

    def set_store_password(self, account: str, password: str) -> None: ...


def os_keyring_problem() -> str | None:
    """Why this machine has no OS keyring for the sign key (``None``: it has one).

    The answer names the backend the ``keyring`` library would use, e.g. ``"PlaintextKeyring,
    a plain-text file"``; failing, null and ``keyrings.alt`` backends are not OS keyrings.
    """
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - any failure to find one means there is none
        return type(exc).__name__
    name = type(backend).__name__
    if type(backend).__module__.startswith("keyrings.alt"):
        return f"{name}, a plain-text file"
    if type(backend).__module__.startswith("keyring.backends.fail"):
        return name
    if getattr(backend, "priority", 1) <= 0:
        return name
    return None


def os_keyring_name() -> str:
    """The OS keyring's name for messages ("Secret Service", "Windows Credential Manager"...)."""
    import keyring

    backend = keyring.get_keyring()
    return str(getattr(backend, "name", "") or type(backend).__name__)


class KeyringSecretStore:
    """Sign keys in the OS keyring through the ``keyring`` library.

    ``backend`` picks a specific keyring backend (tests pass a file backend); by default the
    library's choice for this machine is used, looked up on each call, and refused with
    ``SecretStoreError`` when it is not an OS keyring (see ``os_keyring_problem``).
    """

    def __init__(
        self, backend: KeyringBackend | None = None, *, service: str = KEYRING_SERVICE
    ) -> None:
        self._backend = backend
        self.service = service

    def check(self) -> None:
        """Raise ``SecretStoreError`` now if there is no usable keyring (before asking the
        user for a secret that could not be stored)."""
        self._keyring()

    def _keyring(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        problem = os_keyring_problem()
        if problem is not None:
            raise SecretStoreError(f"no OS keyring is available on this computer ({problem})")
        import keyring

        return keyring.get_keyring()

    def get_sign_key(self, merchant_id: str) -> str | None:
        from keyring.errors import KeyringError

        try:
            value = self._keyring().get_password(self.service, merchant_id)
        except KeyringError as exc:
            raise SecretStoreError(f"the OS keyring could not be read ({exc})") from None
        return value or None

    def set_sign_key(self, merchant_id: str, sign_key: str) -> None:
        from keyring.errors import KeyringError

        try:
            self._keyring().set_password(self.service, merchant_id, sign_key)
        except KeyringError as exc:
            # The backend's message could echo what it was given: name the error type only.
            raise SecretStoreError(
                f"the OS keyring refused to store the sign key ({type(exc).__name__})"
            ) from None

    def delete_sign_key(self, merchant_id: str) -> None:
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self._keyring().delete_password(self.service, merchant_id)
        except PasswordDeleteError:
            return
        except KeyringError as exc:
            raise SecretStoreError(f"the OS keyring could not be changed ({exc})") from None

    def get_store_password(self, account: str) -> str | None:
        return self.get_sign_key(f"{STORE_ACCOUNT_PREFIX}{account}")

    def set_store_password(self, account: str, password: str) -> None:
        from keyring.errors import KeyringError

        try:
            self._keyring().set_password(self.service, f"{STORE_ACCOUNT_PREFIX}{account}",
                                         password)
        except KeyringError as exc:
            raise SecretStoreError(f"the OS keyring refused to store the password "
                                   f"({type(exc).__name__})") from None

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self.service!r}, backend={self._backend!r})"


class MemorySecretStore:
    """Sign keys in a dict: for tests and for a first-run setup that has not saved yet."""

    def __init__(self, keys: dict[str, str] | None = None) -> None:
        self._keys = dict(keys or {})
        self._lock = threading.Lock()

    def get_sign_key(self, merchant_id: str) -> str | None:
        with self._lock:
            return self._keys.get(merchant_id)

    def set_sign_key(self, merchant_id: str, sign_key: str) -> None:
        with self._lock:
            self._keys[merchant_id] = sign_key

    def delete_sign_key(self, merchant_id: str) -> None:
        with self._lock:
            self._keys.pop(merchant_id, None)

    def get_store_password(self, account: str) -> str | None:
        return self.get_sign_key(f"{STORE_ACCOUNT_PREFIX}{account}")

    def set_store_password(self, account: str, password: str) -> None:
        self.set_sign_key(f"{STORE_ACCOUNT_PREFIX}{account}", password)

    def __repr__(self) -> str:
        return f"MemorySecretStore(merchants={sorted(self._keys)!r})"
