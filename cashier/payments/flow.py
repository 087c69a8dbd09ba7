"""What a sale's flow (passive, active, link) may use, and the one polling loop they share.

The flows get a ``FlowContext``, not the engine: the gateway client, the journal, the settings,
the settler (every state change goes through it), the resolver (who keeps asking once the
cashier's wait is over), and the engine's clock and stop flag. The engine imports the flows; the
flows never import the engine.

While the cashier waits, ``wait_for_outcome`` asks the gateway at the cadence ``poll_delay``
decides, the one place that cadence (and the cap on queries per sale) lives.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from cashier.journal.store import Journal
from cashier.ottpay.client import OttPayClient
from cashier.payments.handle import SaleHandle
from cashier.payments.resolver import Resolver
from cashier.payments.settings import PaymentSettings
from cashier.payments.settle import Settler
from cashier.payments.states import AbandonReason

#: The resolver's key of a sale it keeps asking about.
SALE_KEY = "sale:"


#: While the customer is most likely acting (scanning the QR, confirming on the phone), each
#: second of waiting for the answer is a second at the counter: (until seconds waited, delay).
EAGER_POLLS = ((10.0, 0.5), (20.0, 1.0))
#: After this long the customer is probably not about to pay: ask half as often.
PATIENT_AFTER = 60.0


def poll_delay(settings: PaymentSettings, queries: int, waited: float) -> float:
    """Seconds from one STATUS_QUERY being sent to the next, for a sale the cashier waits for.

    ``queries``: how many this wait has sent so far; ``waited``: seconds since it began. Every
    0.5 s for the first 10 s and every second until 20 s (a payment is then seen about a
    quarter of a second plus half a round trip after it happens), then ``poll_interval``, and
    twice that after a minute.
    """
    for until, delay in EAGER_POLLS:
        if waited < until:
            return min(delay, settings.poll_interval)
    if waited < PATIENT_AFTER:
        return settings.poll_interval
    return 2 * settings.poll_interval


@dataclass(frozen=True)
class FlowContext:
    """The part of the engine a flow may use."""

    client: OttPayClient
    journal: Journal
    settings: PaymentSettings
    settler: Settler
    resolver: Resolver
    clock: Callable[[], float]
    stop: threading.Event

    @property
    def stopping(self) -> bool:
        return self.stop.is_set()

    def keep_asking(self, order_id: str) -> bool:
        """Hand a sale nobody waits for any more to the resolver (False when stopping)."""
        return self.resolver.watch(SALE_KEY + order_id)


def wait_for_outcome(ctx: FlowContext, handle: SaleHandle, deadline: float, *,
                     capped: bool = True) -> None:
    """Query the gateway until the sale is final, the cashier cancels, the engine stops or the
    ``deadline`` (``ctx.clock`` time) passes. A change (a callback, ``code_url``) or a cancel
    wakes the wait early; that re-checks the sale but does not query sooner.

    ``capped``: send at most ``settings.max_queries``, then only wait (a callback may still
    settle the sale). A payment link's wait lasts as long as the link is valid (minutes): it is
    not capped, its cadence just slows down."""
    started = ctx.clock()
    queries = 0
    next_query = started + poll_delay(ctx.settings, queries, 0.0)
    while handle.sale.is_open and not handle.cancelled and not ctx.stopping:
        now = ctx.clock()
        if now >= deadline:
            break
        if now < next_query:
            handle.sleep(min(next_query, deadline) - now)
            continue
        ctx.settler.query(handle.order_id)
        queries += 1
        if capped and queries >= ctx.settings.max_queries:
            next_query = math.inf
        else:  # counted from when it was sent: over a long round trip the cadence holds
            next_query = now + poll_delay(ctx.settings, queries, now - started)


def give_up_waiting(ctx: FlowContext, handle: SaleHandle, note: str,
                    reason: AbandonReason = AbandonReason.STOPPED_WAITING) -> None:
    """The cashier's wait is over and the sale is still open: flag it abandoned (a payment
    after this is a late payment; a cancel flagged it already) and let the resolver keep
    asking."""
    if ctx.stopping or not handle.sale.is_open:
        return
    if not handle.cancelled:
        sale = ctx.journal.mark_abandoned(handle.order_id, note, reason=reason)
        if sale is not None:
            ctx.settler.announce(sale)
    ctx.keep_asking(handle.order_id)


def poll_until(ctx: FlowContext, handle: SaleHandle, deadline: float) -> None:
    """``wait_for_outcome``, then ``give_up_waiting`` if the sale is still open."""
    wait_for_outcome(ctx, handle, deadline)
    give_up_waiting(ctx, handle, "no final answer before the deadline; checking in the "
                                 "background")
