"""The payment engine: the one object front-ends (Qt UI, ``cashier`` CLI) drive sales through.

    engine = PaymentEngine(client, journal, PaymentSettings(...), listener=on_event)
    handle = engine.start_passive(1234, scanned_code, tip_cents=100)   # journaled, then sent
    sale = handle.wait()                   # final, or still open at the deadline
    handle = engine.start_active(1234, Wallet.ALIPAY, callback_url=rx.url)
    url = handle.wait_code_url(5.0)        # show it as a QR; handle.cancel() to stop waiting
    handle = engine.start_link(1234)       # pay by link: handle.link_url to send the customer
    engine.on_link_return(info)            # CallbackReceiver(on_return=...): a hint, never proof
    engine.prepare()                       # cashier keying an amount: connect ahead of need
    engine.on_callback(note)               # give it to CallbackReceiver as the handler
    engine.refund(order_id, 500)           # partial; None = everything left
    engine.recover(timeout=10.0)           # at start-up: settle what a crash left open
    engine.keep_reconciling()              # the running terminal: sweep every reconcile_interval
    engine.release_refund(refund_id)       # a manager's decision, after a warning
    engine.x_report(); engine.z_report()   # today's business day unless a day is given
    engine.shutdown()                      # joins every thread the engine started

Why one module this long (about 700 lines): it is that single facade. The flows themselves live
beside it (``passive``, ``active``, ``link``, ``refunds``, ``resolver``, ``reconcile``); what stays
here is the wiring that must see all of them at once: the handles of live sales, the lock that
keeps a Z from closing under a sale or refund being sent, and the events to the listener.

Guarantees:

- Bad input (amount, tip, scan, wallet, missing operator id) raises before anything is journaled
  or sent: ``AmountError`` / ``PaymentCodeError`` / ``ValueError``.
- The intent is committed to the journal before the request leaves; every state change is
  committed before the event reporting it reaches the listener.
- PASSIVEPAY / ACTIVEPAY / REFUND are sent at most once per order id; unknown outcomes are
  settled by STATUS_QUERY only.
- A sale the cashier stopped waiting for (``cancel()`` or the deadline) keeps being checked by the
  background resolver; if it is paid anyway it is a *late payment*: flagged in the journal,
  ``LatePayment`` is emitted, and ``late_payments()`` lists it until ``resolve_late``; with
  ``late_payment="refund"`` it is refunded automatically. Sales found open by ``recover()`` count
  as given up too (nobody saw their outcome), so if they turn out paid they are late payments.
- Silence is never final: a sale closed because the gateway did not know it, and a refund whose
  outcome is unknown or was released by a manager, are asked about again by the reconciliation
  sweep (``cashier.payments.reconcile``) for ``recheck_seconds``. An unknown refund keeps its
  amount reserved until the gateway answers or a manager releases it.
- ``recover()`` takes over only sales and refunds whose owner is gone (another process's live
  sale is never flagged, closed or refunded: ``Journal.claim_open_sales``).

Threads: one worker per sale while the cashier waits (``cashier-sale-<order_id>``), one resolver
(``cashier-resolver``), plus the caller's threads (``on_callback`` runs on the receiver's).
``shutdown()`` joins them all; sales still open stay open in the journal for ``recover()``.

Why one module this long: it is the one door front-ends use. The work lives elsewhere (the flows
in ``passive``/``active``/``link`` over ``flow.FlowContext``, answers in ``settle``, refunds,
the sweep in ``reconcile``, background checks in ``resolver``, reports); what stays here is
wiring them together and the rules that need several of them at once (callbacks, late payments,
recovery).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from cashier.journal.records import Refund, Sale, SaleEvent
from cashier.journal.store import DuplicateOrderError, Journal
from cashier.money import check_cents, check_total
from cashier.ottpay.callbacks import PaymentNotification
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.errors import OttPayError
from cashier.ottpay.wappay import WapPayReturn
from cashier.payments.active import run_active
from cashier.payments.errors import (
    EngineClosedError,
    PaymentError,
    RefundsInProgressError,
    SalesInProgressError,
)
from cashier.payments.events import EngineEvent, Listener, SaleUpdated
from cashier.payments.flow import SALE_KEY, FlowContext
from cashier.payments.handle import SaleHandle
from cashier.payments.ids import new_order_id
from cashier.payments.link import LATE_KEY, LINK_MODE, LinkPayments, run_link
from cashier.payments.passive import run_passive
from cashier.payments.reconcile import SweepResult, sweep
from cashier.payments.refunds import Refunder
from cashier.payments.reports import DayReport, x_report, z_report
from cashier.payments.resolver import Resolver
from cashier.payments.search import parse_search
from cashier.payments.settings import PaymentSettings
from cashier.payments.settle import Settler
from cashier.payments.states import AbandonReason, LateResolution, RefundState, SaleState
from cashier.wallets import Wallet, classify_payment_code, clean_scan, mask_code, qr_wallets

if TYPE_CHECKING:
    from cashier.store.refunds import StoreRefunds

log = logging.getLogger("cashier.payments")

_REFUND_KEY = "refund:"


class PaymentEngine:
    """Runs sales, refunds, recovery and reports over one OTT Pay client and one journal.

    The engine does not own ``client`` or ``journal``: close them after ``shutdown()``.
    ``clock`` (monotonic seconds) times deadlines; ``wall_clock`` (epoch seconds) compares with
    journal timestamps for the unknown-order grace period.
    """

    def __init__(
        self,
        client: OttPayClient,
        journal: Journal,
        settings: PaymentSettings | None = None,
        *,
        listener: Listener | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        store_refunds: StoreRefunds | None = None,
    ) -> None:
        self.client = client
        #: A lane of a store refunds through it: any lane's sale, reserved in the store first.
        self.store_refunds = store_refunds
        self.journal = journal
        self.settings = settings or PaymentSettings()
        self.clock = clock
        self._listener = listener
        self._lock = threading.Lock()
        self._handles: dict[str, SaleHandle] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._auto_refunding: set[str] = set()
        self.last_sweep: SweepResult | None = None
        self.settler = Settler(client, journal, self.settings, emit=self._emit,
                               on_late=self._on_late, wall_clock=wall_clock)
        self.refunder = Refunder(client, journal, self.settings, emit=self._emit,
                                 wall_clock=wall_clock, sleep=self._stop.wait,
                                 in_store=store_refunds is not None)
        self.resolver = Resolver(self._check, first_interval=self.settings.poll_interval,
                                 max_interval=self.settings.resolver_max_interval, clock=clock)
        #: What the sale flows (passive, active, link) may use of the engine.
        self.flows = FlowContext(client, journal, self.settings, self.settler, self.resolver,
                                 clock, self._stop)
        self.links = LinkPayments(self.flows)
        self.settler.links = self.links

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def shutdown(self, timeout: float | None = None, *, abort_requests: bool = False) -> None:
        """Stop polling and join every engine thread. An in-flight request finishes first, or
        with ``abort_requests`` the client is closed: requests in flight end at once (their
        outcome unknown: what is open stays open for ``recover()``) and none starts; a command
        or the terminal exiting does that so it ends in time whatever the gateway does."""
        self._stop.set()
        with self._lock:
            handles = list(self._handles.values())
        for handle in handles:
            handle.notify()
        if abort_requests:
            self.resolver.stop(0)  # no new check starts; then end the ones in flight
            self.client.close()
        self.resolver.stop(timeout)
        joined: set[threading.Thread] = set()
        while True:  # again: a sale starting during shutdown may have added a worker
            with self._lock:
                pending = [t for t in self._threads if t not in joined]
            if not pending:
                break
            for thread in pending:
                thread.join(timeout)
                joined.add(thread)

    def __enter__(self) -> PaymentEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no worker runs and the resolver has nothing left (tests, CLI exit)."""
        deadline = self.clock() + timeout
        while True:
            with self._lock:
                busy = any(t.is_alive() for t in self._threads)
            if not busy and self.resolver.idle():
                return True
            if self.clock() >= deadline:
                return False
            time.sleep(0.01)

    # -- getting ready -----------------------------------------------------------------------

    def prepare(self) -> bool:
        """A sale is about to start (the cashier keys an amount): open the gateway connection
        now, so the payment costs one round trip. Blocking; sends no request, never a payment.

        Returns ``True`` if a connection was opened now; ``False`` if one was ready, the engine
        is stopping, or the gateway could not be reached (logged: the sale connects itself).
        """
        if self.stopping:
            return False
        try:
            return self.client.warm_up()
        except OttPayError as exc:
            log.info("could not open the gateway connection ahead of a sale: %s", exc)
            return False

    @property
    def prepare_interval(self) -> float:
        """Seconds between ``prepare`` calls while a sale is being keyed: a quarter of the
        gateway's idle timeout, so a connection idle long enough to be retired (half of it) is
        reopened well before the gateway would close it under the payment."""
        return self.client.idle_timeout / 4

    def prepare_soon(self) -> bool:
        """``prepare`` on the engine's background thread (for callers with no worker of their
        own, like the command line waiting for a scan); ``False`` when stopping."""
        return self.resolver.submit(self.prepare)

    # -- starting sales ----------------------------------------------------------------------

    def start_passive(
        self, amount_cents: int, code: str, *, tip_cents: int = 0, operator_id: str | None = None
    ) -> SaleHandle:
        """Charge a scanned wallet code: validate, journal the intent, send PASSIVEPAY once.

        Returns at once; the worker polls until final or ``passive_timeout``.
        """
        amount, tip, operator = self._validate(amount_cents, tip_cents, operator_id)
        auth_code = clean_scan(code)
        wallet = classify_payment_code(auth_code)
        handle = self._journal_intent(
            "passive", wallet, amount, tip, operator,
            masked_code=mask_code(auth_code), code_last4=auth_code[-4:],
        )
        self._start_worker(handle, lambda: run_passive(self.flows, handle, auth_code))
        return handle

    def pay_passive(
        self, amount_cents: int, code: str, *, tip_cents: int = 0, operator_id: str | None = None
    ) -> Sale:
        """``start_passive`` and wait: the final sale, or an open one past the deadline."""
        return self.start_passive(
            amount_cents, code, tip_cents=tip_cents, operator_id=operator_id
        ).wait()

    def start_active(
        self,
        amount_cents: int,
        wallet: Wallet | str,
        *,
        tip_cents: int = 0,
        operator_id: str | None = None,
        callback_url: str | None = None,
    ) -> SaleHandle:
        """Show-a-QR payment: validate, journal, send ACTIVEPAY once; ``handle.wait_code_url``.

        Settles by polling or ``on_callback``, whichever first; the wait expires after
        ``active_timeout``.
        """
        amount, tip, operator = self._validate(amount_cents, tip_cents, operator_id)
        chosen = wallet if isinstance(wallet, Wallet) else Wallet.parse(wallet)
        if chosen not in qr_wallets(self.settings.unionpay_qr):
            raise ValueError(
                "UnionPay QR payments are off (OTT Pay documents them for Alipay and WeChat Pay "
                "only; scanned UnionPay codes work): set [ottpay] unionpay_qr = true if your "
                "account takes them"
            )
        url = (callback_url or self.settings.callback_url or "").strip()
        if not url:
            raise ValueError("a QR payment needs a callback URL (set [ottpay] callback_url)")
        handle = self._journal_intent("active", chosen, amount, tip, operator)
        self._start_worker(handle, lambda: run_active(self.flows, handle, url))
        return handle

    def start_link(
        self,
        amount_cents: int,
        tip_cents: int = 0,
        operator_id: str | None = None,
        valid_seconds: float | None = None,
    ) -> SaleHandle:
        """Pay by link: journal the intent, build the Alipay link (``handle.link_url``).

        Settles like a QR payment (callback or polling); closed after ``valid_seconds``
        (default ``link_valid_seconds``) unless the gateway reports it paid, and a payment after
        that is a late payment. See ``cashier.payments.link``. Raises ``ValueError`` (including
        ``WapPayLinkError``) / ``AmountError`` before journaling anything.
        """
        amount, tip, operator = self._validate(amount_cents, tip_cents, operator_id)
        valid = self.links.check(amount + tip, operator, valid_seconds)
        handle = self._journal_intent(LINK_MODE, Wallet.ALIPAY, amount, tip, operator)
        self.links.attach(handle, valid)
        self._start_worker(handle, lambda: run_link(self.flows, handle, valid))
        return handle

    def on_link_return(self, info: WapPayReturn) -> None:
        """Give to ``CallbackReceiver(on_return=...)``: a browser back from a payment link makes
        the engine ask the gateway sooner; what the return URL claims is never believed."""
        self.links.on_return(info)

    def _validate(self, amount_cents: int, tip_cents: int,
                  operator_id: str | None) -> tuple[int, int, str]:
        if self.stopping:
            raise EngineClosedError("the payment engine is shut down; no sale was started")
        limit = self.settings.max_amount_cents
        amount = check_cents(amount_cents, max_cents=limit)
        tip = check_cents(tip_cents, max_cents=limit, allow_zero=True)
        check_total(amount, tip, max_cents=limit)
        operator = operator_id or self.settings.operator_id or self.client.operator_id
        if not operator:
            raise ValueError("no operator id: set [ottpay] operator_id before taking payments")
        return amount, tip, operator

    def _journal_intent(self, mode: str, wallet: Wallet, amount: int, tip: int, operator: str,
                        **extra: str) -> SaleHandle:
        terminal = self.settings.terminal_no or self.client.terminal_no
        for attempt in range(5):
            order_id = new_order_id(terminal)
            handle = SaleHandle(order_id, mode, self.journal, self._abandon)
            with self._lock:  # registered before the row exists: recover() never takes it
                if order_id in self._handles:
                    continue
                self._handles[order_id] = handle
            try:
                sale = self.journal.create_sale(
                    order_id=order_id, mode=mode, wallet=wallet.value, amount_cents=amount,
                    tip_cents=tip, operator_id=operator, terminal_no=terminal, **extra,
                )
                break
            except BaseException as exc:
                with self._lock:
                    self._handles.pop(order_id, None)
                if isinstance(exc, DuplicateOrderError) and attempt < 4:
                    continue
                raise
        else:
            raise PaymentError("could not make a unique order id; try again")
        log.info("sale %s journaled: %s %s %s cents + tip %s", sale.order_id, mode,
                 wallet.value, amount, tip)
        self._emit(SaleUpdated(sale))
        return handle

    def _start_worker(self, handle: SaleHandle, flow: Callable[[], None]) -> None:
        """Run ``flow`` (the sale's passive, active or link flow) on the sale's own thread."""
        thread = threading.Thread(target=self._run_worker, args=(handle, flow),
                                  name=f"cashier-sale-{handle.order_id}", daemon=True)
        handle.thread = thread
        # Started under the lock: shutdown() joins what it finds in _threads, and pruning by
        # is_alive() would drop a thread not yet started, so none may be seen before it runs.
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            thread.start()
            self._threads.append(thread)

    def _run_worker(self, handle: SaleHandle, flow: Callable[[], None]) -> None:
        try:
            if handle.cancelled or self.stopping:
                self.settler.advance(handle.order_id, SaleState.CLOSED,
                                     note="cancelled before the request was sent")
            else:
                flow()
        except Exception:
            log.exception("sale %s: worker failed; handing the sale to the resolver",
                          handle.order_id)
            if handle.sale.is_open and not self.stopping:
                self.flows.keep_asking(handle.order_id)
        finally:
            handle.release()
            with self._lock:
                self._handles.pop(handle.order_id, None)

    def _abandon(self, handle: SaleHandle) -> Sale:
        sale = self.journal.mark_abandoned(handle.order_id, "cancelled by the cashier")
        if sale is not None:
            log.info("sale %s: cashier stopped waiting; checking in the background",
                     handle.order_id)
            self._emit(SaleUpdated(sale))
        handle.notify()
        return self.journal.require_sale(handle.order_id)

    # -- callbacks ---------------------------------------------------------------------------

    def on_callback(self, note: PaymentNotification) -> None:
        """Handler for ``CallbackReceiver``: settle the sale a verified callback names.

        Idempotent: a duplicate or replayed callback changes nothing. A callback for an order the
        journal does not have, another merchant, or a status other than success is ignored with
        a warning. The amounts may be read two ways (``Settler.callback_mismatch``); a callback
        that fits neither is ignored with a warning and the gateway is asked instead. Raises
        only if the journal fails (the receiver then answers 500 and the gateway retries).
        """
        sale = self.journal.get_sale(note.order_id)
        if sale is None:
            log.warning("callback for unknown order %s ignored", note.order_id)
            return
        merchant = note.raw.get("merchant_id")
        if merchant not in (None, "") and merchant != self.client.merchant_id:
            log.warning("callback for order %s names merchant %r, not ours: ignored",
                        note.order_id, merchant)
            return
        if (note.rsp_code or "").upper() != "SUCCESS" or note.order_status not in (
            None, OrderStatus.SUCCESS
        ):
            log.warning("callback for order %s is not a success (%s/%s): ignored",
                        note.order_id, note.rsp_code, note.order_status)
            return
        mismatch = self.settler.callback_mismatch(sale, note.amount_cents, note.tip_cents)
        if mismatch:
            log.warning("callback for order %s has %s: ignored; asking the gateway",
                        note.order_id, mismatch)
            self.resolver.submit(lambda: self.settler.query(note.order_id))
            return
        fields: dict[str, object] = {"rsp_code": "SUCCESS"}
        if note.bizpay_order_id:
            fields["bizpay_order_id"] = note.bizpay_order_id
        if note.finish_time:
            fields["trade_time"] = note.finish_time.isoformat()
        if sale.mode == "link" and sale.state == SaleState.CLOSED:
            self.links.paid_after_expiry(note.order_id, "callback: paid after the link expired",
                                         **fields)
            return
        if sale.state == SaleState.CLOSED and sale.recheck_until is not None:
            self.settler.paid_after_close(
                note.order_id, "callback: paid after it was closed for lack of an answer",
                **fields)
            return
        if not sale.is_open:
            log.info("callback for order %s: already %s, nothing to do", note.order_id,
                     sale.state)
            return
        self.settler.advance(note.order_id, SaleState.PAID, note="callback: paid", **fields)

    # -- settling and late payments ----------------------------------------------------------

    def _check(self, key: str) -> bool:
        """Resolver callback: True once the sale/refund behind ``key`` is settled."""
        if key.startswith(_REFUND_KEY):
            refund = self.refunder.confirm(key[len(_REFUND_KEY):])
            self._after_refund(refund)
            # Past the grace, an unknown refund is left to the (slower) reconciliation sweep.
            age = self.settler.wall_clock() - refund.created_at
            return not RefundState(refund.state).is_open or age >= self.settings.unknown_grace
        if key.startswith(LATE_KEY):
            return self.links.check_late(key[len(LATE_KEY):])
        return not self.settler.query(key[len(SALE_KEY):]).is_open

    def _on_late(self, sale: Sale) -> None:
        if self.settings.late_payment == "refund":
            self.resolver.submit(lambda: self._auto_refund(sale.order_id))

    def _auto_refund(self, order_id: str) -> None:
        with self._lock:
            if order_id in self._auto_refunding:
                return
            self._auto_refunding.add(order_id)
        try:
            sale = self.journal.require_sale(order_id)
            if not sale.late or sale.late_resolution is not None:
                return
            if self.journal.refundable_cents(order_id) > 0:
                log.warning("late payment %s: refunding it automatically (late_payment=refund)",
                            order_id)
                self.refund(order_id)
            else:
                self._after_refund(None, order_id)
        finally:
            with self._lock:
                self._auto_refunding.discard(order_id)

    def _after_refund(self, refund: Refund | None, order_id: str | None = None) -> None:
        """A late payment whose money all went back is resolved as refunded."""
        order_id = order_id or (refund.sale_order_id if refund else None)
        if order_id is None:
            return
        sale = self.journal.require_sale(order_id)
        if sale.late and sale.late_resolution is None and sale.state == SaleState.REFUNDED:
            resolved = self.journal.resolve_late(order_id, LateResolution.REFUNDED,
                                                 note="fully refunded")
            if resolved is not None:
                self._emit(SaleUpdated(resolved))

    def late_payments(self) -> list[Sale]:
        """Late payments nobody has resolved yet, oldest first."""
        return self.journal.late_payments()

    def resolve_late(self, order_id: str, action: str = "refund") -> Sale:
        """Resolve a late payment: ``"refund"`` what is left of it, or ``"keep"`` the money.

        ``PaymentError`` if it is not an unresolved late payment. After ``"refund"``, the sale
        stays listed only if the refund could not be confirmed yet.
        """
        if action not in ("refund", "keep"):
            raise ValueError("resolve a late payment with 'refund' or 'keep'")
        sale = self.journal.require_sale(order_id)
        if not sale.late or sale.late_resolution is not None:
            raise PaymentError(f"sale {order_id} is not an unresolved late payment")
        if action == "keep":
            resolved = self.journal.resolve_late(order_id, LateResolution.KEPT,
                                                 note="kept by the cashier")
            if resolved is None:
                raise PaymentError(f"sale {order_id} was resolved meanwhile")
            self._emit(SaleUpdated(resolved))
            return resolved
        if self.journal.refundable_cents(order_id) > 0:
            self.refund(order_id)
        else:
            self._after_refund(None, order_id)
        return self.journal.require_sale(order_id)

    # -- refunds -----------------------------------------------------------------------------

    def refund(
        self, order_id: str, amount_cents: int | None = None, *, operator_id: str | None = None
    ) -> Refund:
        """Refund part (``amount_cents``) or all that is left (``None``) of a paid sale.

        Refused locally, before any request, with ``SaleNotFoundError`` /
        ``RefundNotAllowedError`` / ``AmountError``. On a lane of a store (``store_refunds``)
        ``order_id`` may be another lane's sale (``cashier.store.refunds``); with the store
        database down that is refused with ``StoreUnreachableError``. Returns the refund:
        ``succeeded``, ``failed``, or ``pending``/``unknown`` (then confirmed in the
        background). Returns within ``passive_timeout`` plus one request's time limit (plus the
        store database's bounded waits, ``central.connect``), whatever the gateway does.
        """
        if self.stopping:
            raise EngineClosedError("the payment engine is shut down; nothing was refunded")
        with self.client.time_limit(self.settings.passive_timeout):
            if self.store_refunds is not None:
                refund = self.store_refunds.refund(self.refunder, order_id, amount_cents,
                                                   operator_id=operator_id)
            else:
                refund = self.refunder.refund(order_id, amount_cents, operator_id=operator_id)
        if RefundState(refund.state).is_open:
            self.resolver.watch(_REFUND_KEY + refund.refund_id)
        self._after_refund(refund)
        return refund

    def release_refund(self, refund_id: str, *, operator_id: str | None = None) -> Refund:
        """A manager counts an unknown refund as failed, so its amount can be refunded again.

        Show the manager ``refunds.RELEASE_WARNING`` first. The gateway is asked once more (an
        answer wins); the release is then journaled and the sweep keeps asking for
        ``recheck_seconds``.
        ``PaymentError`` if the refund is not unknown.
        """
        refund = self.refunder.release(refund_id, operator_id=operator_id)
        self._after_refund(refund)
        return refund

    # -- reconciliation ----------------------------------------------------------------------

    def reconcile(self) -> SweepResult:
        """Ask the gateway again about every outcome that rests on silence (one sweep).

        The result is also kept as ``last_sweep`` (what ``recover()``'s sweep found).
        """
        result = sweep(self.journal, self.settler, self.refunder)
        for refund_id in result.refunds_settled:
            self._after_refund(self.journal.get_refund(refund_id))
        self.last_sweep = result
        return result

    def keep_reconciling(self) -> bool:
        """Sweep every ``reconcile_interval`` on the resolver thread until ``shutdown`` (the
        running terminal calls this once; a one-shot command does not)."""
        return self.resolver.every("reconcile", self.settings.reconcile_interval, self.reconcile)

    # -- recovery ----------------------------------------------------------------------------

    def recover(self, *, timeout: float = 0.0) -> list[Sale]:
        """Settle every sale (and refund) a previous run left open; returns those sales now.

        Only sales whose owner process is gone are taken (``Journal.claim_open_sales``); each is
        flagged abandoned (its outcome was never shown: if it is paid it is a late payment),
        then queried every ``poll_interval`` until settled or ``timeout`` passes
        (one pass with the default 0). What is still open is handed to the resolver. An order
        the gateway does not know is closed once older than ``unknown_grace``, else kept unknown.
        With a ``timeout`` no request starts after it: recovery returns within ``timeout`` plus
        one request's time limit, whatever the gateway does.
        """
        if timeout > 0:
            with self.client.time_limit(timeout):
                return self._recover(timeout)
        return self._recover(timeout)

    def _recover(self, timeout: float) -> list[Sale]:
        found = self.journal.claim_open_sales()
        with self._lock:  # after listing: a sale this engine is starting is already registered
            live = {oid for oid, handle in self._handles.items() if not handle.done}
        sales = [sale for sale in found if sale.order_id not in live]
        for sale in sales:
            marked = self.journal.mark_abandoned(
                sale.order_id, "found open at recovery: its outcome was never shown",
                reason=AbandonReason.TERMINAL_CLOSED,
            )
            if marked is not None:
                self._emit(SaleUpdated(marked))
        deadline = self.clock() + timeout
        still_open = [sale.order_id for sale in sales]
        while still_open:
            still_open = [oid for oid in still_open if self.settler.query(oid).is_open]
            remaining = deadline - self.clock()
            if not still_open or remaining <= 0 or self.stopping:
                break
            self._stop.wait(min(self.settings.poll_interval, remaining))
        for order_id in still_open:
            self.flows.keep_asking(order_id)
        self.reconcile()  # unknown refunds and outcomes that rest on silence
        if self.settings.late_payment == "refund":
            for late in self.journal.late_payments():
                if self.client.out_of_time():
                    break  # the caller's time limit: the next recovery refunds the rest
                self._auto_refund(late.order_id)
        self.links.recover()  # expired links may have been paid while the terminal was off
        recovered = [self.journal.require_sale(sale.order_id) for sale in sales]
        log.info("recovery: %d open sale(s) checked, %d still open", len(recovered),
                 sum(sale.is_open for sale in recovered))
        return recovered

    # -- reading -----------------------------------------------------------------------------

    def sale(self, order_id: str) -> Sale | None:
        return self.journal.get_sale(order_id)

    def events(self, order_id: str) -> list[SaleEvent]:
        return self.journal.events(order_id)

    def refunds(self, order_id: str) -> list[Refund]:
        return self.journal.refunds_for(order_id)

    def history(
        self,
        day: str | None = None,
        query: str | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Sale]:
        """Sales newest first, of one business day (``YYYY-MM-DD``) or all, optionally searched
        (``query``: see ``cashier.payments.search``)."""
        return self.journal.history(day=day, **parse_search(query)._asdict(), limit=limit,
                                    offset=offset)

    def x_report(self, day: str | None = None) -> DayReport:
        """Running totals of a business day (default: the current one); changes nothing."""
        return x_report(self.journal, day or self.journal.current_business_day())

    def z_report(self, day: str | None = None, *,
                 on_wait: Callable[[list[str]], None] | None = None) -> DayReport:
        """Close a business day (default: the current one); ``DayAlreadyClosedError`` if closed.

        A reconciliation sweep runs first, so late payments and refunds the gateway confirmed
        since are in the totals. A refund of the day this terminal is sending right now is
        waited for (as long as a refund may take: ``passive_timeout`` plus one request), so the
        Z holds it: the cashier who just refunded a customer expects it in the day's Z, and its
        answer is seconds away (``on_wait`` is told the refund ids first, from this thread).
        ``RefundsInProgressError`` if it is still being sent then. Sales still waiting for the
        gateway do not stop it: they are counted as open.
        """
        self.reconcile()
        day = day or self.journal.current_business_day()
        wait = self.settings.passive_timeout + self.client.request_seconds
        with self.refunder.sending(day, wait=wait, on_wait=on_wait) as refunds:
            if refunds:
                raise RefundsInProgressError(day, refunds)
            return z_report(self.journal, day)

    def z_report_when_idle(self, day: str) -> DayReport:
        """Close ``day`` like ``z_report``, unless a sale that is (or may become) of that day is
        being taken (``SalesInProgressError``) or a refund of it is being sent
        (``RefundsInProgressError``), naming them; the store's Z asks again.

        A sale or refund starting meanwhile waits for the engine's (or the refunder's) lock to
        register, then is booked on the next day: nothing of the day is still being taken or
        sent once it is closed.
        """
        self.reconcile()
        with self._lock, self.refunder.sending(day) as refunds:
            live = [order_id for order_id, handle in self._handles.items() if not handle.done
                    and ((sale := self.journal.get_sale(order_id)) is None
                         or sale.business_day == day)]
            if live:
                raise SalesInProgressError(live)
            if refunds:
                raise RefundsInProgressError(day, refunds)
            return z_report(self.journal, day)

    # -- events ------------------------------------------------------------------------------

    def _emit(self, event: EngineEvent) -> None:
        if isinstance(event, SaleUpdated):
            with self._lock:
                handle = self._handles.get(event.sale.order_id)
            if handle is not None:
                handle.notify()
        if self._listener is None:
            return
        try:
            self._listener(event)
        except Exception:
            log.exception("payment event listener failed on %s", type(event).__name__)
