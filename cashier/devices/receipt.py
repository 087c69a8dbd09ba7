"""Receipts and X/Z reports as ESC/POS bytes: pure functions of a plain view model.

Built on python-escpos ``Dummy`` (commands: alignment, bold, QR, barcode, logo, cut). Text is
encoded here, not by python-escpos' magic encoder, because a Chinese printer needs its own
multi-byte mode (``FS &``) and an encoding the magic encoder does not know (gb18030, gbk, big5).
Text the printer encoding cannot represent becomes ``?``; rendering never raises for odd text.

Layout is measured in printer columns: 32 on 58 mm paper, 48 on 80 mm. In Chinese mode every
non-ASCII character is a two-column glyph; on a code-page printer every character is one column
(``printed_text.char_width``).

The fixed labels come from ``receipt_text`` in the style's ``language`` ("en" or "zh_CN"); Chinese
labels need a Chinese encoding (gb18030), on a code-page printer they print as ``?``.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cashier.devices import receipt_text
from cashier.devices.printed_text import (
    ReceiptError,
    encode_text,
    is_chinese_encoding,
    text_encoding,
    two_columns,
    wrap,
)
from cashier.money import check_cents, format_cents

if TYPE_CHECKING:
    from escpos.printer import Dummy


def _new_dummy() -> Dummy:
    # Imported on first use: python-escpos takes ~0.1 s to import, which every importer of this
    # module (the CLI, the UI at start-up) would otherwise pay before printing anything.
    from escpos.printer import Dummy

    return Dummy()

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."
ESC_SELECT_CODE_PAGE = b"\x1bt"

#: Columns for the common paper widths.
COLUMNS_BY_PAPER_MM = {58: 32, 80: 48}

CODE_KINDS = ("qr", "barcode", "none")


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class ReceiptStyle:
    """How a printer wants its receipts: width, text encoding, logo, look-up code, language.

    ``language`` is "en" or "zh_CN" (``cashier.config.Language`` works too); anything else prints
    English.
    """

    columns: int = 48
    encoding: str = "gb18030"
    logo_path: str | None = None
    code: str = "qr"  # "qr" | "barcode" | "none"
    native_qr: bool = True  # False: send the QR as an image, for printers without GS ( k
    language: str = receipt_text.ENGLISH

    def __post_init__(self) -> None:
        if not 16 <= self.columns <= 80:
            raise ReceiptError(f"Paper width of {self.columns} columns is not supported (16-80).")
        if self.code not in CODE_KINDS:
            raise ReceiptError(f"Receipt code {self.code!r} unknown; use qr, barcode or none.")
        text_encoding(self.encoding)  # raises ReceiptError when unknown
        object.__setattr__(self, "language", receipt_text.language_of(self.language))

    def label(self, key: str, **fields: object) -> str:
        """A fixed receipt label in this style's language."""
        return receipt_text.text(key, self.language, **fields)

    def wallet(self, wallet: str) -> str:
        """A wallet's name in this style's language (a biz_type or English label is translated)."""
        return receipt_text.wallet_name(wallet, self.language)


@dataclass(frozen=True)
class ReceiptLine:
    """An item or free text line on a receipt, with an optional amount on the right."""

    text: str
    amount_cents: int | None = None


