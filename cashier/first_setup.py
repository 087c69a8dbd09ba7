"""Setting a terminal up, with or without a window: which settings file start-up reads, a test
scan on a serial scanner, whether the OS keyring can keep the sign key, and writing a validated
setup (the sign key and the store database's password to the keyring, the settings file, the
first manager).

The first-run dialog (``cashier.ui.first_run``) runs these on the bridge's workers; nothing here
imports Qt.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cashier.config import CONFIG_ENV, Config, default_config_path, save_config
from cashier.operators import OperatorError, OperatorStore, operators_path
from cashier.secrets import KeyringSecretStore, SecretStore, os_keyring_problem

#: How long a test scan waits for one scan (seconds).
SCAN_TEST_SECONDS = 5.0


def config_target(config_path: str | os.PathLike[str] | None,
                  env: Mapping[str, str] = os.environ) -> Path:
    """The settings file start-up will read (``--config``, ``$CASHIER_CONFIG``, the default)."""
    chosen = config_path if config_path is not None else (env.get(CONFIG_ENV) or None)
    return Path(chosen).expanduser() if chosen is not None else default_config_path()


def needs_first_run(config_path: str | os.PathLike[str] | None,
                    env: Mapping[str, str] = os.environ) -> bool:
    return not config_target(config_path, env).exists()


class ScanTestError(Exception):
    """A scan test that could not listen; ``kind`` is ``"absent"`` or ``"unopenable"``."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail


def wait_for_scan(port: str, *, baud: int = 9600, suffix: str = "CR",
                  timeout: float = SCAN_TEST_SECONDS,
                  stop: threading.Event | None = None,
                  on_open: Callable[[], None] | None = None) -> str | None:
    """Open the serial scanner ``port`` and return the first whole code read within
    ``timeout`` seconds (``None``: nothing scanned, or ``stop`` was set). ``on_open`` is called
    once the port is open: opening it drops what arrived before, so that is when to scan."""
    import serial

    from cashier.devices.scanner import CodeFramer, SerialSettings, open_serial, resolve_port

    settings = SerialSettings(port=port, baud=baud, suffix=suffix)
    path = resolve_port(port)
    if path is None:
        raise ScanTestError("absent")
    try:
        device = open_serial(path, settings)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise ScanTestError("unopenable", str(exc)) from None
    framer = CodeFramer(settings)
    deadline = time.monotonic() + timeout
    if on_open is not None:
        on_open()
    with device:
        while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
            data = device.read(max(1, device.in_waiting))
            now = time.monotonic()
            codes = framer.feed(data, now) if data else framer.tick(now)
            if codes:
                return codes[0]
    return None


def keyring_problem(store: SecretStore | None) -> str | None:
    """Why the OS keyring cannot keep the sign key here (``None``: it can, or ``store`` is
    given). A plain-text file "keyring" does not count (see ``os_keyring_problem``)."""
    return None if store is not None else os_keyring_problem()


@dataclass(frozen=True)
class SetupPlan:
    """A fully validated setup, ready to be written."""

    config: Config
    path: Path
    #: for the keyring (None: the key is in the file); never in a repr, like the PIN
    sign_key: str | None = field(repr=False)
    manager: tuple[str, str, str] | None = field(repr=False)  # name, operator id, PIN
    #: the store database's password for the keyring (None: none, or it is in the file)
    store_password: str | None = field(default=None, repr=False)


def write_setup(plan: SetupPlan, store: SecretStore | None) -> Config:
    """Keyring first (the file then refers to it), then the file, then the first manager.
    The settings dialog saves through it too when a password goes to the keyring.

    The operators file is read before anything is written, so an unreadable one stops it all.
    """
    operators = OperatorStore(operators_path(plan.path)) if plan.manager is not None else None
    if operators is not None and plan.manager is not None:
        name, operator_id, pin = plan.manager
        if any(o.name == name or o.operator_id == operator_id for o in operators.operators):
            raise OperatorError(f"An operator named {name} or with id {operator_id} exists.")
        if operators.find_by_pin(pin) is not None:
            raise OperatorError("That PIN is already used by another operator; choose another.")
    if plan.sign_key is not None:
        merchant = plan.config.ottpay.merchant_id or ""
        (store or KeyringSecretStore()).set_sign_key(merchant, plan.sign_key)
    if plan.store_password is not None:
        (store or KeyringSecretStore()).set_store_password(plan.config.store.account,
                                                           plan.store_password)
    save_config(plan.config, plan.path)
    if operators is not None and plan.manager is not None:
        name, operator_id, pin = plan.manager
        operators.add(name, operator_id, "manager", pin)
    return plan.config
