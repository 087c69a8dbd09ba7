"""Pay by link: the terminal sends the customer an Alipay payment link (OTT Pay ``wapPay``).

A link sale is journaled like any sale (mode ``link``, wallet ALIPAY) *before* the link exists,
then the link is built (pure: the link itself is the request, nothing is sent) and the sale
settles exactly like an active payment: a verified notify callback (``on_callback``) or
STATUS_QUERY polling, whichever comes first.

What differs, and why:

- Until the customer opens the link the gateway has no order, so "order not found" is normal for
  a link: it only means *unpaid* once the link's validity is over (``Settler`` asks
  ``LinkPayments.expired``).
- After the validity (``link_valid_seconds``, or ``valid_seconds`` per sale) the sale is closed
  unless the gateway reports it paid. OTT Pay has no expiry or close for these orders, so the
  customer can still pay afterwards: the closed sale is flagged abandoned first, watched in the
  background for as long again (then by the reconciliation sweep for ``recheck_seconds``), and a
  verified callback or query that says paid turns it into a *late payment* (closed -> paid,
  flagged, ``LatePayment`` emitted, ``late_payment`` policy).
- The amount on the link is amount + tip (``wapPay`` has no tip field); the callback then says
  ``amount`` = total and ``tip`` = 0, which matches.
- The link carries the merchant payment key (merCode), so it is held only in memory
  (``SaleHandle.link_url``) and the journal keeps ``code_url`` with the key redacted.
- The browser's return URL is a hint, never proof: ``on_return`` only makes the engine ask the
  gateway sooner.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from cashier.journal.records import Sale
from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OrderNotFoundError, OttPayError
from cashier.ottpay.results import StatusResult
from cashier.ottpay.wappay import WapPayLink, WapPayReturn, build_wappay_link
from cashier.payments.flow import FlowContext, give_up_waiting, wait_for_outcome
from cashier.payments.handle import SaleHandle
from cashier.payments.settle import gateway_fields
from cashier.payments.states import AbandonReason, IllegalTransition, SaleState

log = logging.getLogger("cashier.payments")

LINK_MODE = "link"
LATE_KEY = "linklate:"
#: The return page the callback receiver serves (``CallbackReceiver.return_path``).
RETURN_PATH = "/ottpay/return"
#: How many recent sales a return naming the gateway's order number is matched against
#: (a return comes minutes after the link was paid, not days).
RETURN_LOOKBACK = 200


def default_return_url(callback_url: str | None) -> str | None:
    """``/ottpay/return`` on the host of ``callback_url`` (the same receiver serves both)."""
    if not callback_url:
        return None
    parts = urlsplit(callback_url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}{RETURN_PATH}"


class LinkPayments:
    """The engine's payment-link sales: building links, their expiry, late payments, hints."""

    def __init__(self, ctx: FlowContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._valid: dict[str, float] = {}      # order id -> validity in seconds (this run)
        self._last_hint: dict[str, float] = {}  # order id -> when a return hint last queried
        self._over: set[str] = set()            # waits that ended before the wall clock agreed

    # -- building ------------------------------------------------------------------------------

    def check(self, total_cents: int, operator: str, valid_seconds: float | None) -> float:
        """Refuse, before anything is journaled, a link that could not be built (no merchant
        payment key, a callback or return URL that is not https, a bad validity); returns the
        validity in seconds."""
        valid = self._validity(valid_seconds)
        self._build("0", total_cents, operator)
        return valid

    def attach(self, handle: SaleHandle, valid: float) -> None:
        """Build the link of a journaled link sale and note it (the URL only in memory)."""
        sale = handle.sale
        with self._lock:
            self._valid[handle.order_id] = valid
        link = self._build(handle.order_id, sale.total_cents, sale.operator_id or "")
        handle.link_url = link.url
        self.ctx.settler.note(handle.order_id, f"payment link ready, valid {valid:g} s",
                              code_url=link.redacted_url)
        log.info("sale %s: payment link %s", handle.order_id, link.redacted_url)

    def _validity(self, valid_seconds: float | None) -> float:
        value = self.ctx.settings.link_valid_seconds if valid_seconds is None else valid_seconds
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError("a payment link's validity must be a positive number of seconds")
        return float(value)

    def _build(self, order_id: str, total_cents: int, operator: str) -> WapPayLink:
        settings = self.ctx.settings
        notify = (settings.callback_url or "").strip()
        if not notify:
            raise ValueError(
                "a payment link needs a callback URL for OTT Pay's notify (set [ottpay] "
                "callback_url)"
            )
        return_url = settings.link_return_url or default_return_url(notify) or ""
        return build_wappay_link(
            merchant_payment_key=settings.merchant_payment_key,
            merchant_id=self.ctx.client.merchant_id, order_id=order_id,
            operator_id=operator, amount_cents=total_cents, return_url=return_url,
            notify_url=notify, base_url=settings.wappay_url,
            max_cents=2 * settings.max_amount_cents,
        )

    # -- expiry --------------------------------------------------------------------------------

    def valid_seconds(self, order_id: str) -> float:
        with self._lock:
            return self._valid.get(order_id, self.ctx.settings.link_valid_seconds)

    def expires_at(self, sale: Sale) -> float:
        """Wall-clock time the link stops counting as payable (journal ``created_at`` based)."""
        return sale.created_at + self.valid_seconds(sale.order_id)

    def expired(self, sale: Sale, now: float) -> bool:
        with self._lock:
            if sale.order_id in self._over:
                return True
        return now >= self.expires_at(sale)

    def expire_now(self, order_id: str) -> None:
        """The worker's wait (monotonic clock) is over: count the link as expired now."""
        with self._lock:
            self._over.add(order_id)

    def close_expired(self, sale: Sale, why: str) -> Sale:
        """Close an open link sale past its validity (flagged abandoned first, so a payment that
        still comes is a late payment) and keep an eye on it in the background."""
        settler = self.ctx.settler
        marked = self.ctx.journal.mark_abandoned(sale.order_id, "payment link expired",
                                                    reason=AbandonReason.LINK_EXPIRED)
        if marked is not None:
            settler.announce(marked)
        try:
            closed = settler.advance(sale.order_id, SaleState.CLOSED,
                                     note=f"payment link expired: {why}", rsp_msg=why,
                                     recheck_until=self._recheck_until(sale))
        except IllegalTransition:  # paid (by a callback) a moment ago: that answer stands
            return self.ctx.journal.require_sale(sale.order_id)
        if closed.state == SaleState.CLOSED and not self.ctx.stopping:
            self.ctx.resolver.watch(LATE_KEY + sale.order_id)
        return closed

    # -- late payments after expiry ------------------------------------------------------------

    def paid_after_expiry(self, order_id: str, note: str, **fields: object) -> Sale:
        """A closed (expired) link sale the gateway says was paid: closed -> paid, late."""
        sale = self.ctx.settler.paid_after_close(order_id, note, **fields)
        log.warning("sale %s: payment link paid after it expired", order_id)
        return sale

    def apply_late(self, sale: Sale, result: StatusResult) -> Sale:
        """What a STATUS_QUERY answer means for a closed (expired) link sale: paid late, or
        nothing. Used by the background watch and by ``cashier status``."""
        if sale.mode != LINK_MODE or sale.state != SaleState.CLOSED or \
                result.outcome is not Outcome.PAID:
            return sale
        mismatch = self.ctx.settler.amount_mismatch(sale, result.total_cents,
                                                        result.tip_cents)
        if mismatch:
            log.error("sale %s: expired link paid with %s; not marking it paid", sale.order_id,
                      mismatch)
            return sale
        try:
            return self.paid_after_expiry(sale.order_id, "query: paid after the link expired",
                                          rsp_code="SUCCESS", **gateway_fields(result))
        except IllegalTransition as exc:
            log.error("sale %s: %s", sale.order_id, exc)
            return self.ctx.journal.require_sale(sale.order_id)

    def check_late(self, order_id: str) -> bool:
        """Resolver check of a closed link sale: True (stop watching) once paid or long gone."""
        ctx = self.ctx
        sale = ctx.journal.require_sale(order_id)
        if sale.mode != LINK_MODE or sale.state != SaleState.CLOSED:
            return True
        try:
            result = ctx.client.status_query(order_id)
        except OrderNotFoundError:
            result = None
        except OttPayError as exc:
            log.info("sale %s: late check failed (%s); will ask again", order_id, exc)
            return False
        if result is not None and result.outcome is Outcome.PAID:
            self.apply_late(sale, result)
            return True
        return ctx.settler.wall_clock() >= self._watch_until(sale)

    def _recheck_until(self, sale: Sale) -> float:
        """The customer can still pay an expired link (OTT Pay cannot close it): its closing
        rests on silence, so the reconciliation sweep asks again for ``recheck_seconds``."""
        return max(sale.created_at + self.ctx.settings.recheck_seconds, self._watch_until(sale))

    def _watch_until(self, sale: Sale) -> float:
        return sale.created_at + 2 * self.valid_seconds(sale.order_id)

    def recover(self, *, limit: int = 500) -> list[str]:
        """At start-up: watch again the recently expired links (a payment may have come while
        the terminal was off and its notify was lost). Returns the order ids watched."""
        ctx = self.ctx
        now = ctx.settler.wall_clock()
        watched = []
        for sale in ctx.journal.history(limit=limit):
            if sale.mode != LINK_MODE or sale.state != SaleState.CLOSED:
                continue
            if now < self._watch_until(sale) and ctx.resolver.watch(LATE_KEY + sale.order_id):
                watched.append(sale.order_id)
        return watched

    # -- the browser's return ------------------------------------------------------------------

    def on_return(self, info: WapPayReturn) -> None:
        """A customer's browser came back from a link: ask the gateway soon (never trust it).

        The return may name our order id, the gateway's order number or Alipay's (see
        ``WapPayReturn.ids``): a link sale is matched by any. When none matches (the gateway's
        number is learnt only once a sale is paid), every link sale still open or watched for a
        late payment is asked about instead. At most one extra query per ``poll_interval`` per
        sale, however often the page is hit.
        """
        journal = self.ctx.journal
        named = [journal.get_sale(candidate) for candidate in info.ids]
        sales = [s for s in named if s is not None and s.mode == LINK_MODE]
        if not sales:
            recent = [s for s in journal.history(limit=RETURN_LOOKBACK) if s.mode == LINK_MODE]
            sales = [s for s in recent if s.bizpay_order_id in info.ids]
            if not sales:  # not yet known by the gateway's number: ask about every candidate
                now = self.ctx.settler.wall_clock()
                sales = [s for s in recent if s.is_open or now < self._watch_until(s)]
                log.warning("payment link return names no sale we know (%s); asking about the "
                            "%d recent payment links", ", ".join(info.ids), len(sales))
        for sale in sales:
            self._hint(sale)

    def _hint(self, sale: Sale) -> None:
        ctx = self.ctx
        now = ctx.clock()
        with self._lock:
            last = self._last_hint.get(sale.order_id)
            if last is not None and now - last < ctx.settings.poll_interval:
                return
            self._last_hint[sale.order_id] = now
        if sale.is_open:
            ctx.resolver.submit(lambda: ctx.settler.query(sale.order_id))
        elif sale.state == SaleState.CLOSED:
            ctx.resolver.submit(lambda: self.check_late(sale.order_id))


def run_link(ctx: FlowContext, handle: SaleHandle, valid_seconds: float) -> None:
    """Wait for the customer: poll (and take callbacks) until paid, cancelled or expired."""
    wait_for_outcome(ctx, handle, ctx.clock() + valid_seconds, capped=False)
    if not ctx.stopping and handle.sale.is_open and not handle.cancelled:
        # The validity is over: one last question; the settler closes it unless it is paid.
        ctx.settler.query(handle.order_id, final=True)
    give_up_waiting(ctx, handle, "payment link expired without a final answer; checking in "
                                 "the background", AbandonReason.LINK_EXPIRED)
