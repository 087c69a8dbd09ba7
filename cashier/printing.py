"""Journal records to receipts: sales, refunds and X/Z reports as view models and ESC/POS bytes.

    data = receipt_bytes_for_sale(sale, config, copy="merchant")     # ESC/POS, ready to send
    send_to_printer(data, config)                                     # PrintError when it fails

The journal knows the sale, ``[shop]`` the header, ``[printer]`` the paper and encoding and
``[ui] language`` the language of the printed labels (receipts follow the terminal). Rendering
itself is ``cashier.devices.receipt`` (a pure function). No Qt: the ``cashier`` command sends
what it renders at once; the terminal queues it on its spooler through ``ReceiptQueue``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cashier.config import Config
from cashier.devices import printed_text, receipt_text
from cashier.devices import receipt as r
from cashier.devices.printer import PrintError, PrinterSettings, ReceiptPrinter
from cashier.devices.spooler import PrintJob, PrintSpooler
from cashier.journal.records import PAID_STATES, Refund, Sale
from cashier.payments.reports import DayReport

if TYPE_CHECKING:
    from cashier.port import CounterPort

log = logging.getLogger(__name__)

COPIES = ("customer", "merchant")

__all__ = [
    "COPIES",
    "PrintError",
    "ReceiptQueue",
    "printer_settings",
    "receipt_bytes_for_refund",
    "receipt_bytes_for_sale",
    "receipt_language",
    "receipt_style",
    "refund_receipt",
    "report_bytes",
    "report_data",
    "store_report_bytes",
    "store_report_data",
    "sale_receipt",
    "send_to_printer",
]


# --- settings --------------------------------------------------------------------------------


def printer_settings(config: Config, **overrides: object) -> PrinterSettings:
    """The devices' printer settings from ``[printer]`` (``overrides`` win, e.g. kind/address)."""
    p = config.printer
    values: dict[str, object] = dict(
        kind=str(p.kind), address=p.address or "", paper_mm=p.width, encoding=p.encoding,
        logo_path=str(p.logo) if p.logo else None,
    )
    values.update(overrides)
    return PrinterSettings(**values)  # type: ignore[arg-type]


def receipt_language(config: Config) -> str:
    """The language receipts print in: the terminal's ``[ui] language`` ("en" or "zh_CN")."""
    return receipt_text.language_of(config.ui.language)


def receipt_style(config: Config) -> r.ReceiptStyle:
    """Paper width, encoding and logo of the configured printer, labels in the UI's language.

    Chinese labels on a printer encoding without Chinese (cp437...) print as ``?``; that is
    logged as a warning once per encoding, naming the setting that fixes it.
    """
    style = dataclasses.replace(printer_settings(config).style(),
                                language=receipt_language(config))
    _warn_if_labels_unprintable(style)
    return style


_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def _warn_if_labels_unprintable(style: r.ReceiptStyle) -> None:
    if printed_text.can_print_labels(style.language, style.encoding):
        return
    with _warned_lock:
        if (style.language, style.encoding) in _warned:
            return
        _warned.add((style.language, style.encoding))
    log.warning(
        'Receipts are in %s ([ui] language = "%s") but printer encoding "%s" cannot print its '
        'labels, so they print as "?". Set printer.encoding = "gb18030" ([printer] encoding in '
        "the settings) for a Chinese-capable printer.",
        "Chinese" if style.language == receipt_text.CHINESE else style.language,
        style.language, style.encoding,
    )


def _merchant(config: Config) -> tuple[str, str]:
    shop = config.shop
    fallback = "demo_shop" if config.demo else "receipt"
    name = shop.name or receipt_text.text(fallback, receipt_language(config))
    address = "\n".join(part for part in (shop.address, shop.phone) if part)
    return name, address


def _wallet_label(wallet: str, config: Config) -> str:
    """The wallet's name in the receipt language (an unknown biz_type is printed as it is)."""
    return receipt_text.wallet_name(wallet, receipt_language(config))


def _local(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch)


def _sale_time(sale: Sale) -> dt.datetime:
    """When the customer paid (the gateway's trade time), in local time; else when settled."""
    if sale.trade_time:
        try:
            moment = dt.datetime.fromisoformat(sale.trade_time)
        except ValueError:
            moment = None
        if moment is not None:
            return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
    return _local(sale.settled_at or sale.created_at)


# --- sales and refunds -----------------------------------------------------------------------


