"""Refunds: full or partial, bounded locally, journaled first, sent once, confirmed by query.

The refundable remainder (amount + tip, minus every refund not failed) is checked in the same
journal transaction that records the refund's intent, so an over-refund is refused before any
request and two refunds racing cannot exceed the sale. The REFUND is never resent: an unknown
outcome is confirmed by STATUS_QUERY, now or later by the resolver or recovery.

Which evidence confirms a refund: the refund's own status (queried by its order id), or, when
the gateway does not know that id, the original sale's refunded amount (``refund_fee``, with
``partial_refunded`` / ``fully_refunded``), but only on a terminal of its own (see
``Refunder._shown_by_sale``). Only a signed answer that the refund failed makes
it ``failed``: silence ("not found", no answer) keeps it ``unknown`` and its amount reserved, so
the same money cannot be refunded twice. A manager may release an unknown refund explicitly
(``release``); its ``failed`` then rests on silence and the reconciliation sweep keeps asking
(``recheck``), booking it if the gateway did pay it out after all.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from cashier.journal.records import ForeignSale, Refund, Sale
from cashier.journal.store import Journal
from cashier.money import check_cents
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.errors import (
    OrderNotFoundError,
    OttPayError,
    OutcomeUnknownError,
    RequestNotSentError,
    TransportError,
)
from cashier.payments.errors import PaymentError
from cashier.payments.events import EngineEvent, RefundUpdated, SaleUpdated
from cashier.payments.ids import new_order_id
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import RefundState

log = logging.getLogger("cashier.payments")

#: What a manager must be told before releasing an unknown refund (``Refunder.release``).
RELEASE_WARNING = (
    "The gateway has not said whether this refund was paid out. Releasing it lets the same "
    "money be refunded again: if the first refund did go through, the customer gets it twice. "
    "The terminal keeps asking the gateway and books the refund if it turns up."
)


class Refunder:
    """Makes and confirms refunds against one journal and client."""

    def __init__(
        self,
        client: OttPayClient,
        journal: Journal,
        settings: PaymentSettings,
        *,
        emit: Callable[[EngineEvent], None],
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        in_store: bool = False,
    ) -> None:
        self.client = client
        #: A lane of a store: other lanes may refund its sales, and it may refund theirs.
        self.in_store = in_store
        self._changed = threading.Condition()
        self._sending: set[str] = set()  # refunds ``refund`` is making now, journaled or about to
        self.journal = journal
        self.settings = settings
        self._emit = emit
        self._wall_clock = wall_clock
        self._sleep = sleep

    def refund(
        self,
        order_id: str,
        amount_cents: int | None = None,
        *,
        operator_id: str | None = None,
        confirm_attempts: int = 3,
        refund_id: str | None = None,
        foreign: ForeignSale | None = None,
        on_unsent: Callable[[], None] | None = None,
    ) -> Refund:
        """Refund ``amount_cents`` (everything left when ``None``) of a paid sale.

        Raises ``AmountError`` for a bad amount, ``SaleNotFoundError`` or
        ``RefundNotAllowedError`` (not paid, or more than remains) before anything is recorded
        or sent. Otherwise returns the refund: ``succeeded``, ``failed``, or still ``pending`` /
        ``unknown`` when the gateway could not confirm it yet (the engine keeps checking).

        For a lane of a store (``cashier.store.refunds``): ``refund_id`` was chosen (and
        reserved in the store) before; ``foreign`` is another lane's sale, journaled with the
        intent; ``on_unsent`` is called when the refund is journaled but never sent.
        """
        if amount_cents is not None:
            check_cents(amount_cents, max_cents=10**12)
        if refund_id is None:
            refund_id = self.new_refund_id(self.journal.require_sale(order_id))
        with self._changed:  # waits while a Z closes a day (``sending``): then on the next day
            self._sending.add(refund_id)
        try:
            return self._make(order_id, amount_cents, operator_id, confirm_attempts, refund_id,
                              foreign, on_unsent)
        finally:
            with self._changed:
                self._sending.discard(refund_id)
                self._changed.notify_all()

    @contextmanager
    def sending(self, day: str, *, wait: float = 0.0,
                on_wait: Callable[[list[str]], None] | None = None) -> Iterator[list[str]]:
        """The refunds this process is making (``refund`` has not returned) that are, or may
        become, of business ``day``, after waiting up to ``wait`` seconds for them to end
        (``on_wait`` is told which, before the wait: a screen says why it is waiting).

        A Z report closes ``day`` inside the block: a refund's business day is fixed when it is
        journaled, and the Z counts only succeeded refunds, so one being sent as the day closes
        would be in no Z. No refund starts until the block ends (it then gets the next day).
        """
        with self._changed:
            if self._of_day(day) and wait > 0:
                log.info("business day %s: the Z report waits for refund(s) %s being sent",
                         day, ", ".join(self._of_day(day)))
                if on_wait is not None:
                    on_wait(self._of_day(day))
                self._changed.wait_for(lambda: not self._of_day(day), timeout=wait)
            yield self._of_day(day)

    def _of_day(self, day: str) -> list[str]:
        """Of the refunds being made, those of ``day``, or not journaled yet (day not fixed)."""
        return [refund_id for refund_id in sorted(self._sending)
                if (refund := self.journal.get_refund(refund_id)) is None
                or refund.business_day == day]

    def _make(self, order_id: str, amount_cents: int | None, operator_id: str | None,
              confirm_attempts: int, refund_id: str, foreign: ForeignSale | None,
              on_unsent: Callable[[], None] | None) -> Refund:
        refund = self._journal_intent(order_id, amount_cents, operator_id, refund_id, foreign)
        try:
            result = self.client.refund(
                ori_order_id=order_id, refund_cents=refund.amount_cents, order_id=refund.refund_id
            )
        except OutcomeUnknownError as exc:
            self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=exc.rsp_code,
                         rsp_msg=exc.message)
        except (ValueError, RequestNotSentError) as exc:  # certainly never left the terminal
            message = exc.message if isinstance(exc, RequestNotSentError) else f"not sent: {exc}"
            self._finish(refund.refund_id, RefundState.FAILED, rsp_msg=message)
            if on_unsent is not None:
                on_unsent()
            return self._get(refund.refund_id)
        except OttPayError as exc:
            self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=exc.rsp_code,
                         rsp_msg=exc.message)
        else:
            if result.outcome in (Outcome.DECLINED, Outcome.REJECTED):
                self._finish(refund.refund_id, RefundState.FAILED, rsp_code=result.rsp_code,
                             rsp_msg=result.rsp_msg)
                return self._get(refund.refund_id)
            if result.outcome is not Outcome.ACCEPTED:
                self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=result.rsp_code,
                             rsp_msg=result.rsp_msg)
        for attempt in range(max(1, confirm_attempts)):
            current = self.confirm(refund.refund_id)
            if not RefundState(current.state).is_open:
                return current
            if attempt + 1 < confirm_attempts:
                self._sleep(self.settings.poll_interval)
        return self._get(refund.refund_id)

    def new_refund_id(self, sale: Sale | None) -> str:
        """A gateway order id for a refund of ``sale`` (None: another lane's), unused here."""
        terminal_no = sale.terminal_no if sale is not None else None
        for _ in range(5):
            refund_id = new_order_id(terminal_no or self.settings.terminal_no)
            if self.journal.get_refund(refund_id) is None and \
                    self.journal.get_sale(refund_id) is None:
                break
        return refund_id

    def _journal_intent(self, order_id: str, amount_cents: int | None,
                        operator_id: str | None, refund_id: str,
                        foreign: ForeignSale | None) -> Refund:
        refund = self.journal.create_refund(
            refund_id=refund_id, sale_order_id=order_id, amount_cents=amount_cents,
            operator_id=operator_id, foreign=foreign,
        )
        self._emit(RefundUpdated(refund, self.journal.require_sale(order_id)))
        return refund

    def confirm(self, refund_id: str, *, sweeping: bool = False) -> Refund:
        """Query an open refund once and settle it if the gateway's answer is final.

        ``sweeping``: raise ``TransportError`` when the gateway cannot be reached (the sweep
        stops then) instead of leaving the refund for the next try.
        """
        refund = self._get(refund_id)
        if not RefundState(refund.state).is_open:
            return refund
        return self._ask(refund, after_silence=False, sweeping=sweeping)

    def recheck(self, refund: Refund) -> Refund:
        """Ask again about a refund whose ``failed`` rests on silence (the sweep; raises
        ``TransportError`` when the gateway cannot be reached)."""
        if refund.state != RefundState.FAILED or refund.recheck_until is None:
            return refund
        return self._ask(refund, after_silence=True, sweeping=True)

    def release(self, refund_id: str, *, operator_id: str | None = None) -> Refund:
        """A manager's decision: count an unknown refund as failed so its amount can be
        refunded again. The gateway is asked once more first (its answer wins).

        The risk is the manager's: if the gateway did pay it out, the customer gets the money
        twice; the sweep keeps asking for ``recheck_seconds`` and books it if it turns up.
        ``PaymentError`` if the refund is not open.
        """
        refund = self.journal.get_refund(refund_id)
        if refund is None:
            raise PaymentError(f"no refund with id {refund_id} in the journal")
        if not RefundState(refund.state).is_open:
            raise PaymentError(f"refund {refund_id} is {refund.state}, not unknown; "
                               "there is nothing to release")
        refund = self.confirm(refund_id)
        if not RefundState(refund.state).is_open:
            return refund
        who = f" by {operator_id}" if operator_id else ""
        log.warning("refund %s: released%s without an answer from the gateway", refund_id, who)
        self._finish(refund_id, RefundState.FAILED, rsp_msg="released by a manager",
                     note=f"refund {refund_id} released{who} without an answer from the "
                          "gateway; still checked in the background",
                     recheck_until=self._wall_clock() + self.settings.recheck_seconds)
        return self._get(refund_id)

    def _ask(self, refund: Refund, *, after_silence: bool, sweeping: bool = False) -> Refund:
        refund_id = refund.refund_id
        try:
            result = self.client.status_query(refund_id)
        except OrderNotFoundError:
            # The gateway may not know refunds by their own id: the original sale may tell.
            if self._shown_by_sale(refund):
                self._finish(refund_id, RefundState.SUCCEEDED, rsp_code="SUCCESS",
                             after_silence=after_silence,
                             note=f"refund {refund_id} of {refund.amount_cents} cents confirmed "
                                  "by the original sale's refunded amount")
            return self._get(refund_id)
        except OttPayError as exc:
            if sweeping and isinstance(exc, TransportError):
                raise
            log.info("refund %s: query failed (%s); will ask again", refund_id, exc)
            return refund
        status = result.order_status
        if status is OrderStatus.SUCCESS:
            if result.total_cents not in (None, refund.amount_cents):
                log.error("refund %s: gateway confirms %s cents, we asked %s; left as it is",
                          refund_id, result.total_cents, refund.amount_cents)
                return refund
            self._finish(refund_id, RefundState.SUCCEEDED, rsp_code="SUCCESS",
                         after_silence=after_silence)
            self._cross_check(refund.sale_order_id)
        elif status in (OrderStatus.FAILURE, OrderStatus.ORDERCLOSED):
            self._finish(refund_id, RefundState.FAILED, rsp_msg=status.value,
                         after_silence=after_silence)
        return self._get(refund_id)

    def _shown_by_sale(self, refund: Refund) -> bool:
        """Whether the original sale's refunded amount at the gateway proves ``refund`` was paid.

        The amount the gateway shows beyond what the journal booked must be made of the
        journal's unconfirmed refunds of that sale in exactly one way, and that way must
        include ``refund``; anything less certain leaves the refund as it is.

        Never on a lane of a store, nor for another lane's sale: there the gateway's figure
        also holds refunds made at other lanes, which this journal does not know (the selling
        lane never hears of them, the refunding lane only as of its last look at the store, and
        a lane refunding its own sale while the store was down reserved nothing). Another
        lane's refund of the same amount would then "confirm" one of ours that never reached
        the gateway: money booked as paid out that never moved. The refund stays unknown
        instead and is asked about by its own id (silence is never final; a manager may
        release it).
        """
        if not self._refunded_here_only(refund.sale_order_id):
            return False
        try:
            original = self.client.status_query(refund.sale_order_id)
        except OttPayError as exc:
            log.info("refund %s: the original sale could not be asked (%s)", refund.refund_id,
                     exc)
            return False
        if original.order_status not in (OrderStatus.PARTIAL_REFUNDED,
                                         OrderStatus.FULLY_REFUNDED):
            return False
        unbooked = [r for r in self.journal.refunds_for(refund.sale_order_id)
                    if RefundState(r.state).is_open or r.recheck_until is not None]
        booked = self.journal.require_sale(refund.sale_order_id).refunded_cents
        shown = original.refund_cents - booked
        if shown <= 0:
            return False  # nothing refunded beyond what the journal booked (not yet, or never)
        match = _unique_subset(shown, unbooked)
        if match is None:
            log.warning("refund %s: the gateway shows %s cents refunded beyond the journal; "
                        "that does not single out which refunds; left as it is",
                        refund.refund_id, shown)
            return False
        return any(r.refund_id == refund.refund_id for r in match)

    def _refunded_here_only(self, sale_order_id: str) -> bool:
        """Whether no other lane can have refunded the sale, so the gateway's refunded amount
        on it is made of this journal's refunds alone: on a terminal of its own, for its own
        sale."""
        return not self.in_store and self.journal.require_sale(sale_order_id).lane is None

    def _cross_check(self, sale_order_id: str) -> None:
        """Compare the gateway's refund_fee on the original with what the journal booked (where
        the journal can know all of it: ``_refunded_here_only``)."""
        if not self._refunded_here_only(sale_order_id):
            return
        try:
            original = self.client.status_query(sale_order_id)
        except OttPayError as exc:
            log.info("sale %s: refund cross-check query failed: %s", sale_order_id, exc)
            return
        booked = self.journal.require_sale(sale_order_id).refunded_cents
        if original.refund_cents != booked:
            log.warning("sale %s: gateway shows %s cents refunded, journal %s", sale_order_id,
                        original.refund_cents, booked)

    def _finish(self, refund_id: str, state: RefundState, *, rsp_code: str | None = None,
                rsp_msg: str | None = None, note: str = "", after_silence: bool = False,
                recheck_until: float | None = None) -> None:
        done = self.journal.finish_refund(refund_id, state, rsp_code=rsp_code, rsp_msg=rsp_msg,
                                          note=note, after_silence=after_silence,
                                          recheck_until=recheck_until)
        if done is not None:
            refund, sale = done
            if after_silence and state is RefundState.SUCCEEDED:
                log.error("refund %s of %s cents was released as failed, but the gateway paid "
                          "it out: sale %s has %s cents refunded now", refund_id,
                          refund.amount_cents, sale.order_id, sale.refunded_cents)
            self._emit(RefundUpdated(refund, sale))
            if state is RefundState.SUCCEEDED:
                self._emit(SaleUpdated(sale))

    def _get(self, refund_id: str) -> Refund:
        refund = self.journal.get_refund(refund_id)
        assert refund is not None
        return refund


def _unique_subset(total: int, refunds: Sequence[Refund]) -> list[Refund] | None:
    """The one combination of ``refunds`` whose amounts add up to ``total`` (None: none, or
    more than one). Few refunds per sale, so trying every combination is cheap."""
    if len(refunds) > 12:
        return None
    found: list[list[Refund]] = []
    for size in range(1, len(refunds) + 1):
        for combo in itertools.combinations(refunds, size):
            if sum(r.amount_cents for r in combo) == total:
                found.append(list(combo))
                if len(found) > 1:
                    return None
    return found[0] if found else None
