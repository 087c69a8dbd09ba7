"""A lane for the multi-lane tests, run as its own process.

    python -m tests.store.lane sell JOURNAL URL TERMINAL COUNT   # sell with its shipper running
    python -m tests.store.lane ship JOURNAL URL TERMINAL         # only ship, until killed
    python -m tests.store.lane terminal SETTINGS COUNT LOG       # the running terminal

``sell`` prints the lane's own X report total (JSON) once everything is shipped.

``terminal`` runs the terminal's core (``Runtime``, its shipper closing the days the store
closes) against the gateway its settings name, makes ``COUNT`` sales through the engine (every
4th one partly refunded), prints ``{"day": ...}`` once they are shipped, then obeys a line on
stdin: ``qr`` starts a QR sale nobody pays yet and prints ``{"live": ORDER_ID}``. It stops when
stdin closes. It logs to ``LOG``.
"""

from __future__ import annotations

import json
import logging
import sys
import threading

from cashier.journal import Journal
from cashier.payments.reports import x_report
from cashier.store.shipper import Shipper

WALLETS = ("ALIPAY", "WECHATPAY", "UNIONPAY")


def sell(journal: Journal, prefix: str, count: int) -> None:
    """``count`` sales: most paid, every 7th declined, every 5th paid one half refunded."""
    for n in range(count):
        order_id = f"{prefix}-{n:05d}"
        journal.create_sale(order_id=order_id, mode="passive", wallet=WALLETS[n % 3],
                            amount_cents=100 + n, tip_cents=n % 4)
        if n % 7 == 6:
            journal.transition(order_id, "declined", from_states=("pending",))
            continue
        journal.transition(order_id, "paid", from_states=("pending",))
        if n % 5 == 0:
            refund = journal.create_refund(refund_id=f"R{order_id}", sale_order_id=order_id,
                                           amount_cents=50)
            journal.finish_refund(refund.refund_id, "succeeded", rsp_code="SUCCESS")


def terminal(settings: str, count: int, log_path: str) -> int:
    from cashier.config import load_config
    from cashier.runtime import Runtime
    from cashier.simulator import Scenario, demo_code
    from cashier.wallets import Wallet

    logging.basicConfig(filename=log_path, level=logging.INFO,
                        format="%(asctime)s %(name)s %(message)s")
    config = load_config(settings, env={})
    fast = {"poll_interval": 0.1, "passive_timeout": 10.0, "active_timeout": 120.0}
    with Runtime.open(config, terminal=True, payment_overrides=fast) as rt:
        assert rt.shipper is not None
        wallets = list(Wallet)
        for n in range(count):
            sale = rt.engine.pay_passive(1000 + n, demo_code(Scenario.INSTANT_SUCCESS,
                                                             wallets[n % len(wallets)]))
            assert sale.state == "paid", sale
            if n % 4 == 0:
                rt.engine.refund(sale.order_id, 100)
        if not rt.shipper.wait_caught_up(60):
            return 1
        print(json.dumps({"day": rt.journal.current_business_day()}), flush=True)
        for line in sys.stdin:
            if line.strip() == "qr":
                handle = rt.engine.start_active(700, Wallet.WECHATPAY,
                                                callback_url="http://127.0.0.1:9/no-callbacks")
                print(json.dumps({"live": handle.order_id}), flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "terminal":
        return terminal(argv[1], int(argv[2]), argv[3])
    command, path, url, terminal_id = argv[:4]
    shipper = Shipper(path, url, terminal_id, f"Lane {terminal_id}", batch_size=50,
                      idle_seconds=0.05, max_backoff=0.5)
    if command == "ship":
        shipper.start()
        threading.Event().wait()  # until killed
    with Journal(path) as journal:
        shipper.start()
        try:
            sell(journal, terminal_id, int(argv[4]))
            if not shipper.wait_caught_up(120):
                return 1
        finally:
            shipper.stop()
        day = journal.current_business_day()
        print(json.dumps({"day": day, "total": x_report(journal, day).total.to_dict()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