def sale_receipt(sale: Sale, config: Config, copy: str = "customer", *,
                 reprint: bool = False, operator: str | None = None) -> r.ReceiptData:
    """The PAID receipt of a sale that was paid (later refunds do not change it).

    ``operator``: who sold it, by name (default: the sale's operator id).
    ``ReceiptError`` for a sale that was never paid: it has no receipt.
    """
    if sale.state not in PAID_STATES:
        raise r.ReceiptError(
            f"Sale {sale.order_id} is {sale.state}: only a paid sale has a receipt."
        )
    name, address = _merchant(config)
    return r.ReceiptData(
        merchant_name=name, merchant_address=address, timestamp=_sale_time(sale),
        operator=operator or sale.operator_id or "",
        wallet_label=_wallet_label(sale.wallet, config),
        amount_cents=sale.amount_cents, tip_cents=sale.tip_cents, order_id=sale.order_id,
        gateway_order_id=sale.bizpay_order_id or "", masked_code=sale.masked_code or "",
        state="PAID", copy=copy, reprint=reprint,
    )


def refund_receipt(refund: Refund, sale: Sale, config: Config, copy: str = "customer", *,
                   reprint: bool = False, operator: str | None = None) -> r.ReceiptData:
    """The REFUND receipt of a succeeded refund of ``sale`` (``operator``: by name)."""
    if refund.state != "succeeded":
        raise r.ReceiptError(
            f"Refund {refund.refund_id} is {refund.state}: only a refund that went through has "
            "a receipt."
        )
    name, address = _merchant(config)
    return r.ReceiptData(
        merchant_name=name, merchant_address=address, timestamp=_local(refund.updated_at),
        operator=operator or refund.operator_id or sale.operator_id or "",
        wallet_label=_wallet_label(sale.wallet, config), amount_cents=refund.amount_cents,
        order_id=refund.refund_id, original_order_id=sale.order_id, state="REFUND", copy=copy,
        reprint=reprint,
    )


def receipt_bytes_for_sale(sale: Sale, config: Config, copy: str = "customer", *,
                           reprint: bool = False, operator: str | None = None) -> bytes:
    """ESC/POS bytes of a sale's receipt for the configured printer."""
    return r.render_receipt(sale_receipt(sale, config, copy, reprint=reprint, operator=operator),
                            receipt_style(config))


def receipt_bytes_for_refund(refund: Refund, sale: Sale, config: Config,
                             copy: str = "customer", *, reprint: bool = False,
                             operator: str | None = None) -> bytes:
    """ESC/POS bytes of a refund's receipt for the configured printer."""
    return r.render_receipt(refund_receipt(refund, sale, config, copy, reprint=reprint,
                                           operator=operator),
                            receipt_style(config))


# --- reports ---------------------------------------------------------------------------------


def report_data(report: DayReport, config: Config, *, operator: str = "") -> r.ReportData:
    """An X or Z report for the printer: per-wallet figures and the late payments."""
    name, address = _merchant(config)
    language = receipt_language(config)
    start = dt.datetime.combine(dt.date.fromisoformat(report.business_day), dt.time())
    wallets = tuple(
        r.ReportWallet(
            wallet_label=_wallet_label(w.wallet, config), sale_count=w.sales_count,
            sale_cents=w.sales_cents, tip_cents=w.tips_cents, refund_count=w.refunds_count,
            refund_cents=w.refunds_cents,
        )
        for w in report.wallets
    )
    late = tuple(
        r.ReportLatePayment(
            order_id=sale.order_id, wallet_label=_wallet_label(sale.wallet, config),
            amount_cents=sale.total_cents, timestamp=_sale_time(sale),
            note=receipt_text.text(
                "late_note", language,
                resolution=receipt_text.late_resolution(sale.late_resolution, language)),
        )
        for sale in report.late_payments
    )
    return r.ReportData(
        kind=report.kind, merchant_name=name, merchant_address=address, period_start=start,
        period_end=_local(report.generated_at), operator=operator, wallets=wallets,
        late_payments=late, report_number=report.number,
    )


def report_bytes(report: DayReport, config: Config, *, operator: str = "") -> bytes:
    """ESC/POS bytes of an X or Z report for the configured printer."""
    return r.render_report(report_data(report, config, operator=operator), receipt_style(config))