@dataclass(frozen=True)
class ReceiptData:
    """One sale or refund receipt, as the journal knows it. Amounts in integer cents.

    ``state`` is ``"PAID"`` or ``"REFUND"``; ``copy`` is ``"customer"`` or ``"merchant"``.
    ``timestamp`` is printed as given (pass local time). For a refund, ``amount_cents`` is the
    refunded amount (printed negative) and ``original_order_id`` the sale it refunds.
    ``total_cents`` defaults to amount + tip and must equal it when given.
    """

    merchant_name: str
    timestamp: datetime
    operator: str
    wallet_label: str
    amount_cents: int
    order_id: str
    state: str = "PAID"
    copy: str = "customer"
    tip_cents: int = 0
    total_cents: int | None = None
    gateway_order_id: str = ""
    merchant_address: str = ""
    original_order_id: str = ""  # for a refund: the sale it refunds
    masked_code: str = ""  # the customer's payment code, already masked
    lines: tuple[ReceiptLine, ...] = ()
    footer: str = ""
    reprint: bool = False

    def __post_init__(self) -> None:
        if self.state not in ("PAID", "REFUND"):
            raise ReceiptError(f"Receipt state {self.state!r} unknown; use PAID or REFUND.")
        if self.copy not in ("customer", "merchant"):
            raise ReceiptError(f"Receipt copy {self.copy!r} unknown; use customer or merchant.")
        check_cents(self.amount_cents, max_cents=10**12)
        check_cents(self.tip_cents, max_cents=10**12, allow_zero=True)
        total = self.amount_cents + self.tip_cents
        if self.total_cents is None:
            object.__setattr__(self, "total_cents", total)
        elif self.total_cents != total:
            raise ReceiptError(
                f"Receipt total {format_cents(self.total_cents)} is not amount plus tip "
                f"({format_cents(total)})."
            )
        if not self.order_id:
            raise ReceiptError("A receipt needs an order id.")


@dataclass(frozen=True)
class ReportWallet:
    """One wallet's figures for a report period (on a store report: one lane's, its label the
    lane). Net = sales + tips - refunds."""

    wallet_label: str
    sale_count: int = 0
    sale_cents: int = 0  # amounts without tips
    tip_cents: int = 0
    refund_count: int = 0
    refund_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.sale_cents + self.tip_cents - self.refund_cents


@dataclass(frozen=True)
class ReportLatePayment:
    """A payment that succeeded after the terminal gave up on it: needs the cashier's attention."""

    order_id: str
    wallet_label: str
    amount_cents: int
    timestamp: datetime
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    """An X (interim) or Z (closing) report. Totals are computed from ``wallets``.

    ``store``: the store's report of every lane, one section per lane in ``wallets``;
    ``notes`` are printed after the totals (the lanes still open).
    """

    kind: str  # "X" | "Z"
    merchant_name: str
    period_start: datetime
    period_end: datetime
    operator: str = ""
    wallets: tuple[ReportWallet, ...] = ()
    late_payments: tuple[ReportLatePayment, ...] = ()
    merchant_address: str = ""
    report_number: int | None = None
    store: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("X", "Z"):
            raise ReceiptError(f"Report kind {self.kind!r} unknown; use X or Z.")

    @property
    def sale_count(self) -> int:
        return sum(w.sale_count for w in self.wallets)

    @property
    def sale_cents(self) -> int:
        return sum(w.sale_cents for w in self.wallets)

    @property
    def tip_cents(self) -> int:
        return sum(w.tip_cents for w in self.wallets)

    @property
    def refund_count(self) -> int:
        return sum(w.refund_count for w in self.wallets)

    @property
    def refund_cents(self) -> int:
        return sum(w.refund_cents for w in self.wallets)

    @property
    def net_cents(self) -> int:
        return sum(w.net_cents for w in self.wallets)


@dataclass
class _Doc:
    """A receipt under construction: a Dummy printer plus the style's text encoder."""

    style: ReceiptStyle
    printer: Dummy = field(default_factory=_new_dummy)

    def raw(self, data: bytes) -> None:
        self.printer._raw(data)

    def line(self, text: str = "") -> None:
        self.raw(encode_text(text, self.style.encoding) + b"\n")

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def rule(self, char: str = "-") -> None:
        self.line(char * self.style.columns)

    def pair(self, left: str, right: str) -> None:
        self.lines(two_columns(left, right, self.style.columns, self.style.encoding))

    def centered(self, text: str, *, bold: bool = False, double_height: bool = False) -> None:
        self.printer.set(align="center", bold=bold, double_height=double_height)
        self.wrapped(text)

    def wrapped(self, text: str) -> None:
        self.lines(wrap(text, self.style.columns, self.style.encoding))
        self.printer.set(align="left", bold=False, double_height=False, normal_textsize=True)

    def bytes(self) -> bytes:
        return self.printer.output


