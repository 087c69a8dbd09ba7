"""Turning gateway answers into committed state changes, the one way every flow settles a sale.

Used by the passive and active flows, the callback handler, the background resolver, recovery and
the reconciliation sweep, so that "what does this answer mean for this sale" is decided in exactly
one place. Every change is a compare-and-set in the journal, committed before the event that
reports it is emitted.

Silence is never final: a sale closed because the gateway did not know the order ("not found"
only means "not yet") is journaled with ``recheck_until``, and ``recheck`` asks again until then;
if the gateway says paid after all, the closed sale becomes a late payment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from typing import Protocol

from cashier.journal.records import Sale
from cashier.journal.store import Journal
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OrderNotFoundError, OttPayError, TransportError
from cashier.ottpay.results import PaymentResult, StatusResult
from cashier.payments.events import EngineEvent, LatePayment, SaleUpdated
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import AbandonReason, IllegalTransition, SaleState, sources_of

log = logging.getLogger("cashier.payments")


class LinkExpiry(Protocol):
    """How payment links expire (``cashier.payments.link.LinkPayments``): for a link sale,
    "not found" and an unpaid answer mean something else until the link's validity is over."""

    def expired(self, sale: Sale, now: float) -> bool: ...

    def expire_now(self, order_id: str) -> None: ...

    def close_expired(self, sale: Sale, why: str) -> Sale: ...


def gateway_fields(result: StatusResult | PaymentResult) -> dict[str, object]:
    """The journal fields a query (or payment) answer fills in, skipping what it left out."""
    fields: dict[str, object] = {
        "bizpay_order_id": result.bizpay_order_id,
        "buyer_login_id": result.buyer_login_id,
        "trade_time": result.trade_time.isoformat() if result.trade_time else None,
    }
    return {k: v for k, v in fields.items() if v is not None}


