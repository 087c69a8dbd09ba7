"""Each key's parser: ``(label, raw value, folder of the file) -> typed value``, raising
``ConfigError`` with one sentence naming the file and the key (never a secret's value).
``PARSERS`` says which parser reads which ``(section, key)``."""

from __future__ import annotations

import codecs
import enum
import re
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cashier.config.model import (
    ConfigError,
    Language,
    LatePaymentPolicy,
    PrinterKind,
    ScannerKind,
    ScanSuffix,
    SignKeySource,
    split_host_port,
)
from cashier.money import AmountError, parse_amount
from cashier.weburl import url_refusal

_MERCHANT_ID_RE = re.compile(r"[A-Z]{2}\d{8}")
_OPERATOR_ID_RE = re.compile(r"\d{10}")
_TERMINAL_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SIGN_KEY_RE = re.compile(r"[0-9A-F]{16}")
_PAYMENT_KEY_RE = re.compile(r"[!-~]{1,64}")  # printable ASCII, no spaces


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _string(label: str, value: object, *, secret: bool = False, hint: str = "") -> str:
    if not isinstance(value, str):
        shown = "" if secret else f" {value!r}"
        raise ConfigError(
            f"{label}{shown} must be a string in quotes{hint}, not {_type_name(value)}."
        )
    return value.strip()


def _text(label: str, value: object, base: Path | None) -> str:
    return _string(label, value)


def _raw_text(label: str, value: object, base: Path | None) -> str:
    """A string kept exactly (scanner prefixes/suffixes may be whitespace)."""
    if not isinstance(value, str):
        raise ConfigError(f"{label} must be a string in quotes, not {_type_name(value)}.")
    return value


def _optional_text(label: str, value: object, base: Path | None) -> str | None:
    return _string(label, value) or None


def _seconds(label: str, value: object, base: Path | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{label} {value!r} must be a number of seconds, not {_type_name(value)}."
        )
    if not 0 < value <= 3600:
        raise ConfigError(f"{label} {value!r} must be more than 0 and at most 3600 seconds.")
    return float(value)


def _boolean(label: str, value: object, base: Path | None) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{label} {value!r} must be true or false (no quotes).")
    return value


def _choice(enum_cls: type[enum.StrEnum]) -> Callable[[str, object, Path | None], Any]:
    def parse(label: str, value: object, base: Path | None) -> Any:
        text = _string(label, value)
        for member in enum_cls:
            if text.lower() == member.value.lower():
                return member
        choices = ", ".join(f'"{m.value}"' for m in enum_cls)
        raise ConfigError(f"{label} {text!r} is not one of {choices}.")

    return parse


def _path(label: str, value: object, base: Path | None) -> Path:
    text = _string(label, value)
    if not text:
        raise ConfigError(f"{label} is empty; give a file path or remove the line.")
    path = Path(text).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def _optional_path(label: str, value: object, base: Path | None) -> Path | None:
    if isinstance(value, str) and not value.strip():
        return None
    return _path(label, value, base)


def _url(label: str, value: object, base: Path | None) -> str:
    text = _string(label, value)
    refusal = url_refusal(text, label)
    if refusal is not None:
        raise ConfigError(f"{refusal}.")
    return text


def _optional_url(label: str, value: object, base: Path | None) -> str | None:
    if isinstance(value, str) and not value.strip():
        return None
    return _url(label, value, base)


def _listen(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value)
    if not text or text.lower() == "off":
        return None
    try:
        split_host_port(text)
    except ValueError:
        raise ConfigError(
            f"{label} {text!r} is not host:port, like \"0.0.0.0:8080\" (or \"off\")."
        ) from None
    return text


def _merchant_id(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value)
    if text and not _MERCHANT_ID_RE.fullmatch(text):
        raise ConfigError(
            f"{label} {text!r} is not a merchant id "
            "(two letters and eight digits, like QC00005496)."
        )
    return text or None


def _operator_id(label: str, value: object, base: Path | None) -> str | None:
    hint = ', like "0000020156"' if isinstance(value, int) else ""
    text = _string(label, value, hint=hint)
    if text and not _OPERATOR_ID_RE.fullmatch(text):
        raise ConfigError(f"{label} {text!r} is not an operator id (10 digits, like 0000020156).")
    return text or None


