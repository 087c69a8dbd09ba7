"""The polling shared by the flows: its cadence, and the cap on queries per sale."""

from __future__ import annotations

import pytest

from cashier.payments.events import SaleUpdated
from cashier.payments.flow import poll_delay
from cashier.payments.settings import PaymentSettings
from cashier.wallets import Wallet

NOWHERE = "http://127.0.0.1:9/ottpay/callback"


@pytest.mark.parametrize(("waited", "delay"), [
    (0.0, 0.5), (9.9, 0.5),  # the customer is most likely scanning or confirming right now
    (10.0, 1.0), (19.9, 1.0),
    (20.0, 3.0), (59.9, 3.0),  # then the protocol's "about every 3 s"
    (60.0, 6.0), (300.0, 6.0),  # and slower once the customer is probably not about to pay
])
def test_polling_is_eager_while_the_customer_acts_and_slower_later(waited, delay):
    assert poll_delay(PaymentSettings(poll_interval=3.0), 0, waited) == delay


def test_a_short_poll_interval_is_never_slowed_down_by_the_eager_phase():
    assert poll_delay(PaymentSettings(poll_interval=0.2), 0, 1.0) == 0.2


def test_the_queries_of_one_qr_wait_stay_within_the_default_cap():
    """A QR nobody pays, polled over its whole wait (120 s): under max_queries (60)."""
    settings = PaymentSettings()
    waited, queries = 0.0, 0
    while True:
        waited += poll_delay(settings, queries, waited)
        if waited >= settings.active_timeout:
            break
        queries += 1
    assert queries <= settings.max_queries


def test_the_wait_sends_at_most_max_queries_then_only_waits(make_engine, sim, recorder):
    sent_while_waiting: list[int] = []

    def listener(event):
        recorder(event)
        if isinstance(event, SaleUpdated) and event.sale.abandoned and not sent_while_waiting:
            # Emitted when the wait gives up, before the background resolver takes over.
            sent_while_waiting.append(len(sim.requests(order_id=event.sale.order_id,
                                                       action="STATUS_QUERY")))

    engine = make_engine(max_queries=3, poll_interval=0.01, active_timeout=1.0,
                         callback_url=NOWHERE)
    engine._listener = listener
    handle = engine.start_active(250, Wallet.ALIPAY)  # shown, never paid
    sale = handle.wait(10)
    assert sale.is_open and sale.abandoned
    assert sent_while_waiting == [3]


def test_zero_or_fractional_caps_are_refused():
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="max_queries"):
            PaymentSettings(max_queries=bad)