class Settler:
    """Applies answers to sales: ``advance`` (compare-and-set), ``apply_status``, ``query``.

    ``emit`` delivers events; ``on_late`` is called (after ``LatePayment`` is emitted) when a sale
    the cashier had given up on turns out paid.
    """

    def __init__(
        self,
        client: OttPayClient,
        journal: Journal,
        settings: PaymentSettings,
        *,
        emit: Callable[[EngineEvent], None],
        on_late: Callable[[Sale], None],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.journal = journal
        self.settings = settings
        self._emit = emit
        self._on_late = on_late
        self._wall_clock = wall_clock
        #: Payment-link sales (set by the engine): "not found" and expiry mean something else.
        self.links: LinkExpiry | None = None

    def wall_clock(self) -> float:
        """Epoch seconds, comparable with journal timestamps."""
        return self._wall_clock()

    def advance(self, order_id: str, to_state: SaleState, *, note: str,
                from_states: Collection[SaleState] | None = None, **fields: object) -> Sale:
        """Move a sale to ``to_state`` if it may go there; return the sale as it now is.

        Losing a race is not an error: if another writer already put the sale in ``to_state``
        (a duplicate callback, a poll racing a callback) or the news is stale (a poll saying
        "pending" about a sale a callback already settled, "paid" about a refunded one), nothing
        changes. A real contradiction (the gateway says declined about a paid sale) raises
        ``IllegalTransition`` and changes nothing. ``from_states`` replaces the lifecycle's
        sources for the one exception it has: an expired payment link paid anyway (closed ->
        paid, see ``cashier.payments.link``).
        """
        sources = sources_of(to_state) if from_states is None else frozenset(from_states)
        sale = self.journal.transition(
            order_id, to_state, from_states=sorted(sources), note=note, **fields
        )
        if sale is not None:
            self.announce(sale)
            if to_state is SaleState.PAID and sale.late:
                log.warning(
                    "late payment: sale %s (%s cents) was paid after the cashier stopped waiting",
                    order_id, sale.total_cents,
                )
                self._emit(LatePayment(sale))
                self._on_late(sale)
            return sale
        current = self.journal.require_sale(order_id)
        if current.state == to_state:
            return current
        if to_state.is_open and not current.is_open:
            return current  # stale: the sale settled meanwhile
        if to_state is SaleState.PAID and current.is_paid:
            return current  # already paid, and refunded since
        raise IllegalTransition(order_id, current.state, to_state)

    def announce(self, sale: Sale) -> None:
        """Report a committed change."""
        self._emit(SaleUpdated(sale))

    def note(self, order_id: str, note: str, **fields: object) -> Sale:
        """Record fields and/or a same-state event (no state change) and announce it."""
        sale = self.journal.update_sale(order_id, note=note, **fields)
        self.announce(sale)
        return sale

    def apply_status(self, sale: Sale, result: StatusResult) -> Sale:
        """What a STATUS_QUERY answer about a sale means for it."""
        outcome = result.outcome
        status = result.order_status.value if result.order_status else "?"
        if outcome is Outcome.PAID:
            mismatch = self.amount_mismatch(sale, result.total_cents, result.tip_cents)
            if mismatch:
                log.error("sale %s: gateway says paid but %s; not marking it paid", sale.order_id,
                          mismatch)
                if sale.state == SaleState.UNKNOWN:
                    if sale.rsp_msg == mismatch:
                        return sale  # already recorded; don't add an event per query
                    return self.note(sale.order_id, f"paid with {mismatch}", rsp_msg=mismatch)
                return self.advance(sale.order_id, SaleState.UNKNOWN,
                                    note=f"paid with {mismatch}", rsp_msg=mismatch)
            return self.advance(sale.order_id, SaleState.PAID, note=f"query: {status}",
                                rsp_code="SUCCESS", **gateway_fields(result))
        if outcome is Outcome.DECLINED:
            return self.advance(sale.order_id, SaleState.DECLINED, note=f"query: {status}",
                                rsp_msg=status)
        if outcome is Outcome.CLOSED:
            return self.advance(sale.order_id, SaleState.CLOSED, note=f"query: {status}",
                                rsp_msg=status)
        if outcome is Outcome.PENDING and sale.state == SaleState.UNKNOWN:
            return self.advance(sale.order_id, SaleState.PENDING, note=f"query: {status}")
        return sale

    def amount_mismatch(self, sale: Sale, total_cents: int | None, tip_cents: int | None) -> str:
        """Why a confirmed amount does not match the sale ('' when it does).

        The gateway's ``total_amount`` is the amount without tip; ``tip`` is the tip.
        """
        if total_cents is None:
            return "no confirmed amount"
        if total_cents not in (sale.amount_cents, sale.total_cents):
            return f"amount {total_cents} cents instead of {sale.amount_cents}"
        if tip_cents is not None and total_cents == sale.amount_cents and \
                tip_cents != sale.tip_cents:
            return f"tip {tip_cents} cents instead of {sale.tip_cents}"
        return ""

    @staticmethod
    def callback_mismatch(sale: Sale, amount_cents: int, tip_cents: int) -> str:
        """Why a callback's amounts do not fit the sale ('' when they do).

        The documents leave open whether a callback's ``amount`` includes the tip, so both
        readings fit: ``amount`` = amount and ``tip`` = tip, or ``amount`` = amount + tip with
        ``tip`` = the tip or no tip at all (a payment link's: ``wapPay`` has no tip field).
        """
        if amount_cents == sale.amount_cents and tip_cents == sale.tip_cents:
            return ""
        if amount_cents == sale.total_cents and tip_cents in (0, sale.tip_cents):
            return ""
        return (f"amount {amount_cents} + tip {tip_cents} cents, the sale is "
                f"{sale.amount_cents} + {sale.tip_cents}")

    def apply_not_found(self, sale: Sale) -> Sale:
        """The gateway does not know the order: closed once the request can no longer arrive.

        A payment link's order only exists once the customer opens the link: it is closed once
        the link's validity is over.
        """
        if sale.mode == "link" and self.links is not None:
            if self.links.expired(sale, self._wall_clock()):
                return self.links.close_expired(sale, "the link was never opened")
            return sale
        age = self._wall_clock() - sale.created_at
        if age >= self.settings.unknown_grace:
            # Given up first (unless the cashier already had): if it is paid after all, it is a
            # late payment, and says why nobody was waiting for it.
            marked = self.journal.mark_abandoned(
                sale.order_id, "the gateway has no record of it: closing it for now",
                reason=AbandonReason.NO_ANSWER)
            if marked is not None:
                self.announce(marked)
            return self.advance(
                sale.order_id, SaleState.CLOSED, rsp_msg="order not found",
                recheck_until=sale.created_at + self.settings.recheck_seconds,
                note=f"gateway has no record {age:.1f}s after the intent: closed for now, "
                     f"asked again for {self.settings.recheck_seconds / 3600:g} h",
            )
        if sale.state == SaleState.PENDING:
            return self.advance(sale.order_id, SaleState.UNKNOWN, rsp_msg="order not found",
                                note="gateway does not know the order yet; asking again")
        return sale

    def paid_after_close(self, order_id: str, note: str, **fields: object) -> Sale:
        """A closed sale the gateway says was paid after all (closed on silence, or an expired
        payment link): closed -> paid, flagged late, the late-payment policy applies."""
        return self.advance(order_id, SaleState.PAID, note=note,
                            from_states=(SaleState.CLOSED,), **fields)

    def recheck(self, sale: Sale) -> Sale:
        """Ask again about a sale closed on silence (the reconciliation sweep).

        Raises ``TransportError`` when the gateway could not be reached, so a sweep stops
        instead of waiting out a deadline per sale.
        """
        if sale.state != SaleState.CLOSED or sale.recheck_until is None:
            return sale
        try:
            result = self.client.status_query(sale.order_id)
        except OrderNotFoundError:
            return sale
        except TransportError:
            raise
        except OttPayError as exc:
            log.info("sale %s: re-check failed (%s); will ask again", sale.order_id, exc)
            return sale
        return self.apply_after_silence(sale, result)

    def apply_after_silence(self, sale: Sale, result: StatusResult) -> Sale:
        """What a STATUS_QUERY answer means for a sale closed on silence.

        Paid: a late payment. Declined or closed by the gateway: the sale rests on that answer
        and is not asked about again. Pending: asked again next sweep.
        """
        if sale.state != SaleState.CLOSED or sale.recheck_until is None:
            return sale
        status = result.order_status.value if result.order_status else "?"
        if result.outcome is Outcome.PAID:
            mismatch = self.amount_mismatch(sale, result.total_cents, result.tip_cents)
            if mismatch:
                log.error("sale %s: closed for lack of an answer, now paid with %s; not marking "
                          "it paid", sale.order_id, mismatch)
                return sale
            log.warning("sale %s: closed for lack of an answer, but the gateway says paid",
                        sale.order_id)
            try:
                return self.paid_after_close(
                    sale.order_id, "reconciliation: paid after it was closed for lack of an "
                    "answer", rsp_code="SUCCESS", **gateway_fields(result))
            except IllegalTransition as exc:
                log.error("sale %s: %s", sale.order_id, exc)
                return self.journal.require_sale(sale.order_id)
        if result.outcome in (Outcome.DECLINED, Outcome.CLOSED):
            ended = self.journal.end_recheck(sale.order_id, f"reconciliation: gateway says "
                                                            f"{status}")
            if ended is not None:
                self.announce(ended)
                return ended
        return sale

    def query(self, order_id: str, *, final: bool = False) -> Sale:
        """Ask the gateway about an open sale once and settle it if the answer is final.

        ``final``: a payment link's wait is over, so an unpaid answer closes it now.
        """
        sale = self.journal.require_sale(order_id)
        if not sale.is_open:
            return sale
        links = self.links if sale.mode == "link" else None
        if links is not None and final and not links.expired(sale, self._wall_clock()):
            links.expire_now(sale.order_id)
        try:
            result = self.client.status_query(order_id)
        except OrderNotFoundError:
            return self.apply_not_found(sale)
        except OttPayError as exc:
            log.info("sale %s: query failed (%s); will ask again", order_id, exc)
            return sale
        try:
            sale = self.apply_status(sale, result)
        except IllegalTransition as exc:
            log.error("sale %s: the gateway contradicts the journal: %s", order_id, exc)
            return self.journal.require_sale(order_id)
        if links is not None and sale.is_open and links.expired(sale, self._wall_clock()):
            status = result.order_status.value if result.order_status else "?"
            return links.close_expired(sale, f"still unpaid ({status})")
        return sale
