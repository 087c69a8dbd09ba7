"""A lane for the multi-lane tests, run as its own process.

    python -m tests.store.lane sell JOURNAL URL TERMINAL COUNT   # sell with its shipper running
    python -m tests.store.lane ship JOURNAL URL TERMINAL         # only ship, until killed

``sell`` prints the lane's own X report total (JSON) once everything is shipped.
"""

from __future__ import annotations

import json
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


def main(argv: list[str]) -> int:
    command, path, url, terminal = argv[:4]
    shipper = Shipper(path, url, terminal, f"Lane {terminal}", batch_size=50,
                      idle_seconds=0.05, max_backoff=0.5)
    if command == "ship":
        shipper.start()
        threading.Event().wait()  # until killed
    with Journal(path) as journal:
        shipper.start()
        try:
            sell(journal, terminal, int(argv[4]))
            if not shipper.wait_caught_up(120):
                return 1
        finally:
            shipper.stop()
        day = journal.current_business_day()
        print(json.dumps({"day": day, "total": x_report(journal, day).total.to_dict()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
