"""``cashier config show`` (settings with secrets hidden), ``cashier config set-key`` and
``cashier config set-store-password``.

``set-key`` stores the sign key in the OS keyring, read from stdin without echo, so it never sits
in the settings file, the shell history or the process list; ``set-store-password`` does the same
for the store database's password. Neither needs a loadable settings file: a file whose secret is
in the keyring fails to load until the secret is there.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from cashier.commands.common import load
from cashier.commands.outcome import EXIT_BAD_INPUT, EXIT_DECLINED, EXIT_OK, CommandError, emit

if TYPE_CHECKING:
    from cashier.secrets import KeyringSecretStore

_MERCHANT_ID_RE = re.compile(r"[A-Z]{2}\d{8}")
_SIGN_KEY_RE = re.compile(r"[0-9A-F]{16}")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("config", help="show the settings or store the sign key")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    actions.required = True
    show = actions.add_parser("show", parents=[common],
                              help="the settings in use, secrets replaced by ********")
    show.set_defaults(handler=run_config_show)
    set_key = actions.add_parser(
        "set-key", parents=[common], help="store the sign key in the OS keyring",
        description="Read the sign key from stdin (no echo on a terminal) and store it in the OS "
        "keyring for the merchant id. Then set [ottpay] sign_key_source = \"keyring\" and remove "
        "sign_key from the settings file.",
    )
    set_key.add_argument("--merchant-id", help="default: [ottpay] merchant_id of the settings")
    set_key.set_defaults(handler=run_config_set_key)
    set_password = actions.add_parser(
        "set-store-password", parents=[common],
        help="store the store database's password in the OS keyring",
        description="Read the password from stdin (no echo on a terminal) and store it in the "
        "OS keyring for the user and host of [store] database_url. Then set [store] "
        "password_source = \"keyring\" and remove the password from database_url.",
    )
    set_password.set_defaults(handler=run_config_set_store_password)


def run_config_show(args: argparse.Namespace) -> int:
    from cashier.config import redacted_dict

    config = load(args)
    data = redacted_dict(config)
    if args.json:
        emit(args, data, "")
        return EXIT_OK
    import tomli_w

    source = data.pop("path") or "built-in defaults (no settings file)"
    demo = data.pop("demo")
    print(f"# settings from {source}" + ("  (demo mode: no credentials)" if demo else ""))
    print(tomli_w.dumps(data), end="")
    return EXIT_OK


def run_config_set_key(args: argparse.Namespace) -> int:
    from cashier.secrets import SecretStoreError, os_keyring_name

    merchant_id = (args.merchant_id or _raw_setting(args.config, "ottpay", "merchant_id")
                   or "").strip().upper()
    if not merchant_id:
        raise CommandError("No merchant id: give --merchant-id or set [ottpay] merchant_id.",
                           EXIT_BAD_INPUT)
    if not _MERCHANT_ID_RE.fullmatch(merchant_id):
        raise CommandError(f"{merchant_id!r} is not a merchant id (two letters and eight "
                           "digits, like QC00005496).", EXIT_BAD_INPUT)
    store = _os_keyring("The sign key was not stored", _KEEP_SIGN_KEY)
    if sys.stdin is not None and sys.stdin.isatty():
        text = getpass.getpass(f"Sign key for {merchant_id} (not shown): ", stream=sys.stderr)
    else:
        text = sys.stdin.readline() if sys.stdin is not None else ""
    key = text.strip().upper()
    if not _SIGN_KEY_RE.fullmatch(key):
        raise CommandError(
            "That is not a sign key (16 hexadecimal characters, 0-9 and A-F; the one given has "
            f"{len(key)} characters); nothing was stored.", EXIT_BAD_INPUT)
    try:
        store.set_sign_key(merchant_id, key)
    except SecretStoreError as exc:
        raise CommandError(f"The sign key was not stored: {exc}; {_KEEP_SIGN_KEY}",
                           EXIT_DECLINED) from None
    backend = os_keyring_name()
    emit(args, {"stored": True, "merchant_id": merchant_id, "store": "keyring",
                "keyring": backend},
         f"Sign key for {merchant_id} stored in the OS keyring ({backend}). In the settings file "
         "set [ottpay] sign_key_source = \"keyring\" and remove sign_key.")
    return EXIT_OK


def run_config_set_store_password(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from cashier.config import StoreSection
    from cashier.secrets import SecretStoreError, os_keyring_name

    url = _raw_setting(args.config, "store", "database_url")
    if not url or not urlsplit(url).username or not urlsplit(url).hostname:
        raise CommandError("No store database user: set [store] database_url with a user and a "
                           'host first, like "postgresql://cashier@192.168.1.10/store".',
                           EXIT_BAD_INPUT)
    account = StoreSection(database_url=url).account
    store = _os_keyring("The password was not stored", _KEEP_STORE_PASSWORD)
    if sys.stdin is not None and sys.stdin.isatty():
        text = getpass.getpass(f"Password of {account} (not shown): ", stream=sys.stderr)
    else:
        text = sys.stdin.readline() if sys.stdin is not None else ""
    password = text.rstrip("\r\n")
    if not password:
        raise CommandError("No password was given; nothing was stored.", EXIT_BAD_INPUT)
    try:
        store.set_store_password(account, password)
    except SecretStoreError as exc:
        raise CommandError(f"The password was not stored: {exc}; {_KEEP_STORE_PASSWORD}",
                           EXIT_DECLINED) from None
    backend = os_keyring_name()
    emit(args, {"stored": True, "account": account, "keyring": backend},
         f"Password of {account} stored in the OS keyring ({backend}). In the settings file set "
         "[store] password_source = \"keyring\" and remove the password from database_url.")
    return EXIT_OK


_KEEP_SIGN_KEY = "keep it in the settings file instead (sign_key, saved readable only by you)."
_KEEP_STORE_PASSWORD = ("keep it in database_url instead (the settings file is readable only by "
                        "you).")


def _os_keyring(not_stored: str, instead: str) -> KeyringSecretStore:
    """The OS keyring, checked before a secret is asked for; without one the command ends
    with the settings' exit code (nothing was read or stored)."""
    from cashier.secrets import KeyringSecretStore, SecretStoreError

    store = KeyringSecretStore()
    try:
        store.check()
    except SecretStoreError as exc:
        raise CommandError(f"{not_stored}: {exc}; {instead}", EXIT_BAD_INPUT) from None
    return store


def _raw_setting(path: str | None, section: str, key: str) -> str | None:
    """A string setting read straight from the file (it may not load without its secret)."""
    from cashier.config import default_config_path

    file = Path(path).expanduser() if path else default_config_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get(section)
    value = table.get(key) if isinstance(table, dict) else None
    return value if isinstance(value, str) else None