def _sign_key(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value, secret=True)
    return check_sign_key(label, text) if text else None


def check_sign_key(label: str, text: str) -> str:
    """Upper-case and check a sign key; the message never shows the key itself."""
    key = text.strip().upper()
    if not _SIGN_KEY_RE.fullmatch(key):
        raise ConfigError(
            f"{label} is not a sign key (16 hexadecimal characters, 0-9 and A-F; "
            f"the one given has {len(key)} characters)."
        )
    return key


def _merchant_payment_key(label: str, value: object, base: Path | None) -> str | None:
    """The ``merCode`` of payment links; messages never show it."""
    text = _string(label, value, secret=True)
    if text and not _PAYMENT_KEY_RE.fullmatch(text):
        raise ConfigError(
            f"{label} is not a merchant payment key (1 to 64 letters, digits or symbols without "
            f"spaces; the one given has {len(text)} characters)."
        )
    return text or None


def _link_seconds(label: str, value: object, base: Path | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{label} {value!r} must be a number of seconds, not {_type_name(value)}."
        )
    if not 60 <= value <= 7 * 24 * 3600:
        raise ConfigError(
            f"{label} {value!r} must be between 60 seconds and 7 days (604800 seconds)."
        )
    return float(value)


def _recheck_hours(label: str, value: object, base: Path | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{label} {value!r} must be a number of hours, not {_type_name(value)}.")
    if not 48 <= value <= 30 * 24:
        raise ConfigError(f"{label} {value!r} must be between 48 hours and 30 days (720 hours).")
    return float(value)


def _terminal_no(label: str, value: object, base: Path | None) -> str | None:
    hint = ", like \"01\"" if isinstance(value, int) else ""
    text = _string(label, value, hint=hint)
    if len(text) > 32:
        raise ConfigError(f"{label} {text!r} is longer than 32 characters.")
    return text or None


def _max_amount(label: str, value: object, base: Path | None) -> int:
    hint = f', like "{value}.00"' if isinstance(value, int) and not isinstance(value, bool) else ""
    text = _string(label, value, hint=hint)
    try:
        return parse_amount(text, max_cents=10**12)
    except AmountError as exc:
        reason = str(exc).rstrip(".")
        raise ConfigError(
            f"{label} {text!r} is not an amount ({reason[:1].lower()}{reason[1:]})."
        ) from None


def _ca_bundle(label: str, value: object, base: Path | None) -> Path | None:
    path = _optional_path(label, value, base)
    if path is None:
        return None
    try:
        ssl.create_default_context(cafile=str(path))
    except FileNotFoundError:
        raise ConfigError(f"{label} {str(path)!r} does not exist; give the PEM file of the "
                          "certificate authorities to trust, or remove the line.") from None
    except (OSError, ssl.SSLError, ValueError):
        raise ConfigError(f"{label} {str(path)!r} holds no PEM certificates (a file starting "
                          "with -----BEGIN CERTIFICATE-----).") from None
    return path


def _queries(label: str, value: object, base: Path | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ConfigError(f"{label} {value!r} must be a whole number from 1 to 1000.")
    return value


def _currency(label: str, value: object, base: Path | None) -> str:
    text = _string(label, value).upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ConfigError(f"{label} {text!r} is not a currency code (three letters, like CAD).")
    return text


def _confirm_above(label: str, value: object, base: Path | None) -> int | None:
    if isinstance(value, str) and value.strip() in ("", "0", "0.00"):
        return None
    return _max_amount(label, value, base)


def _baudrate(label: str, value: object, base: Path | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 50 <= value <= 4_000_000:
        raise ConfigError(f"{label} {value!r} is not a baud rate (a number like 9600 or 115200).")
    return value


def _width(label: str, value: object, base: Path | None) -> int:
    if isinstance(value, str) and value.strip() in ("58", "80"):
        raise ConfigError(f"{label} must be a number without quotes, like {value.strip()}.")
    if isinstance(value, bool) or value not in (58, 80):
        raise ConfigError(f"{label} {value!r} must be 58 or 80 (paper width in mm).")
    return int(value)


def _encoding(label: str, value: object, base: Path | None) -> str:

    text = _string(label, value)
    try:
        codecs.lookup(text)
    except LookupError:
        raise ConfigError(f"{label} {text!r} is not a text encoding Python knows.") from None
    return text


def _screen(label: str, value: object, base: Path | None) -> int | str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        return value.strip() or None
    raise ConfigError(f"{label} {value!r} must be a screen number (0, 1, ...) or a screen name.")


def _database_url(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value, secret=True)
    if not text:
        return None
    example = '"postgresql://user:password@host:5432/store"'
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigError(f"{label} is not a valid address; write it like {example}.") from None
    if "password" in parts.query.lower():
        raise ConfigError(f"{label} has the password in its query; put it after the user name "
                          f"({example}), where it is kept hidden.")
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ConfigError(f"{label} must be a PostgreSQL address like {example}.")
    if not valid_database_url(text):
        raise ConfigError(f"{label} {BAD_DATABASE_URL}.")
    return text


#: Why an address libpq cannot parse is refused; never the driver's words, which quote the bad
#: part of the address, often the password.
BAD_DATABASE_URL = ("is not a valid PostgreSQL address (check the characters of its password: "
                    "special characters must be percent-encoded, like %25 for %)")


def valid_database_url(text: str) -> bool:
    """Whether libpq can parse the address ``text`` as it will when connecting."""
    import psycopg  # only for a lane of a store
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(text)
    except psycopg.Error:
        return False
    return True


def _terminal_id(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value)
    if text and not _TERMINAL_ID_RE.fullmatch(text):
        raise ConfigError(f"{label} {text!r} must be 1 to 32 letters, digits, '-' or '_', "
                          'like "lane-1".')
    return text or None


PARSERS: dict[tuple[str, str], Callable[[str, object, Path | None], Any]] = {
    ("ottpay", "endpoint"): _url,
    ("ottpay", "merchant_id"): _merchant_id,
    ("ottpay", "operator_id"): _operator_id,
    ("ottpay", "sign_key"): _sign_key,
    ("ottpay", "sign_key_source"): _choice(SignKeySource),
    ("ottpay", "callback_url"): _optional_url,
    ("ottpay", "callback_listen"): _listen,
    ("ottpay", "timeout_seconds"): _seconds,
    ("ottpay", "connect_timeout_seconds"): _seconds,
    ("ottpay", "terminal_no"): _terminal_no,
    ("ottpay", "merchant_payment_key"): _merchant_payment_key,
    ("ottpay", "wappay_url"): _url,
    ("ottpay", "link_return_url"): _optional_url,
    ("ottpay", "ca_bundle"): _ca_bundle,
    ("ottpay", "idle_timeout_seconds"): _seconds,
    ("ottpay", "unionpay_qr"): _boolean,
    ("journal", "path"): _path,
    ("payments", "poll_interval_seconds"): _seconds,
    ("payments", "max_queries_per_sale"): _queries,
    ("payments", "passive_timeout_seconds"): _seconds,
    ("payments", "active_timeout_seconds"): _seconds,
    ("payments", "late_payment"): _choice(LatePaymentPolicy),
    ("payments", "max_amount"): _max_amount,
    ("payments", "confirm_above"): _confirm_above,
    ("payments", "link_valid_seconds"): _link_seconds,
    ("payments", "recheck_hours"): _recheck_hours,
    ("payments", "reconcile_interval_seconds"): _seconds,
    ("shop", "name"): _text,
    ("shop", "address"): _text,
    ("shop", "phone"): _text,
    ("shop", "currency"): _currency,
    ("scanner", "kind"): _choice(ScannerKind),
    ("scanner", "port"): _optional_text,
    ("scanner", "baudrate"): _baudrate,
    ("scanner", "suffix"): _choice(ScanSuffix),
    ("scanner", "wedge_prefix"): _raw_text,
    ("scanner", "wedge_suffix"): _raw_text,
    ("printer", "kind"): _choice(PrinterKind),
    ("printer", "address"): _optional_text,
    ("printer", "width"): _width,
    ("printer", "encoding"): _encoding,
    ("printer", "auto_print"): _boolean,
    ("printer", "logo"): _optional_path,
    ("display", "customer_display"): _boolean,
    ("display", "screen"): _screen,
    ("display", "kiosk"): _boolean,
    ("ui", "language"): _choice(Language),
    ("store", "database_url"): _database_url,
    ("store", "terminal_id"): _terminal_id,
    ("store", "terminal_name"): _text,
    ("store", "password_source"): _choice(SignKeySource),
}
