"""Settings written back (the settings dialog, first run) and shown with their secrets
replaced (support bundles)."""

from __future__ import annotations

import dataclasses
import enum
import os
from pathlib import Path
from typing import Any

from cashier.config.model import (
    SECTIONS,
    Config,
    SignKeySource,
    toml_key,
)
from cashier.config.paths import default_config_path
from cashier.money import format_cents
from cashier.private_files import write_private_file

REDACTED = "********"


def config_to_dict(config: Config, *, include_sign_key: bool = True) -> dict[str, Any]:
    """Settings shaped like the TOML file (None values left out). Holds the sign key unless
    ``include_sign_key`` is false or the key comes from the keyring; the merchant payment key
    likewise unless ``include_sign_key`` is false."""
    out: dict[str, Any] = {}
    for name in SECTIONS:
        section = getattr(config, name)
        table: dict[str, Any] = {}
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if value is None:
                continue
            if f.name == "sign_key" and (
                not include_sign_key or section.sign_key_source is not SignKeySource.FILE
            ):
                continue
            if f.name == "merchant_payment_key" and not include_sign_key:
                continue
            if f.name == "database_url" and section.password_source is not SignKeySource.FILE:
                value = database_url_without_password(value)  # it lives in the keyring
            table[toml_key(f)] = _to_toml_value(name, f.name, value)
        out[name] = table
    return out


def _to_toml_value(section: str, name: str, value: Any) -> Any:
    if section == "payments" and name == "max_amount_cents":
        return format_cents(value)
    if section == "payments" and name == "confirm_above_cents":
        return "0" if value is None else format_cents(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def save_config(config: Config, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the settings atomically (temp file + rename), readable only by the owner on POSIX.

    ``path`` defaults to ``config.path``, else the platform default. Returns the file written.
    """
    import tomli_w

    target = Path(path) if path is not None else (config.path or default_config_path())
    target = target.expanduser()
    text = "# cashier settings (see resources/cashier.sample.toml for every key)\n\n"
    text += tomli_w.dumps(config_to_dict(config))
    return write_private_file(target, text)


def redacted_dict(config: Config) -> dict[str, Any]:
    """Settings for a support bundle: secrets replaced by ``"********"``, plus path and mode."""
    data = config_to_dict(config)
    for table in data.values():
        for key in table:
            if _is_secret_key(key):
                table[key] = REDACTED
    if config.ottpay.sign_key is not None:
        data["ottpay"]["sign_key"] = REDACTED
    if config.ottpay.merchant_payment_key is not None:
        data["ottpay"]["merchant_payment_key"] = REDACTED
    if config.store.database_url is not None:
        data["store"]["database_url"] = shown_database_url(config.store.database_url)
    data["demo"] = config.demo
    data["path"] = str(config.path) if config.path is not None else None
    return data


def database_url_without_password(url: str) -> str:
    """The store database's address without its password (to show it, or when the password
    lives in the keyring)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{hostport}"))


def database_url_with_password(url: str, password: str) -> str:
    """``url`` (which names a user) with ``password`` in it, quoted as an address needs."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(database_url_without_password(url))
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{userinfo}:{quote(password, safe='')}@{hostport}"))


def database_password_forms(url: str) -> set[str]:
    """Every form the password in ``url`` may take in a message, to remove or mask it: as
    written in the address (even with a bad percent escape), percent-decoded, and
    percent-encoded both ways (empty when the address holds no password)."""
    from urllib.parse import quote, quote_plus, unquote, urlsplit

    try:
        raw = urlsplit(url).password
    except ValueError:  # not even an address's shape: the whole of it is what to hide
        raw = None
    if not raw:
        return set()
    forms = {raw}
    for text in (raw, unquote(raw)):
        forms |= {text, quote(text, safe=""), quote_plus(text)}
    return forms


def shown_database_url(url: str) -> str:
    """The store database's address with its password (if any) replaced by ``"********"``."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{REDACTED}@{hostport}"))


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered.endswith("_source"):
        return False
    return any(word in lowered for word in ("key", "secret", "password", "token"))
