"""Typed settings from one TOML file, loaded once, validated with clear errors, then passed in.

    config = load_config()              # $CASHIER_CONFIG, else <config dir>/cashier.toml
    config.ottpay.merchant_id           # every value typed: cents are int, seconds float
    config.demo                         # True when no merchant credentials are configured

Every problem in the file raises ``ConfigError`` with one sentence that names the file and the key.
The sign key's value never appears in a message or a repr; use ``redacted_dict`` to show settings.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import os
import re
import ssl
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cashier.money import DEFAULT_MAX_CENTS, AmountError, format_cents, parse_amount
from cashier.private_files import make_private_dir
from cashier.secrets import KeyringSecretStore, SecretStore, SecretStoreError
from cashier.weburl import UrlProblem, hide_user_info, web_url_problem

APP_NAME = "cashier"
CONFIG_FILE_NAME = "cashier.toml"
JOURNAL_FILE_NAME = "journal.sqlite3"
#: Environment variable naming the settings file (same as the command's ``--config``).
CONFIG_ENV = "CASHIER_CONFIG"
DEFAULT_ENDPOINT = "https://frontapi.ottpay.com/processV2"
#: OTT Pay's Alipay mobile-browser payment page (payment links, ``cashier.ottpay.wappay``).
DEFAULT_WAPPAY_URL = "https://mppay.ottpay.com/wapPay"
#: How long a payment link stays payable by default (seconds).
DEFAULT_LINK_VALID_SECONDS = 900.0
DEFAULT_CONFIRM_ABOVE_CENTS = 100_000  # 1000.00: above it a sale is unusually large
REDACTED = "********"

_MERCHANT_ID_RE = re.compile(r"[A-Z]{2}\d{8}")
_OPERATOR_ID_RE = re.compile(r"\d{10}")
_SIGN_KEY_RE = re.compile(r"[0-9A-F]{16}")
_PAYMENT_KEY_RE = re.compile(r"[!-~]{1,64}")  # printable ASCII, no spaces
_HOST_PORT_RE = re.compile(
    r"\[(?P<v6>[^\]]+)\]:(?P<port>\d{1,5})|(?P<host>[^:\s\[\]]+):(?P<p>\d{1,5})"
)


class ConfigError(Exception):
    """The settings cannot be used; the message is one sentence naming the file and the key."""


# --- platform paths -------------------------------------------------------------------------


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return default_config_dir() / CONFIG_FILE_NAME


def default_journal_path() -> Path:
    return default_data_dir() / JOURNAL_FILE_NAME


# --- choices ---------------------------------------------------------------------------------


class SignKeySource(enum.StrEnum):
    FILE = "file"
    KEYRING = "keyring"


class LatePayment(enum.StrEnum):
    """What to do with a payment that succeeds after the cashier stopped waiting."""

    ASK = "ask"
    REFUND = "refund"


class ScannerKind(enum.StrEnum):
    NONE = "none"
    SERIAL = "serial"
    WEDGE = "wedge"


class ScanSuffix(enum.StrEnum):
    """What a serial scanner sends after each code."""

    CR = "CR"
    LF = "LF"
    CRLF = "CRLF"
    NONE = "none"

    @property
    def chars(self) -> str:
        return {"CR": "\r", "LF": "\n", "CRLF": "\r\n", "none": ""}[self.value]


class PrinterKind(enum.StrEnum):
    NONE = "none"
    USB = "usb"
    SERIAL = "serial"
    NETWORK = "network"
    FILE = "file"
    WIN32 = "win32"


class Language(enum.StrEnum):
    EN = "en"
    ZH_CN = "zh_CN"


# --- sections --------------------------------------------------------------------------------
# A field whose TOML key differs from its name says so in metadata {"key": ...}.


@dataclass(frozen=True)
class OttPaySettings:
    """``[ottpay]``: the gateway account. The two secrets (``sign_key`` and
    ``merchant_payment_key``, the ``merCode`` of payment links) are left out of the repr."""

    endpoint: str = DEFAULT_ENDPOINT
    merchant_id: str | None = None
    operator_id: str | None = None
    sign_key: str | None = field(default=None, repr=False)
    sign_key_source: SignKeySource = SignKeySource.FILE
    callback_url: str | None = None
    #: "host:port" for the optional callback receiver; None = no receiver.
    callback_listen: str | None = None
    timeout_seconds: float = 15.0
    connect_timeout_seconds: float = 3.05
    terminal_no: str | None = None
    #: ``merCode``: the merchant payment key for payment links (None = links are off).
    merchant_payment_key: str | None = field(default=None, repr=False)
    #: The ``wapPay`` page payment links point at.
    wappay_url: str = DEFAULT_WAPPAY_URL
    #: Where the customer's browser goes after paying a link; None = the callback receiver's
    #: ``/ottpay/return`` page on the host of ``callback_url``.
    link_return_url: str | None = None
    #: A PEM file of the certificate authorities to trust for the gateway instead of the public
    #: ones (a gateway or test server with a private CA); None = the public authorities.
    ca_bundle: Path | None = None
    #: How long the gateway keeps an unused connection open; the terminal reopens its
    #: connection ahead of need before then and never pays over one idle for half of it.
    idle_timeout_seconds: float = 60.0
    #: Offer a UnionPay QR (active pay); OTT Pay documents active pay for Alipay and WeChat Pay
    #: only. Scanned UnionPay codes are taken either way.
    unionpay_qr: bool = False

    @property
    def callback_listen_address(self) -> tuple[str, int] | None:
        """``callback_listen`` split for a server: ``("0.0.0.0", 8080)``, or None when off."""
        return None if self.callback_listen is None else _split_host_port(self.callback_listen)


@dataclass(frozen=True)
class JournalSettings:
    """``[journal]``: where the SQLite journal lives."""

    path: Path = field(default_factory=default_journal_path)


@dataclass(frozen=True)
class PaymentSettings:
    """``[payments]``: polling and waiting; ``max_amount`` in the file is a money string."""

    poll_interval_seconds: float = 3.0
    #: STATUS_QUERYs one sale may send while the cashier waits (the fast first seconds included).
    max_queries_per_sale: int = 60
    passive_timeout_seconds: float = 60.0
    active_timeout_seconds: float = 120.0
    late_payment: LatePayment = LatePayment.ASK
    max_amount_cents: int = field(default=DEFAULT_MAX_CENTS, metadata={"key": "max_amount"})
    #: A total above it is unusually large here: the cashier confirms it before it is sent
    #: (``None``: never ask; "0" in the file).
    confirm_above_cents: int | None = field(default=DEFAULT_CONFIRM_ABOVE_CENTS,
                                            metadata={"key": "confirm_above"})
    #: How long a payment link may be paid; after it the sale is closed unless the gateway
    #: reports it paid.
    link_valid_seconds: float = DEFAULT_LINK_VALID_SECONDS
    #: How long an outcome that rests on silence (a sale closed because the gateway did not
    #: know it, a refund a manager released) is asked about again; at least 48 hours.
    recheck_hours: float = 48.0
    #: Seconds between reconciliation sweeps while the terminal runs.
    reconcile_interval_seconds: float = 600.0


@dataclass(frozen=True)
class ShopSettings:
    """``[shop]``: printed on receipts; ``currency`` (ISO code) puts its symbol on amounts."""

    name: str = ""
    address: str = ""
    phone: str = ""
    currency: str = "CAD"


@dataclass(frozen=True)
class ScannerSettings:
    """``[scanner]``: ``port`` is a device path, a COM name or ``VID:PID[:serial]``."""

    kind: ScannerKind = ScannerKind.NONE
    port: str | None = None
    baudrate: int = 9600
    suffix: ScanSuffix = ScanSuffix.CR
    wedge_prefix: str = ""
    wedge_suffix: str = ""


@dataclass(frozen=True)
class PrinterSettings:
    """``[printer]``: ``address`` depends on ``kind`` (VID:PID, port, host[:port], file, name)."""

    kind: PrinterKind = PrinterKind.NONE
    address: str | None = None
    width: int = 80
    encoding: str = "gb18030"
    auto_print: bool = True
    logo: Path | None = None


@dataclass(frozen=True)
class DisplaySettings:
    """``[display]``: the customer-facing second screen (by index or name), and whether the
    terminal fills its screen (``kiosk``) or runs in a window."""

    customer_display: bool = False
    screen: int | str | None = None
    kiosk: bool = True


@dataclass(frozen=True)
class UiSettings:
    """``[ui]``."""

    language: Language = Language.EN


@dataclass(frozen=True)
class Config:
    """All settings. ``path`` is the file they came from (None: built-in defaults)."""

    ottpay: OttPaySettings = field(default_factory=OttPaySettings)
    journal: JournalSettings = field(default_factory=JournalSettings)
    payments: PaymentSettings = field(default_factory=PaymentSettings)
    shop: ShopSettings = field(default_factory=ShopSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    ui: UiSettings = field(default_factory=UiSettings)
    path: Path | None = field(default=None, compare=False)

    @property
    def demo(self) -> bool:
        """No merchant credentials: run against the embedded simulator and say so."""
        return self.ottpay.merchant_id is None and self.ottpay.sign_key is None


_SECTIONS: dict[str, type] = {
    "ottpay": OttPaySettings,
    "journal": JournalSettings,
    "payments": PaymentSettings,
    "shop": ShopSettings,
    "scanner": ScannerSettings,
    "printer": PrinterSettings,
    "display": DisplaySettings,
    "ui": UiSettings,
}


def _toml_key(f: dataclasses.Field[Any]) -> str:
    return f.metadata.get("key", f.name)


# --- loading ---------------------------------------------------------------------------------


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    secret_store: SecretStore | None = None,
    env: Mapping[str, str] = os.environ,
) -> Config:
    """Read the settings file: ``path``, else ``$CASHIER_CONFIG``, else the platform default.

    A file named explicitly (argument or environment) must exist; a missing default file means
    demo mode with defaults. ``secret_store`` is asked for the sign key when
    ``sign_key_source = "keyring"`` (default: the OS keyring).
    """
    chosen = path if path is not None else (env.get(CONFIG_ENV) or None)
    if chosen is None:
        file = default_config_path()
        if not file.exists():
            return Config()
    else:
        file = Path(chosen).expanduser()
    try:
        # utf-8-sig: Windows Notepad may start the file with a byte-order mark.
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such settings file.") from None
    except IsADirectoryError:
        raise ConfigError(f"{file}: is a folder, not a settings file.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: is not a UTF-8 text file.") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot be read ({exc.strerror}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: broken TOML {_decode_error_place(exc)}.") from None
    return config_from_dict(data, source=file, secret_store=secret_store)


def config_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | os.PathLike[str] | None = None,
    secret_store: SecretStore | None = None,
) -> Config:
    """Validate settings shaped like the TOML file (e.g. from a first-run setup form).

    ``source`` names the origin in error messages and becomes ``Config.path`` when it is a file.
    """
    where = str(source) if source is not None else "settings"
    base = Path(source).parent if source is not None else None
    for name in data:
        if name not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{name}]{_suggest(name, _SECTIONS)}.")
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: [{name}] must be a table of settings, not a single value.")
        sections[name] = _parse_section(where, name, cls, table, base)
    _check_devices(where, sections["scanner"], sections["printer"])
    ottpay = _resolve_credentials(where, sections["ottpay"], secret_store)
    sections["ottpay"] = ottpay
    if ottpay.sign_key or ottpay.merchant_payment_key:
        from urllib.parse import quote, quote_plus

        from cashier.logsetup import register_secret

        register_secret(ottpay.sign_key)
        key = ottpay.merchant_payment_key
        if key:  # as typed, and as it appears inside a payment link's query
            for form in {key, quote_plus(key), quote(key, safe="")}:
                register_secret(form)
    return Config(**sections, path=Path(source) if source is not None else None)


def _decode_error_place(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = re.sub(r"\s*\(at .*?\)$", "", message).strip().rstrip(".").lower() or "error"
    if found:
        return f"at line {found.group(1)}, column {found.group(2)}: {reason}"
    return f"({reason})"


def _suggest(word: str, known: Mapping[str, Any] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (known: {', '.join(known)})"


def _parse_section(
    where: str, section: str, cls: type, table: Mapping[str, Any], base: Path | None
) -> Any:
    fields = {_toml_key(f): f for f in dataclasses.fields(cls)}
    for key in table:
        if key not in fields:
            raise ConfigError(
                f"{where}: [{section}] unknown key '{key}'{_suggest(key, list(fields))}."
            )
    values: dict[str, Any] = {}
    for key, f in fields.items():
        if key in table:
            label = f"{where}: [{section}] {key}"
            values[f.name] = _PARSERS[(section, key)](label, table[key], base)
    return cls(**values)


# --- value parsers: (label, raw value, folder of the file) -> typed value --------------------


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
    problem = web_url_problem(text)
    shown = hide_user_info(text)
    if problem is UrlProblem.NOT_A_WEB_ADDRESS:
        raise ConfigError(f"{label} {shown!r} is not a web address like https://host/path.")
    if problem is UrlProblem.PLAIN_HTTP:
        raise ConfigError(
            f"{label} {shown!r} must use https (plain http is allowed only on this computer, "
            "127.0.0.1 or localhost)."
        )
    if problem is UrlProblem.USER_INFO:
        raise ConfigError(f"{label} {shown!r} must not hold a user name or password "
                          "(user:password@); remove it, the address alone is enough.")
    return text


def _optional_url(label: str, value: object, base: Path | None) -> str | None:
    if isinstance(value, str) and not value.strip():
        return None
    return _url(label, value, base)


def _split_host_port(text: str) -> tuple[str, int]:
    found = _HOST_PORT_RE.fullmatch(text)
    if not found:
        raise ValueError(text)
    host = found.group("v6") or found.group("host")
    port = int(found.group("port") or found.group("p"))
    if port > 65535:
        raise ValueError(text)
    return host, port


def _listen(label: str, value: object, base: Path | None) -> str | None:
    text = _string(label, value)
    if not text or text.lower() == "off":
        return None
    try:
        _split_host_port(text)
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
    return _check_sign_key(label, text) if text else None


def _check_sign_key(label: str, text: str) -> str:
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
    import codecs

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


_PARSERS: dict[tuple[str, str], Callable[[str, object, Path | None], Any]] = {
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
    ("payments", "late_payment"): _choice(LatePayment),
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
}


# --- checks across keys ----------------------------------------------------------------------


_PRINTER_ADDRESS_EXAMPLES = {
    PrinterKind.USB: '"0416:5011" (USB vendor:product id)',
    PrinterKind.SERIAL: '"/dev/ttyUSB0" or "COM3"',
    PrinterKind.NETWORK: '"192.168.1.50" or "192.168.1.50:9100"',
    PrinterKind.FILE: '"/dev/usb/lp0"',
}


def _check_devices(where: str, scanner: ScannerSettings, printer: PrinterSettings) -> None:
    if scanner.kind is ScannerKind.SERIAL and scanner.port is None:
        raise ConfigError(
            f'{where}: [scanner] port is missing; kind "serial" needs a port, like "/dev/ttyACM0", '
            '"COM3" or "1EAB:0D10".'
        )
    example = _PRINTER_ADDRESS_EXAMPLES.get(printer.kind)
    if example is not None and printer.address is None:
        raise ConfigError(
            f'{where}: [printer] address is missing; kind "{printer.kind}" needs one, like '
            f"{example}."
        )


def _resolve_credentials(
    where: str, ottpay: OttPaySettings, secret_store: SecretStore | None
) -> OttPaySettings:
    """Fetch a keyring sign key and refuse half-configured credentials."""
    label = f"{where}: [ottpay]"
    if ottpay.sign_key_source is SignKeySource.KEYRING:
        if ottpay.sign_key is not None:
            raise ConfigError(
                f"{label} sign_key is in the file although sign_key_source is \"keyring\"; "
                "remove one of the two."
            )
        if ottpay.merchant_id is None:
            raise ConfigError(
                f"{label} sign_key_source is \"keyring\" but merchant_id is missing "
                "(the keyring entry is found by merchant id)."
            )
        store = secret_store if secret_store is not None else KeyringSecretStore()
        try:
            stored = store.get_sign_key(ottpay.merchant_id)
        except SecretStoreError as exc:
            raise ConfigError(f"{label} sign_key_source is \"keyring\" but {exc}.") from None
        if not stored:
            raise ConfigError(
                f"{label} sign_key_source is \"keyring\" but the OS keyring has no sign key for "
                f"merchant {ottpay.merchant_id} (service \"cashier\")."
            )
        key = _check_sign_key(f"{label} sign_key (from the OS keyring)", stored)
        ottpay = dataclasses.replace(ottpay, sign_key=key)
    if ottpay.merchant_id is not None and ottpay.sign_key is None:
        raise ConfigError(
            f"{label} merchant_id is set but sign_key is missing; add the sign key "
            "(or remove merchant_id to run in demo mode)."
        )
    if ottpay.merchant_id is not None and ottpay.operator_id is None:
        raise ConfigError(
            f"{label} merchant_id is set but operator_id is missing; add the operator id OTT Pay "
            'gave you (ten digits in quotes, like "0000020156").'
        )
    if ottpay.sign_key is not None and ottpay.merchant_id is None:
        raise ConfigError(
            f"{label} sign_key is set but merchant_id is missing; add the merchant id "
            "(or remove sign_key to run in demo mode)."
        )
    if ottpay.merchant_payment_key is not None and ottpay.merchant_id is None:
        raise ConfigError(
            f"{label} merchant_payment_key is set but merchant_id is missing; add the merchant "
            "id and sign key (demo mode uses the simulator's own payment key)."
        )
    return ottpay


# --- writing and showing ---------------------------------------------------------------------


def config_to_dict(config: Config, *, include_sign_key: bool = True) -> dict[str, Any]:
    """Settings shaped like the TOML file (None values left out). Holds the sign key unless
    ``include_sign_key`` is false or the key comes from the keyring; the merchant payment key
    likewise unless ``include_sign_key`` is false."""
    out: dict[str, Any] = {}
    for name in _SECTIONS:
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
            table[_toml_key(f)] = _to_toml_value(name, f.name, value)
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
    make_private_dir(target.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if os.name == "posix":
                os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


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
    data["demo"] = config.demo
    data["path"] = str(config.path) if config.path is not None else None
    return data


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered.endswith("_source"):
        return False
    return any(word in lowered for word in ("key", "secret", "password", "token"))