def _money(cents: int, *, negative: bool = False) -> str:
    return format_cents(-cents if negative and cents else cents, thousands=True)


# --------------------------------------------------------------------------- documents


def _start(style: ReceiptStyle) -> _Doc:
    doc = _Doc(style)
    doc.raw(ESC_INIT)
    if is_chinese_encoding(style.encoding):
        doc.raw(FS_CHINESE_ON)
    else:
        doc.raw(FS_CHINESE_OFF)
        page = _code_page_number(doc.printer, style.encoding)
        if page is not None:
            doc.raw(ESC_SELECT_CODE_PAGE + bytes([page]))
    if style.logo_path:
        _logo(doc, style.logo_path)
    return doc


def _code_page_number(printer: Dummy, encoding: str) -> int | None:
    """The ``ESC t`` number of a code page in python-escpos' default printer profile."""
    codec = text_encoding(encoding)
    for name, number in printer.profile.get_code_pages().items():
        try:
            if codecs.lookup(name.lower().replace("_", "-")).name == codec:
                return int(number)
        except LookupError:
            continue
    return None


def _logo(doc: _Doc, path: str) -> None:
    """Print the logo image; a missing or broken file is skipped rather than failing the sale."""
    if not Path(path).is_file():
        return
    doc.printer.set(align="center")
    try:
        with _quiet():
            doc.printer.image(path)
    except Exception:  # noqa: BLE001 - a bad logo must never stop a receipt
        pass
    doc.printer.set(align="left")


def _quiet() -> contextlib.AbstractContextManager[object]:
    """python-escpos ``print()``s notes from ``image()``; keep them off our stdout."""
    return contextlib.redirect_stdout(io.StringIO())


def _header(doc: _Doc, name: str, address: str) -> None:
    doc.centered(name, bold=True, double_height=True)
    if address:
        doc.centered(address)
    doc.rule()


def _lookup_code(doc: _Doc, order_id: str) -> None:
    style = doc.style
    if style.code == "qr":
        doc.printer.set(align="center")
        with _quiet():
            doc.printer.qr(order_id, size=6, native=style.native_qr)
        doc.printer.set(align="left")
    elif style.code == "barcode" and order_id.isascii():
        # _hw_barcode: barcode() would print() "Using hardware barcode renderer" on stdout.
        doc.printer._hw_barcode("{B" + order_id, "CODE128", function_type="B", check=False)
    doc.centered(order_id)


def _finish(doc: _Doc) -> bytes:
    doc.printer.cut()
    return doc.bytes()


def render_receipt(data: ReceiptData, style: ReceiptStyle | None = None) -> bytes:
    """A sale or refund receipt as ESC/POS bytes, ready to send to the printer in one write."""
    style = style or ReceiptStyle()
    doc = _start(style)
    _header(doc, data.merchant_name, data.merchant_address)
    label = style.label
    doc.centered(label("customer_copy" if data.copy == "customer" else "merchant_copy"), bold=True)
    if data.reprint:
        doc.centered(label("reprint"))
    refund = data.state == "REFUND"
    doc.centered(label("refund_state" if refund else "paid"), bold=True, double_height=True)
    doc.pair(label("date"), data.timestamp.strftime("%Y-%m-%d %H:%M:%S"))
    if data.operator:
        doc.pair(label("operator"), data.operator)
    doc.pair(label("wallet"), style.wallet(data.wallet_label))
    if data.masked_code:
        doc.pair(label("code"), data.masked_code)
    if data.lines:
        doc.rule()
        for item in data.lines:
            amount = "" if item.amount_cents is None else _money(item.amount_cents)
            doc.pair(item.text, amount)
    doc.rule()
    doc.pair(label("refund_amount" if refund else "amount"),
             _money(data.amount_cents, negative=refund))
    if data.tip_cents:
        doc.pair(label("tip"), _money(data.tip_cents, negative=refund))
    doc.printer.set(bold=True)
    doc.pair(label("total"), _money(data.total_cents or 0, negative=refund))
    doc.printer.set(bold=False)
    doc.rule()
    doc.pair(label("order"), data.order_id)
    if data.gateway_order_id:
        doc.pair(label("gateway_order"), data.gateway_order_id)
    if data.original_order_id:
        doc.pair(label("refund_of"), data.original_order_id)
    _lookup_code(doc, data.order_id)
    if data.footer:
        doc.centered(data.footer)
    return _finish(doc)


