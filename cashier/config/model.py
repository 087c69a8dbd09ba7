"""The typed settings: one frozen dataclass per table of the settings file, and ``Config``
holding them all. Every value is typed (cents are int, seconds float, choices enums); a field
whose TOML key differs from its name says so in metadata ``{"key": ...}``."""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cashier.config.paths import default_journal_path
from cashier.money import DEFAULT_MAX_CENTS

DEFAULT_ENDPOINT = "https://frontapi.ottpay.com/processV2"
#: OTT Pay's Alipay mobile-browser payment page (payment links, ``cashier.ottpay.wappay``).
DEFAULT_WAPPAY_URL = "https://mppay.ottpay.com/wapPay"
#: How long a payment link stays payable by default (seconds).
DEFAULT_LINK_VALID_SECONDS = 900.0
DEFAULT_CONFIRM_ABOVE_CENTS = 100_000  # 1000.00: above it a sale is unusually large

_HOST_PORT_RE = re.compile(
    r"\[(?P<v6>[^\]]+)\]:(?P<port>\d{1,5})|(?P<host>[^:\s\[\]]+):(?P<p>\d{1,5})"
)


class ConfigError(Exception):
    """The settings cannot be used; the message is one sentence naming the file and the key."""


class SignKeySource(enum.StrEnum):
    FILE = "file"
    KEYRING = "keyring"


class LatePaymentPolicy(enum.StrEnum):
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
class OttPaySection:
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
        return None if self.callback_listen is None else split_host_port(self.callback_listen)


@dataclass(frozen=True)
class JournalSection:
    """``[journal]``: where the SQLite journal lives."""

    path: Path = field(default_factory=default_journal_path)


@dataclass(frozen=True)
class PaymentsSection:
    """``[payments]``: polling and waiting; ``max_amount`` in the file is a money string."""

    poll_interval_seconds: float = 3.0
    #: STATUS_QUERYs one sale may send while the cashier waits (the fast first seconds included).
    max_queries_per_sale: int = 60
    passive_timeout_seconds: float = 60.0
    active_timeout_seconds: float = 120.0
    late_payment: LatePaymentPolicy = LatePaymentPolicy.ASK
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
class ShopSection:
    """``[shop]``: printed on receipts; ``currency`` (ISO code) puts its symbol on amounts."""

    name: str = ""
    address: str = ""
    phone: str = ""
    currency: str = "CAD"


@dataclass(frozen=True)
class ScannerSection:
    """``[scanner]``: ``port`` is a device path, a COM name or ``VID:PID[:serial]``."""

    kind: ScannerKind = ScannerKind.NONE
    port: str | None = None
    baudrate: int = 9600
    suffix: ScanSuffix = ScanSuffix.CR
    wedge_prefix: str = ""
    wedge_suffix: str = ""


@dataclass(frozen=True)
class PrinterSection:
    """``[printer]``: ``address`` depends on ``kind`` (VID:PID, port, host[:port], file, name)."""

    kind: PrinterKind = PrinterKind.NONE
    address: str | None = None
    width: int = 80
    encoding: str = "gb18030"
    auto_print: bool = True
    logo: Path | None = None


@dataclass(frozen=True)
class DisplaySection:
    """``[display]``: the customer-facing second screen (by index or name), and whether the
    terminal fills its screen (``kiosk``) or runs in a window."""

    customer_display: bool = False
    screen: int | str | None = None
    kiosk: bool = True


@dataclass(frozen=True)
class UiSection:
    """``[ui]``."""

    language: Language = Language.EN


@dataclass(frozen=True)
class StoreSection:
    """``[store]``: the PostgreSQL store database shared by several counters (README, "Several
    counters"). Without ``database_url`` the terminal is on its own, as before.
    ``database_url`` may hold the database password: it is never logged or shown."""

    database_url: str | None = field(default=None, repr=False)
    terminal_id: str | None = None
    terminal_name: str = ""
    #: "keyring": the password is not in ``database_url`` in the file but in the OS keyring
    #: (``cashier config set-store-password``), put into the address when the file is loaded.
    password_source: SignKeySource = SignKeySource.FILE

    @property
    def enabled(self) -> bool:
        return self.database_url is not None

    @property
    def account(self) -> str:
        """``user@host`` of ``database_url``: whose password the keyring keeps."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.database_url or "")
        return f"{parts.username or ''}@{parts.hostname or ''}"

    @property
    def password(self) -> str | None:
        """The password in ``database_url`` (for the log's masking), if it holds one."""
        from urllib.parse import unquote, urlsplit

        found = urlsplit(self.database_url or "").password
        return unquote(found) if found else None


@dataclass(frozen=True)
class Config:
    """All settings. ``path`` is the file they came from (None: built-in defaults)."""

    ottpay: OttPaySection = field(default_factory=OttPaySection)
    journal: JournalSection = field(default_factory=JournalSection)
    payments: PaymentsSection = field(default_factory=PaymentsSection)
    shop: ShopSection = field(default_factory=ShopSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    display: DisplaySection = field(default_factory=DisplaySection)
    ui: UiSection = field(default_factory=UiSection)
    store: StoreSection = field(default_factory=StoreSection)
    path: Path | None = field(default=None, compare=False)

    @property
    def demo(self) -> bool:
        """No merchant credentials: run against the embedded simulator and say so."""
        return self.ottpay.merchant_id is None and self.ottpay.sign_key is None


SECTIONS: dict[str, type] = {
    "ottpay": OttPaySection,
    "journal": JournalSection,
    "payments": PaymentsSection,
    "shop": ShopSection,
    "scanner": ScannerSection,
    "printer": PrinterSection,
    "display": DisplaySection,
    "ui": UiSection,
    "store": StoreSection,
}


def toml_key(f: dataclasses.Field[Any]) -> str:
    return f.metadata.get("key", f.name)


def split_host_port(text: str) -> tuple[str, int]:
    found = _HOST_PORT_RE.fullmatch(text)
    if not found:
        raise ValueError(text)
    host = found.group("v6") or found.group("host")
    port = int(found.group("port") or found.group("p"))
    if port > 65535:
        raise ValueError(text)
    return host, port