def store_report_data(report: dict[str, Any], config: Config) -> r.ReportData:
    """The store's X or Z report (``central.report``'s dict with its ``kind``) for the
    printer: one section per lane (its Z number if it closed the day), the store's total, and
    the lanes still open; a Z with lanes still open says its totals are not final and gives
    those lanes' running (X) figures (``open_lanes_x``)."""
    name, address = _merchant(config)
    language = receipt_language(config)
    closure = report.get("store_z") if report["kind"] == "Z" else None
    start = dt.datetime.combine(dt.date.fromisoformat(report["business_day"]), dt.time())
    end = _local(closure["closed_at"]) if closure else dt.datetime.now()
    lanes = []
    for lane in report["lanes"]:
        label = f"{lane['terminal_id']} {lane['name']}".strip()
        if lane["z_number"] is not None:
            label = receipt_text.text("lane_closed", language, lane=label,
                                      number=lane["z_number"])
        total = lane["total"]
        lanes.append(r.ReportWallet(
            wallet_label=label, sale_count=total["sales_count"], sale_cents=total["sales_cents"],
            tip_cents=total["tips_cents"], refund_count=total["refunds_count"],
            refund_cents=total["refunds_cents"]))
    notes: tuple[str, ...] = ()
    running = report.get("open_lanes_x", [])
    if report["kind"] == "Z" and report["lanes_open"]:  # a Z slip must not pass for final
        notes += (receipt_text.text("z_not_final", language, count=len(report["lanes_open"])),)
        notes += tuple(receipt_text.text(
            "lane_running", language, lane=f"{lane['terminal_id']} {lane['name']}".strip(),
            net=f"{lane['total']['net_cents'] / 100:.2f}",
            count=lane["total"]["sales_count"]) for lane in running)
    if report["lanes_open"]:
        notes += (receipt_text.text("lanes_open", language,
                                    lanes=", ".join(report["lanes_open"])),)
    return r.ReportData(
        kind=report["kind"], merchant_name=name, merchant_address=address, period_start=start,
        period_end=end, wallets=tuple(lanes),
        report_number=closure["number"] if closure else None, store=True, notes=notes)


def store_report_bytes(report: dict[str, Any], config: Config) -> bytes:
    """ESC/POS bytes of the store's X or Z report for the configured printer."""
    return r.render_report(store_report_data(report, config), receipt_style(config))


# --- output ----------------------------------------------------------------------------------


def send_to_printer(data: bytes, config: Config) -> str:
    """Send a job to the configured printer; returns its description.

    ``PrintError`` when it does not print, or when no printer is configured (kind "none").
    """
    printer = ReceiptPrinter(printer_settings(config))
    if not printer.enabled:
        raise PrintError("none", "No printer is configured ([printer] kind is \"none\").")
    printer.send(data)
    return printer.description


def print_test_page(config: Config) -> str:
    """Print the test page (in the receipt language) on ``config``'s printer.

    Returns the printer's description; ``PrintError`` with a sentence when it does not print or
    no printer is configured. Blocking I/O: call it off the GUI thread.
    """
    page = r.render_test_page(receipt_style(config), merchant_name=_merchant(config)[0])
    return send_to_printer(page, config)



# --- the terminal's print queue --------------------------------------------------------------


class ReceiptQueue:
    """Receipts and reports of the terminal, rendered for ``config``'s printer and queued on
    its ``spooler`` (which prints in its own thread and keeps failed jobs for reprint).

    ``port`` reads the records (``cashier.port.CounterPort``); ``operator_name`` turns an
    operator id into who that is. Every method but ``reprint_kept`` reads the journal: call
    them off the GUI thread.
    """

    def __init__(self, config: Config, spooler: PrintSpooler, port: CounterPort,
                 operator_name: Callable[[str | None], str]) -> None:
        self.config = config
        self.spooler = spooler
        self._port = port
        self._operator_name = operator_name

    def sale(self, order_id: str, *, copy: str = "customer", reprint: bool = False) -> PrintJob:
        """Queue a sale's receipt."""
        sale = self._port.sale(order_id)
        data = receipt_bytes_for_sale(sale, self.config, copy=copy, reprint=reprint,
                                      operator=self._operator_name(sale.operator_id))
        return self.spooler.submit(data, description=f"receipt {order_id}")

    def refund(self, refund_id: str) -> PrintJob:
        """Queue a succeeded refund's receipt."""
        refund, sale = self._port.refund_and_sale(refund_id)
        data = receipt_bytes_for_refund(
            refund, sale, self.config,
            operator=self._operator_name(refund.operator_id or sale.operator_id))
        return self.spooler.submit(data, description=f"refund receipt {refund_id}")

    def report(self, report: DayReport) -> PrintJob:
        """Queue an X or Z report."""
        return self.spooler.submit(report_bytes(report, self.config),
                                   description=f"{report.kind} report")

    def store_report(self, report: dict[str, Any]) -> PrintJob:
        """Queue the store's X or Z report (``CounterPort.store_report``'s)."""
        return self.spooler.submit(store_report_bytes(report, self.config),
                                   description=f"store {report['kind']} report")

    def reprint_kept(self) -> None:
        """Queue again every job that did not print."""
        for job in self.spooler.failed_jobs():
            self.spooler.reprint(job.job_id)