def render_report(data: ReportData, style: ReceiptStyle | None = None) -> bytes:
    """An X or Z report as ESC/POS bytes: per-wallet figures, totals, late payments."""
    style = style or ReceiptStyle()
    doc = _start(style)
    _header(doc, data.merchant_name, data.merchant_address)
    label = style.label
    kind = "z_report" if data.kind == "Z" else "x_report"
    title = label(f"store_{kind}" if data.store else kind)
    if data.report_number is not None:
        title += f" #{data.report_number}"
    doc.centered(title, bold=True, double_height=True)
    doc.pair(label("from"), data.period_start.strftime("%Y-%m-%d %H:%M:%S"))
    doc.pair(label("to"), data.period_end.strftime("%Y-%m-%d %H:%M:%S"))
    if data.operator:
        doc.pair(label("operator"), data.operator)
    for wallet in data.wallets:
        doc.rule()
        doc.printer.set(bold=True)
        doc.wrapped(style.wallet(wallet.wallet_label))
        doc.printer.set(bold=False)
        doc.pair("  " + label("sales", count=wallet.sale_count), _money(wallet.sale_cents))
        doc.pair("  " + label("tips"), _money(wallet.tip_cents))
        doc.pair("  " + label("refunds", count=wallet.refund_count),
                 _money(wallet.refund_cents, negative=True))
        doc.pair("  " + label("net"), _money(wallet.net_cents))
    doc.rule("=")
    doc.pair(label("sales", count=data.sale_count), _money(data.sale_cents))
    doc.pair(label("tips"), _money(data.tip_cents))
    doc.pair(label("refunds", count=data.refund_count),
             _money(data.refund_cents, negative=True))
    doc.printer.set(bold=True)
    doc.pair(label("net_total"), _money(data.net_cents))
    doc.printer.set(bold=False)
    for note in data.notes:
        doc.wrapped(note)
    if data.late_payments:
        doc.rule()
        doc.centered(label("late_payments", count=len(data.late_payments)), bold=True)
        for late in data.late_payments:
            doc.pair(late.timestamp.strftime("%m-%d %H:%M"), _money(late.amount_cents))
            doc.pair("  " + style.wallet(late.wallet_label), late.order_id)
            if late.note:
                doc.wrapped("  " + late.note)
    doc.rule()
    return _finish(doc)


def render_test_page(
    style: ReceiptStyle | None = None, *, merchant_name: str = "cashier", sample: Sequence[str] = ()
) -> bytes:
    """A printer test page: width ruler, encoding sample (Chinese), a QR code and the cut."""
    style = style or ReceiptStyle()
    doc = _start(style)
    _header(doc, merchant_name, style.label("printer_test"))
    doc.line(("1234567890" * 8)[: style.columns])
    doc.pair(style.label("columns"), str(style.columns))
    doc.pair(style.label("encoding"), style.encoding)
    for text in sample or ("中文测试 收银台", "Ümlaut café"):
        doc.wrapped(text)
    _lookup_code(doc, "TEST-0001")
    return _finish(doc)


def columns_for_paper(paper_mm: int) -> int:
    """Columns of Font A text on 58 mm or 80 mm paper."""
    try:
        return COLUMNS_BY_PAPER_MM[paper_mm]
    except KeyError:
        raise ReceiptError(f"Paper width {paper_mm} mm unsupported; use 58 or 80.") from None
