"""A late payment found at another lane is on this lane's banner, read from the real throwaway
PostgreSQL; Open shows it in History, All lanes; with the store down nothing is shown."""

from __future__ import annotations

from pathlib import Path

from cashier.journal import Journal
from cashier.ui.lanes_late import KIND
from tests.store.test_shipping import ship_all


def late_payment(path: Path, order_id: str) -> None:
    """A sale the cashier gave up on that was paid afterwards, in the journal at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Journal(path) as journal:
        journal.create_sale(order_id=order_id, mode="passive", wallet="ALIPAY",
                            amount_cents=700, tip_cents=0)
        journal.mark_abandoned(order_id)
        journal.transition(order_id, "paid", from_states=("pending",))


def banner_line(terminal) -> str | None:
    for line in terminal.window.banners.lines:
        if not line.isHidden() and line.kind == KIND:
            return f"{line.label.text()} [{line.button.text()}]"
    return None


def test_another_lanes_late_payment_is_on_the_banner_and_opens_in_all_lanes(
        qtbot, tmp_path, make_store_terminal, store_url):
    late_payment(tmp_path / "lane-2.sqlite3", "LATE-AT-2")
    ship_all(tmp_path / "lane-2.sqlite3", store_url, "lane-2")
    late_payment(tmp_path / "lane-1" / "journal.sqlite3", "LATE-AT-1")  # this lane's own
    front = make_store_terminal(store_url, lane="lane-1")
    assert front.shipper.wait_caught_up(30)  # the store now knows both
    poller = front.other_lanes_late
    qtbot.waitUntil(lambda: not poller.busy, timeout=10_000)
    poller.poll()
    qtbot.waitUntil(lambda: not poller.busy, timeout=10_000)
    assert banner_line(front) == "1 late payment at another lane [Open]"

    line = next(ln for ln in front.window.banners.lines if ln.kind == KIND)
    line.button.click()
    history = front.history
    assert history is not None and history.isVisible()
    qtbot.waitUntil(lambda: history.all_lanes and {s.order_id for s in history.sales} == {
        "LATE-AT-1", "LATE-AT-2"}, timeout=10_000)  # this lane's own are listed there too
    assert history.late_only.isChecked() and not history.today_only.isChecked()


def test_with_the_store_down_the_banner_shows_nothing(qtbot, make_store_terminal, closed_port):
    front = make_store_terminal(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    poller = front.other_lanes_late
    qtbot.waitUntil(lambda: not poller.busy, timeout=15_000)
    assert banner_line(front) is None
    assert "task" not in front.window.banners.banners  # no error either


def test_a_lane_without_a_store_does_not_ask(make_terminal):
    assert make_terminal().other_lanes_late is None
