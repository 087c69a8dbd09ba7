"""Assemble the terminal: the core (``cashier.runtime.Runtime``: gateway client or the embedded
simulator in demo mode, journal, callback receiver, payment engine), scanners, printer, main
window, customer display and sign-in (``cashier.ui.signin``); and take it all down again.

``Terminal`` owns every part it starts and ``close()`` stops them in reverse order, so tests and
the app leave no thread or server behind.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from shiboken6 import Shiboken

from cashier import printing
from cashier.config import Config, ScannerKind
from cashier.devices.printer import ReceiptPrinter
from cashier.devices.scanner import ScannerStatus, SerialScanner, SerialSettings
from cashier.devices.spooler import JobState, PrintJob, PrintSpooler
from cashier.devices.wedge import WedgeSettings
from cashier.operators import Operator
from cashier.port import CounterPort
from cashier.printing import ReceiptQueue
from cashier.runtime import DEMO_SIMULATOR_STATE_NAME, Runtime, RuntimeSetupError
from cashier.ui.bridge import Bridge, CoreEvents
from cashier.ui.customer_display import CustomerDisplay
from cashier.ui.demo import demo_codes, demo_pay
from cashier.ui.engine_controller import EngineSaleController
from cashier.ui.history import HistoryDialog
from cashier.ui.lanes_late import OtherLanesLate
from cashier.ui.main_window import MainWindow
from cashier.ui.pin_dialog import PinDialog
from cashier.ui.report_window import ReportWindow
from cashier.ui.sale_controller import SaleView
from cashier.ui.settings_dialog import SettingsDialog
from cashier.ui.signin import SignIn
from cashier.ui.slots import weak_slot
from cashier.ui.wedge_filter import WedgeFilter
from cashier.wallets import qr_wallets

log = logging.getLogger("cashier.ui")

translate = QCoreApplication.translate

WINDOW_SIZE = (1024, 768)  # when not full screen: the smallest screen the layout is made for


class Terminal:
    """Every part of a running terminal. Build with ``Terminal(config, demo=...)``.

    ``cny_currency`` is the shop's currency: its CNY rate is asked once at start (EX_RATE_QUERY)
    and the customer display shows the CNY equivalent; ``None`` leaves the line out.
    """

    def __init__(self, config: Config, *, demo: bool, journal_path: Path | None = None,
                 customer_display: bool | None = None, wedge: bool | None = None,
                 simulator_options: dict[str, Any] | None = None,
                 payment_options: dict[str, Any] | None = None,
                 cny_currency: str | None = "CAD") -> None:
        self.config = config
        self.demo = demo
        self.runtime: Runtime | None = None
        self.simulator: Any = None
        self.engine: Any = None
        self.receiver: Any = None
        self.scanner: SerialScanner | None = None
        self.spooler: PrintSpooler | None = None
        self.receipts: ReceiptQueue | None = None  # with a printer: receipts and reports
        self.wedge: WedgeFilter | None = None
        self.bridge = Bridge()
        self.events = CoreEvents()
        try:
            self._build(journal_path, customer_display, wedge, simulator_options or {},
                        payment_options or {}, cny_currency)
        except BaseException:
            self.close()
            raise

    def _build(self, journal_path: Path | None, customer_display: bool | None,
               wedge: bool | None, simulator_options: dict[str, Any],
               payment_options: dict[str, Any], cny_currency: str | None) -> None:
        self._build_core(journal_path, simulator_options, payment_options)
        self._build_windows(customer_display, cny_currency)
        self.signin = SignIn(self.config, self.window, self.controller, self.bridge,
                             demo=self.demo)
        self._build_printer()
        self._build_scanners(wedge)
        #: The start-up check of what the last run left open (``CounterPort.recover``): done
        #: within its deadline; the window is usable all along.
        self.startup_check = self.bridge.run(
            self.port.recover, on_done=self._show_late_payments,
            on_error=lambda exc: self.window.banners.show_banner(
                "recover", translate("Terminal", "Could not check unfinished sales: %1")
                .replace("%1", str(exc)), "error"))

    def _show_late_payments(self, sales: list[Any]) -> None:
        for sale in sales:
            self.window.on_late_payment(sale)

    def _build_core(self, journal_path: Path | None, simulator_options: dict[str, Any],
                    payment_options: dict[str, Any]) -> None:
        """Gateway client (or the demo simulator), journal, callback receiver and payment engine:
        the same ``Runtime`` the ``cashier`` commands use, so both share the demo journal and
        the simulator's saved orders. An explicit ``journal_path`` (tests, screenshots) keeps
        the demo simulator's state beside it instead."""
        options = dict(simulator_options)
        if self.demo and journal_path is not None:
            options.setdefault("state_path", Path(journal_path).parent / DEMO_SIMULATOR_STATE_NAME)
        try:
            self.runtime = Runtime.open(self.config, demo=self.demo, journal_path=journal_path,
                                        simulator_options=options,
                                        payment_overrides=payment_options, listener=self.events,
                                        terminal=True)
        except RuntimeSetupError as exc:
            raise RuntimeSetupError(f"{exc} (cashier gui --demo tries the terminal without an "
                                    "account.)") from None
        rt = self.runtime
        self.simulator, self.engine = rt.simulator, rt.engine
        self.receiver, self.shipper = rt.receiver, rt.shipper
        # demo sales are never shipped, so a demo terminal has no store view either
        self.port = CounterPort(self.engine, self.config.store if rt.shipper is not None
                                else None)
        self.controller = EngineSaleController(self.engine,
                                               operator_id=self.config.ottpay.operator_id)

    def _build_windows(self, customer_display: bool | None, cny_currency: str | None) -> None:
        config = self.config
        show_display = config.display.customer_display if customer_display is None \
            else customer_display
        shop = config.shop.name or (translate("Terminal", "Demo shop") if self.demo else "")
        currency = config.shop.currency
        self.customer_display = CustomerDisplay(shop, currency=currency) if show_display \
            else None
        self.window = MainWindow(
            self.controller, self.bridge, events=self.events,
            customer_display=self.customer_display, demo=self.demo, currency=currency,
            max_cents=config.payments.max_amount_cents,
            large_cents=config.payments.confirm_above_cents,
            demo_codes=demo_codes() if self.demo else None,
            qr_offered=qr_wallets(config.ottpay.unionpay_qr),
        )
        if self.shipper is not None:
            self.window.show_store_status(self.shipper.status)
        self.other_lanes_late = OtherLanesLate(
            self.port, self.bridge, self.window.banners, self.open_late_at_other_lanes,
            parent=self.window) if self.port.has_store else None
        self.settings: SettingsDialog | None = None
        self.history: HistoryDialog | None = None
        self.reports: ReportWindow | None = None
        self.window.settings_requested.connect(self.ask_settings)
        self.window.history_requested.connect(self.open_history)
        self.window.reports_requested.connect(self.open_reports)
        self.window.sale_finished.connect(self._sale_finished)
        self.window.support_bundle_requested.connect(self.export_support_bundle)
        self.support_message: QMessageBox | None = None
        if self.simulator is not None:
            self.window.demo_customer_pays.connect(self._demo_customer_pays)
        if self.customer_display is not None and cny_currency:
            self.bridge.run(self.port.exchange_rate, cny_currency,
                            on_done=self.window.set_exchange_rate,
                            on_error=lambda exc: log.warning("no exchange rate: %s", exc))

    def _build_printer(self) -> None:
        self.printer_settings = printing.printer_settings(self.config)
        if self.printer_settings.kind == "none":
            return
        self.window.banners.set_action("printer", translate("Terminal", "Reprint"))
        self.spooler = PrintSpooler(
            ReceiptPrinter(self.printer_settings),
            on_status=lambda job: self.bridge.call_on_gui(lambda: self._print_status(job)),
        )
        self.spooler.start()
        self.receipts = ReceiptQueue(self.config, self.spooler, self.port,
                                     self.signin.operators.name_of)
        self.window.reprint_requested.connect(self.receipts.reprint_kept)

    def _build_scanners(self, wedge: bool | None) -> None:
        scanner = self.config.scanner
        use_wedge = scanner.kind in (ScannerKind.WEDGE, ScannerKind.NONE) if wedge is None \
            else wedge
        if use_wedge:
            self.wedge = WedgeFilter(WedgeSettings(prefix=scanner.wedge_prefix,
                                                   suffix=scanner.wedge_suffix))
            self.wedge.scanned.connect(self._scanned)
            self.wedge.install()
            self.window.release_typing = self.wedge.release_typing
        if scanner.kind == ScannerKind.SERIAL and scanner.port:
            self.scanner = SerialScanner(
                SerialSettings.from_section(scanner),
                on_scan=lambda code: self.bridge.call_on_gui(lambda: self._scanned(code)),
                on_status=lambda status, message: self.bridge.call_on_gui(
                    lambda: self._scanner_status(status, message)),
            )
            self.scanner.start()

    def _demo_customer_pays(self, order_id: str) -> None:
        """Demo: the simulated customer pays the QR or opens the payment link and pays it."""
        sale = self.window.sale
        link = sale.code_url if sale is not None and sale.order_id == order_id and \
            sale.mode == "link" else None
        self.bridge.run(demo_pay, self.simulator, order_id, link,
                        on_error=lambda exc: self.window.banners.show_banner("demo", str(exc),
                                                                             "info"))

    def choose_bundle_path(self, suggested: Path) -> Path | None:
        """Where to save the support bundle: a save dialog (tests replace this). None: cancelled."""
        name, _filter = QFileDialog.getSaveFileName(
            self.window, translate("Terminal", "Export support bundle"), str(suggested),
            translate("Terminal", "Zip archives (*.zip)"))
        return Path(name) if name else None

    def export_support_bundle(self, path: Path | None = None) -> Future[Any] | None:
        """Logs, settings without secrets and journal statistics in one zip, written off the GUI
        thread; a message then says where. No PIN: it holds no secret and no sale."""
        from cashier.support import default_bundle_name, export_support_bundle

        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
            path = self.choose_bundle_path(Path(folder) / default_bundle_name())
            if path is None:
                return None
        return self.bridge.run(export_support_bundle, self.config, Path(path),
                               on_done=lambda bundle: self._tell_support(
                                   translate("Terminal", "Support bundle saved:\n%1")
                                   .replace("%1", str(bundle.path)), QMessageBox.Icon.Information),
                               on_error=lambda exc: self._tell_support(
                                   translate("Terminal", "Could not save the support bundle: %1")
                                   .replace("%1", str(exc)), QMessageBox.Icon.Warning))

    def _tell_support(self, text: str, icon: QMessageBox.Icon) -> None:
        if self.support_message is not None:
            self.support_message.close()
        box = QMessageBox(icon, translate("Terminal", "Support bundle"), text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()  # window-modal, does not block the event loop
        self.support_message = box

    def _scanner_status(self, status: ScannerStatus, message: str) -> None:
        if status is ScannerStatus.DISCONNECTED:
            self.window.banners.show_banner(
                "scanner", translate("Terminal", "Scanner disconnected: %1").replace("%1", message),
                "warning")
        elif status is ScannerStatus.CONNECTED:
            self.window.banners.clear_banner("scanner")

    def _scanned(self, code: str) -> None:
        """Every scanner's codes: a test scan while settings are open, else a payment."""
        if self.settings is not None and self.settings.isVisible():
            self.settings.show_test_scan(code)
        else:
            self.window.handle_scan(code)

    def ask_settings(self) -> PinDialog:
        """Settings need a manager's PIN."""
        dialog = PinDialog(self.signin.operators.verify_manager, self.bridge,
                           self.signin.with_pin_hint(translate("Terminal",
                                                         "Manager's PIN to change settings:")),
                           self.window)
        dialog.verified.connect(weak_slot(self._open_settings_for))
        dialog.open()
        return dialog

    def _open_settings_for(self, _manager: Operator) -> None:
        self.open_settings()

    def open_settings(self) -> SettingsDialog:
        if self.settings is None:
            self.settings = SettingsDialog(self.config, self.bridge, test_print=self.test_print,
                                           operators=self.signin.operators, parent=self.window)
            self.settings.saved.connect(lambda _config: self.window.banners.show_banner(
                "settings", translate("Terminal", "Settings saved; restart the terminal to "
                                                  "use them."), "info"))
        self.settings.show()
        self.settings.raise_()
        return self.settings

    @staticmethod
    def test_print(config: Config) -> None:
        """Print a test page with ``config``'s printer (worker thread; ``PrintError`` if not)."""
        if printing.printer_settings(config).kind == "none":
            raise ValueError(translate("Terminal", "Choose a printer first."))
        printing.print_test_page(config)

    def open_history(self) -> HistoryDialog:
        """The history window (one at a time; reopening brings it back, reloaded)."""
        if self.history is None:
            self.history = HistoryDialog(
                self.port, self.bridge, manager_check=self.signin.operators.verify_manager,
                print_receipt=self.receipts.sale if self.receipts is not None else None,
                print_refund=self.receipts.refund if self.receipts is not None
                and self.config.printer.auto_print else None,
                operator_name=self.signin.operators.name_of, currency=self.config.shop.currency,
                parent=self.window)
        else:
            self.history.reload()
        self.history.show()
        self.history.raise_()
        return self.history

    def open_late_at_other_lanes(self) -> HistoryDialog:
        """History, All lanes, showing the late payments nobody has resolved yet."""
        history = self.open_history()
        history.show_late_at_other_lanes()
        return history

    def open_reports(self) -> ReportWindow:
        """The X/Z report window, showing the current business day's X report."""
        if self.reports is None:
            self.reports = ReportWindow(
                self.port, self.bridge, manager_check=self.signin.operators.verify_manager,
                print_report=self.receipts.report if self.receipts is not None else None,
                print_store_report=self.receipts.store_report if self.receipts is not None
                else None, currency=self.config.shop.currency, parent=self.window)
        else:
            self.reports.load_x()
        self.reports.show()
        self.reports.raise_()
        return self.reports

    def _sale_finished(self, view: SaleView) -> None:
        if view.is_paid and self.receipts is not None and self.config.printer.auto_print:
            self.bridge.run(self.receipts.sale, view.order_id, on_error=self._print_failed)

    def _print_failed(self, exc: BaseException) -> None:
        self.window.banners.show_banner(
            "printer", translate("Terminal", "Printer problem: %1").replace("%1", str(exc)),
            "error")

    def _print_status(self, job: PrintJob) -> None:
        if job.state is JobState.FAILED:
            self._print_failed(RuntimeError(job.message))
        elif job.state is JobState.PRINTED:
            self.window.banners.clear_banner("printer")

    def show(self) -> None:
        """Full screen at the counter (``[display] kiosk``); a window of the smallest supported
        screen (1024x768) in demo mode or when kiosk is off. Either way the layout is fixed:
        no state of the sale screen changes the window's size."""
        if self.config.display.kiosk and not self.demo:
            self.window.showFullScreen()
        else:
            self.window.resize(*WINDOW_SIZE)
            self.window.show()
        if self.customer_display is not None:
            self.customer_display.place(self.config.display.screen)

    def close(self) -> None:
        """Stop everything this terminal started, newest first; a part that fails to stop is
        logged and the rest are still stopped. Closing twice does nothing more."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        window = getattr(self, "window", None)
        message = getattr(self, "support_message", None)
        steps = [
            self.wedge.uninstall if self.wedge is not None else None,
            self.scanner.stop if self.scanner is not None else None,
            message.close if message is not None else None,
            window.close_now if window is not None else None,
            # releases waiting sales and ends requests in flight (closing the gateway client),
            # so the bridge's workers finish now whatever the gateway does
            (lambda: self.engine.shutdown(abort_requests=True)) if self.engine is not None
            else None,
            self.bridge.shutdown,  # before the journal closes: a worker may still be reading it
            self.spooler.stop if self.spooler is not None else None,
            self.runtime.close if self.runtime is not None else None,  # receiver ... simulator
        ]
        for step in steps:
            if step is None:
                continue
            try:
                step()
            except Exception:
                log.exception("terminal: stopping %r failed", step)
        # The windows go with the terminal, deleted by Qt on the GUI thread with their dialogs,
        # so nothing of them is left for Python to free later, somewhere else (cashier.ui.slots).
        for widget in (window, getattr(self, "customer_display", None), self.wedge):
            if widget is not None and Shiboken.isValid(widget):
                widget.deleteLater()
