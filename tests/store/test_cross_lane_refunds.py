"""A customer who paid at one lane is refunded at another: the sale found in the store database,
its amount reserved there under the sale's row lock before the REFUND is sent, the refund
journaled and shipped by the lane that made it. Real PostgreSQL, real simulator over HTTP, real
journal files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from cashier import cli
from cashier.config import StoreSection
from cashier.journal import Journal, RefundNotAllowedError, SaleNotFoundError
from cashier.ottpay.client import OttPayClient
from cashier.payments.engine import PaymentEngine
from cashier.payments.errors import (
    STORE_UNREACHABLE,
    StoreRefusal,
    StoreRefusedError,
    StoreSaleNotFoundError,
    StoreUnreachableError,
)
from cashier.payments.settings import PaymentSettings
from cashier.port import CounterPort
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from cashier.store import central, schema
from cashier.store.refunds import StoreRefunds
from tests.cli.conftest import Cli, settings_text
from tests.faults.proxy import Drop, FaultProxy
from tests.payments.helpers import wait_until
from tests.store.lane import sell
from tests.store.test_shipping import ship_all

WECHAT = "134567890123450000"  # paid at once
OPERATOR = "0000020156"
FAST = dict(poll_interval=0.03, passive_timeout=3.0, active_timeout=3.0, unknown_grace=1.0,
            resolver_max_interval=0.1, operator_id=OPERATOR, terminal_no="T001")


@dataclass
class Lane:
    terminal_id: str
    path: Path
    journal: Journal
    engine: PaymentEngine

    def ship(self, url: str) -> None:
        ship_all(self.path, url, self.terminal_id, merchant_id=DEMO_MERCHANT_ID)

    def x_total(self) -> dict:
        return self.engine.x_report().total.to_dict()


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=2,
                   close_after_queries=3) as simulator:
        yield simulator


@pytest.fixture
def lanes(tmp_path, sim, store_url):
    """``lanes(terminal_id, gateway_url=None, store_url=None, merchant_id=..., read_timeout=0.5)``:
    a lane's journal and engine (its client at the simulator, or ``gateway_url``), refunding
    through the store at ``store_url`` (default: the test's store database)."""
    with ExitStack() as stack:
        def make(terminal_id: str, *, gateway_url: str | None = None, url: str | None = None,
                 merchant_id: str = DEMO_MERCHANT_ID, read_timeout: float = 0.5) -> Lane:
            path = tmp_path / f"{terminal_id}.sqlite3"
            journal = stack.enter_context(Journal(path))
            client = stack.enter_context(OttPayClient(
                gateway_url or sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                connect_timeout=0.5, read_timeout=read_timeout, query_retries=1,
                query_backoff=0.01))
            engine = PaymentEngine(client, journal, PaymentSettings(**FAST),
                                   store_refunds=StoreRefunds(url or store_url, terminal_id,
                                                              merchant_id))
            stack.callback(engine.shutdown)
            return Lane(terminal_id, path, journal, engine)

        yield make


def reservations(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT refund_id, order_id, terminal_id, amount_cents, released "
                            "FROM refund_reservations ORDER BY reserved_at").fetchall()


def store_lane(report: dict, terminal_id: str) -> dict:
    return next(lane for lane in report["lanes"] if lane["terminal_id"] == terminal_id)


def test_lane_2_refunds_part_of_a_sale_made_at_lane_1(sim, lanes, store_url, caplog):
    lane1, lane2 = lanes("L1"), lanes("L2")
    sale = lane1.engine.pay_passive(1000, WECHAT, tip_cents=100)
    assert sale.state == "paid"
    lane1.ship(store_url)

    refund = lane2.engine.refund(sale.order_id, 300, operator_id=OPERATOR)

    assert refund.state == "succeeded" and refund.amount_cents == 300
    assert [r.data["ori_order_id"] for r in sim.requests(action="REFUND")] == [sale.order_id]
    assert sim.order(sale.order_id).refunded_cents == 300
    # Lane 2 journaled the store's sale with its lane, and shows the refund with it.
    foreign = lane2.journal.require_sale(sale.order_id)
    assert (foreign.lane, foreign.lane_name, foreign.wallet, foreign.total_cents) == \
        ("L1", "Lane L1", sale.wallet, 1100)
    assert (foreign.state, foreign.refunded_cents) == ("partially_refunded", 300)
    assert [r.refund_id for r in lane2.engine.refunds(sale.order_id)] == [refund.refund_id]
    assert lane2.journal.refundable_cents(sale.order_id) == 800
    assert [s.order_id for s in lane2.engine.history()] == [sale.order_id]
    assert lane2.journal.history(order_id_prefix=sale.order_id[:6])[0].lane == "L1"
    assert lane1.journal.refunds_for(sale.order_id) == []  # lane 1's journal is its own

    lane2.ship(store_url)
    day = lane2.journal.current_business_day()
    assert day == lane1.journal.current_business_day()
    with central.connect(store_url) as conn:
        report = central.report(conn, day)
        shipped = conn.execute("SELECT terminal_id, sale_terminal_id, amount_cents, state "
                               "FROM refunds").fetchall()
    assert shipped == [("L2", "L1", 300, "succeeded")]
    # Each lane's X report equals what the store shows for it; the refund counts once, at L2.
    assert store_lane(report, "L1")["total"] == lane1.x_total()
    assert store_lane(report, "L2")["total"] == lane2.x_total()
    assert lane2.x_total()["refunds_cents"] == 300 and lane2.x_total()["sales_count"] == 0
    assert [w["wallet"] for w in store_lane(report, "L2")["wallets"]] == [sale.wallet]
    assert report["total"]["refunds_cents"] == 300 and report["total"]["gross_cents"] == 1100
    assert len(sim.requests(action="REFUND")) == 1
    # Lane 2's Z report holds the refund and equals what the store shows for lane 2.
    z = lane2.engine.z_report(day)
    assert z.total.refunds_cents == 300
    lane2.ship(store_url)
    with central.connect(store_url) as conn:
        closed = store_lane(central.report(conn, day, closed_only=True), "L2")
    assert closed["z_number"] == z.number and closed["total"] == z.total.to_dict()

    # Lane 1 refunds the rest of its own sale: reserved too, so only what is left (8.00) passes.
    with pytest.raises(RefundNotAllowedError, match="only 8.00 of sale"):
        lane1.engine.refund(sale.order_id, 1100, operator_id=OPERATOR)
    rest = lane1.engine.refund(sale.order_id, operator_id=OPERATOR)
    assert (rest.state, rest.amount_cents) == ("succeeded", 800)
    assert sim.order(sale.order_id).refunded_cents == 1100
    assert len(sim.requests(action="REFUND")) == 2
    # Lane 2's refund is not a mismatch between lane 1's journal and the gateway.
    assert not [r for r in caplog.records if "gateway shows" in r.getMessage()]


def test_a_foreign_refund_whose_answer_is_lost_is_queried_not_resent(sim, lanes, store_url):
    lane1 = lanes("L1")
    sale = lane1.engine.pay_passive(500, WECHAT)
    lane1.ship(store_url)
    with FaultProxy(sim.url) as proxy:
        lane2 = lanes("L2", gateway_url=proxy.url)
        proxy.on("REFUND", Drop(answer=True), times=1)  # the gateway refunds; we never hear
        proxy.on("STATUS_QUERY", Drop(answer=True))  # nor, for now, what it says when asked
        refund = lane2.engine.refund(sale.order_id, 200, operator_id=OPERATOR)
        assert refund.state == "unknown"
        assert lane2.journal.refundable_cents(sale.order_id) == 300  # its 2.00 stays held
        lane2.ship(store_url)
        with central.connect(store_url) as conn:  # and in the store, for every lane
            with pytest.raises(central.RefundRefusedError, match="only 3.00 of sale"):
                central.reserve_refund(conn, order_id=sale.order_id, refund_id="OTHER",
                                       terminal_id="L3", amount_cents=400)
        proxy.clear()  # the gateway can be asked again: the engine's background check settles it
        wait_until(lambda: lane2.journal.get_refund(refund.refund_id).state == "succeeded",
                   timeout=30)
        assert proxy.forwarded["REFUND"] == 1
    assert sim.order(sale.order_id).refunded_cents == 200
    assert len(sim.requests(action="REFUND")) == 1
    assert lane2.journal.require_sale(sale.order_id).refunded_cents == 200


def test_store_down_own_sales_refund_others_are_refused_and_nothing_is_journaled(
        sim, lanes, store_url, closed_port, caplog):
    lane1 = lanes("L1")
    theirs = lane1.engine.pay_passive(700, WECHAT)
    lane1.ship(store_url)
    down = f"postgresql://cashier@127.0.0.1:{closed_port}/store"
    lane2 = lanes("L2", url=down)
    mine = lane2.engine.pay_passive(400, WECHAT)

    with pytest.raises(StoreUnreachableError) as refused:
        lane2.engine.refund(theirs.order_id, 100, operator_id=OPERATOR)
    assert str(refused.value) == STORE_UNREACHABLE
    assert isinstance(refused.value, RefundNotAllowedError)
    said = [r.getMessage() for r in caplog.records if r.name == "cashier.store"]
    assert f"refund of {theirs.order_id} refused: the store database cannot be reached (" \
        in said[-1]
    assert said[-1].count("cannot be reached") == 1  # said once, not wrapped in itself
    own = lane2.engine.refund(mine.order_id, 100, operator_id=OPERATOR)

    assert own.state == "succeeded"
    assert [r.data["ori_order_id"] for r in sim.requests(action="REFUND")] == [mine.order_id]
    assert lane2.journal.get_sale(theirs.order_id) is None
    with sqlite3.connect(lane2.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM foreign_sales").fetchone()[0] == 0
        assert conn.execute("SELECT sale_order_id FROM refunds").fetchall() == [
            (mine.order_id,)]
    assert reservations(store_url) == []


def test_refusals_from_the_store_reserve_nothing_and_send_nothing(sim, lanes, store_url):
    lane1 = lanes("L1")
    sale = lane1.engine.pay_passive(500, WECHAT)
    lane1.ship(store_url)
    lane2 = lanes("L2")
    other_merchant = lanes("L3", merchant_id="OTHER")

    with pytest.raises(SaleNotFoundError, match="NOSUCHORDER1 in this lane's journal or in "
                                                "the store") as not_found:
        lane2.engine.refund("NOSUCHORDER1", 100, operator_id=OPERATOR)
    with pytest.raises(RefundNotAllowedError, match="only 5.00 of sale") as too_much:
        lane2.engine.refund(sale.order_id, 501, operator_id=OPERATOR)
    with pytest.raises(RefundNotAllowedError, match="under another OTT Pay merchant") as other:
        other_merchant.engine.refund(sale.order_id, 100, operator_id=OPERATOR)
    # The screens word each refusal themselves, from its fields.
    assert isinstance(not_found.value, StoreSaleNotFoundError)
    assert not_found.value.refusal == StoreRefusal("not_found", "NOSUCHORDER1")
    assert isinstance(too_much.value, StoreRefusedError)
    assert too_much.value.refusal == StoreRefusal("over_refund", sale.order_id,
                                                  amount_cents=501, remaining_cents=500)
    assert isinstance(other.value, StoreRefusedError)
    assert other.value.refusal == StoreRefusal("other_merchant", sale.order_id, lane="Lane L1")

    assert sim.requests(action="REFUND") == []
    assert reservations(store_url) == []
    assert lane2.journal.get_sale(sale.order_id) is None


def test_a_reservation_is_released_when_the_refund_is_refused_before_sending(
        tmp_path, lanes, store_url, sim):
    # Sale L1-00001 (paid 1.02) was shipped by a lane whose order ids the gateway client
    # refuses ("-"): the REFUND cannot be sent, so its reservation must not hold the money.
    path = tmp_path / "old-lane.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 2)
    ship_all(path, store_url, "L1")
    lane2 = lanes("L2")

    refund = lane2.engine.refund("L1-00001", 100, operator_id=OPERATOR)

    assert refund.state == "failed" and refund.rsp_msg.startswith("not sent")
    assert sim.requests(action="REFUND") == []
    [(refund_id, order_id, terminal_id, cents, released)] = reservations(store_url)
    assert (refund_id, order_id, terminal_id, cents, released) == (
        refund.refund_id, "L1-00001", "L2", 100, True)
    with central.connect(store_url) as conn:  # the whole sale is refundable again
        assert central.reserve_refund(conn, order_id="L1-00001", refund_id="AGAIN",
                                      terminal_id="L3") == 102


def test_lanes_as_processes_refunding_one_sale_at_once_exactly_one_passes(
        tmp_path, store_url, capsys, monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as sim:
        clis = {}
        for terminal in ("L1", "L2", "L3"):
            folder = tmp_path / terminal
            folder.mkdir()
            settings = folder / "cashier.toml"
            settings.write_text(settings_text(sim, folder, extra=(
                f'[store]\ndatabase_url = "{store_url}"\nterminal_id = "{terminal}"\n')),
                encoding="utf-8")
            clis[terminal] = Cli(settings, folder, capsys)
        paid = clis["L1"]("pay", "10.00", "--code", WECHAT, "--json")
        assert paid.code == 0, paid.err
        order_id = paid.json()["sale"]["order_id"]
        ship_all(tmp_path / "L1" / "journal.sqlite3", store_url, "L1",
                 merchant_id=DEMO_MERCHANT_ID)

        procs = {t: clis[t].popen("refund", order_id, "6.00", "--json") for t in ("L2", "L3")}
        results = {t: (proc.wait(60), *proc.communicate()) for t, proc in procs.items()}
        assert len(sim.requests(action="REFUND")) == 1
        assert sim.order(order_id).refunded_cents == 600

        assert sorted(code for code, _, _ in results.values()) == [0, 2], results
        winner = next(t for t, (code, _, _) in results.items() if code == 0)
        passed = json.loads(results[winner][1])
        refused = next(json.loads(out)["error"] for code, out, _ in results.values() if code)
        assert passed["refund"]["state"] == "succeeded"
        assert passed["sale"]["lane"] == "L1"
        assert "only 4.00 of sale" in refused
        # The lane that refunded says so, and whose sale it was.
        again = clis[winner]("refund", order_id, "0.50")
        assert again.code == 0, again.err
        assert "sold at lane Lane L1 (refunded here)" in again.out  # its name in the store
        assert sim.order(order_id).refunded_cents == 650


def test_a_lane_that_stopped_between_reserving_and_journaling_releases_at_its_next_refund(
        sim, lanes, store_url):
    lane1 = lanes("L1")
    sale = lane1.engine.pay_passive(1000, WECHAT)
    lane1.ship(store_url)
    lane2 = lanes("L2")
    journaled = lane2.engine.refund(sale.order_id, 100, operator_id=OPERATOR)  # not shipped
    with central.connect(store_url) as conn:
        for refund_id in ("ORPHAN", "YOUNG"):  # reserved, then the lane stopped
            central.reserve_refund(conn, order_id=sale.order_id, refund_id=refund_id,
                                   terminal_id="L2", amount_cents=200)
        conn.execute("UPDATE refund_reservations SET reserved_at = now() - interval '2 minutes' "
                     "WHERE refund_id IN ('ORPHAN', %s)", (journaled.refund_id,))

    lane2.engine.refund(sale.order_id, 100, operator_id=OPERATOR)

    released = {refund_id: flag for refund_id, _, _, _, flag in reservations(store_url)}
    assert released.pop("ORPHAN") is True
    assert released.pop("YOUNG") is False  # may be being journaled right now
    assert released == {journaled.refund_id: False, lane2.engine.refunds(sale.order_id)[-1]
                        .refund_id: False}
    assert len(sim.requests(action="REFUND")) == 2


def test_another_lanes_refund_never_confirms_one_that_never_reached_the_gateway(
        sim, lanes, store_url):
    with FaultProxy(sim.url) as proxy:
        lane1 = lanes("L1", gateway_url=proxy.url)
        lane2 = lanes("L2")
        sale = lane1.engine.pay_passive(1000, WECHAT)
        lane1.ship(store_url)
        assert lane2.engine.refund(sale.order_id, 300, operator_id=OPERATOR).state == \
            "succeeded"
        proxy.on("REFUND", Drop(answer=False), times=1)  # lane 1's never reaches the gateway

        refund = lane1.engine.refund(sale.order_id, 300, operator_id=OPERATOR)
        # The gateway shows 3.00 refunded that lane 1 did not book: lane 2's, not lane 1's.
        assert refund.state == "unknown"
        assert lane1.engine.wait_idle(30)  # the background checks, by its own id, too
        assert lane1.journal.get_refund(refund.refund_id).state == "unknown"
        assert proxy.forwarded["REFUND"] == 0
        assert lane1.journal.require_sale(sale.order_id).refunded_cents == 0
        assert lane1.journal.refundable_cents(sale.order_id) == 700  # its 3.00 stays held
        assert sim.order(sale.order_id).refunded_cents == 300


def test_another_lanes_refund_never_books_a_released_one_on_the_recheck(sim, lanes, store_url):
    with FaultProxy(sim.url) as proxy:
        lane1 = lanes("L1", gateway_url=proxy.url)
        lane2 = lanes("L2")
        sale = lane1.engine.pay_passive(1000, WECHAT)
        lane1.ship(store_url)
        proxy.on("REFUND", Drop(answer=False), times=1)  # lane 1's never reaches the gateway
        refund = lane1.engine.refund(sale.order_id, 300, operator_id=OPERATOR)
        assert refund.state == "unknown"
        released = lane1.engine.release_refund(refund.refund_id, operator_id=OPERATOR)
        assert released.state == "failed" and released.recheck_until is not None
        assert lane2.engine.refund(sale.order_id, 300, operator_id=OPERATOR).state == \
            "succeeded"

        lane1.engine.reconcile()  # the sweep asks again about the released refund

        after = lane1.journal.get_refund(refund.refund_id)
        assert (after.state, after.recheck_until) == ("failed", released.recheck_until)
        assert proxy.forwarded["REFUND"] == 0
        assert lane1.journal.require_sale(sale.order_id).refunded_cents == 0
    assert sim.order(sale.order_id).refunded_cents == 300


def test_a_lane_that_left_the_store_never_confirms_its_refund_of_another_lanes_sale_by_it(
        sim, lanes, store_url):
    lane1 = lanes("L1")
    sale = lane1.engine.pay_passive(1000, WECHAT)
    lane1.ship(store_url)
    with FaultProxy(sim.url) as proxy:
        lane2 = lanes("L2", gateway_url=proxy.url)
        proxy.on("REFUND", Drop(answer=False), times=1)  # lane 2's never reaches the gateway
        refund = lane2.engine.refund(sale.order_id, 300, operator_id=OPERATOR)
        assert refund.state == "unknown"
        lane2.engine.shutdown()
        assert lane1.engine.refund(sale.order_id, 300, operator_id=OPERATOR).state == \
            "succeeded"
        # Lane 2 is set up without the store now; its journal still holds lane 1's sale.
        with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                          read_timeout=0.5, query_retries=1, query_backoff=0.01) as client:
            alone = PaymentEngine(client, lane2.journal, PaymentSettings(**FAST))
            try:
                after = alone.refunder.confirm(refund.refund_id)
            finally:
                alone.shutdown()
        assert after.state == "unknown"  # lane 1's 3.00 is not lane 2's
        assert proxy.forwarded["REFUND"] == 0
        assert lane2.journal.require_sale(sale.order_id).refunded_cents == 0
    assert sim.order(sale.order_id).refunded_cents == 300


def test_a_reservation_whose_refund_never_shipped_stops_counting_after_the_hold(
        sim, lanes, store_url):
    lane1, lane2 = lanes("L1"), lanes("L2")
    sale = lane1.engine.pay_passive(1000, WECHAT)
    lane1.ship(store_url)
    ghost = ("INSERT INTO refund_reservations (refund_id, order_id, terminal_id, amount_cents, "
             "reserved_at) VALUES (%s, %s, 'L3', %s, now() - make_interval(secs => %s))")
    with psycopg.connect(store_url, autocommit=True) as conn:  # lane 3 reserved, then stopped
        conn.execute(ghost, ("GHOST", sale.order_id, 1000,
                             central.RESERVATION_HOLD_SECONDS + 60))

    for lane in (lane2, lane1):  # past the hold, it blocks no lane
        assert lane.engine.refund(sale.order_id, 100, operator_id=OPERATOR).state == "succeeded"
        lane.ship(store_url)

    with psycopg.connect(store_url, autocommit=True) as conn:  # a fresh one still counts
        conn.execute(ghost, ("FRESH", sale.order_id, 400, 0))
    for lane in (lane2, lane1):
        with pytest.raises(RefundNotAllowedError,
                           match=r"^Cannot refund 5\.00: only 4\.00 of sale .* remains "
                                 r"refundable; 4\.00 of it is held by a refund at L3 \(being "
                                 r"sent, or done and not yet shipped to the store\)\.$"
                           ) as refused:
            lane.engine.refund(sale.order_id, 500, operator_id=OPERATOR)
        assert refused.value.refusal == StoreRefusal(
            "over_refund", sale.order_id, amount_cents=500, remaining_cents=400,
            reserving=(("L3", 400),))
    assert len(sim.requests(action="REFUND")) == 2


def test_a_refund_never_upgrades_the_store_and_refuses_another_lanes_sale_meanwhile(
        sim, lanes, store_url):
    lane1, lane2 = lanes("L1"), lanes("L2")
    sale = lane1.engine.pay_passive(1000, WECHAT)
    lane1.ship(store_url)
    behind = schema.SCHEMA_VERSION - 1  # as if a newer cashier had not upgraded it yet
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("UPDATE cashier_schema SET version = %s", (behind,))

    with pytest.raises(RefundNotAllowedError, match="^The store database is being upgraded, so "
                                                    "only sales made at this lane can be "
                       ) as upgrading:
        lane2.engine.refund(sale.order_id, 100, operator_id=OPERATOR)
    assert upgrading.value.refusal == StoreRefusal(
        "upgrading", sale.order_id)
    assert lane1.engine.refund(sale.order_id, 100, operator_id=OPERATOR).state == "succeeded"

    assert len(sim.requests(action="REFUND")) == 1 and reservations(store_url) == []
    assert lane2.journal.get_sale(sale.order_id) is None
    with psycopg.connect(store_url) as conn:
        assert conn.execute("SELECT version FROM cashier_schema").fetchone()[0] == behind


def test_the_store_view_shows_each_sale_with_the_refunds_of_every_lane(
        sim, lanes, store_url, tmp_path, capsys):
    lane1, lane2 = lanes("L1"), lanes("L2")
    whole = lane1.engine.pay_passive(2000, WECHAT)
    part = lane1.engine.pay_passive(3000, WECHAT)
    lane1.ship(store_url)
    assert lane2.engine.refund(whole.order_id, 1500, operator_id=OPERATOR).state == "succeeded"
    assert lane2.engine.refund(part.order_id, 1000, operator_id=OPERATOR).state == "succeeded"
    assert lane1.engine.refund(whole.order_id, 500, operator_id=OPERATOR).state == "succeeded"
    lane1.ship(store_url)
    lane2.ship(store_url)
    # Lane 1's journal knows only its own refund; the store knows them all.
    assert lane1.journal.require_sale(whole.order_id).state == "partially_refunded"
    assert lane1.journal.require_sale(part.order_id).state == "paid"

    with central.opened(store_url) as conn:
        sales = central.history(conn)
        detail = central.sale_detail(conn, "L1", whole.order_id)
    assert [(s["order_id"], s["refunded_cents"], s["state"]) for s in sales] == [
        (part.order_id, 1000, "partially_refunded"), (whole.order_id, 2000, "refunded")]
    assert (detail["sale"]["refunded_cents"], detail["sale"]["state"]) == (2000, "refunded")
    assert sorted((r["terminal_id"], r["amount_cents"]) for r in detail["refunds"]) == [
        ("L1", 500), ("L2", 1500)]
    assert detail["refundable_cents"] == 0
    # The GUI's "All lanes" reads the same rows through the port.
    page = CounterPort(lane1.engine, StoreSection(store_url, "L1")).store_history(today=False)
    assert [(s.refunded_cents, s.state) for s in page.sales] == [
        (1000, "partially_refunded"), (2000, "refunded")]
    # And the command line says it in its refunded column.
    config = tmp_path / "cashier.toml"
    config.write_text(settings_text(sim, tmp_path, extra=f'[store]\ndatabase_url = "{store_url}"'
                                                         '\nterminal_id = "L1"\n'),
                      encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--config", str(config), "store", "history"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["Lane", "Order", "Amount", "Refunded", "Wallet", "State"]
    assert [(r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        (part.order_id, "30.00", "10.00", "partially_refunded"),
        (whole.order_id, "20.00", "20.00", "refunded")]


def test_a_refund_done_at_another_lane_but_not_shipped_is_named_as_such(sim, lanes, store_url):
    lane1, lane2 = lanes("L1"), lanes("L2")
    sale = lane1.engine.pay_passive(2000, WECHAT)
    lane1.ship(store_url)
    done = lane2.engine.refund(sale.order_id, 1500, operator_id=OPERATOR)
    assert done.state == "succeeded"  # and lane 2 has not shipped it: its reservation holds

    with pytest.raises(RefundNotAllowedError) as refused:
        lane1.engine.refund(sale.order_id, 1000, operator_id=OPERATOR)

    assert str(refused.value) == (
        f"Cannot refund 10.00: only 5.00 of sale {sale.order_id} remains refundable; 15.00 of "
        "it is held by a refund at L2 (being sent, or done and not yet shipped to the store).")
    assert refused.value.refusal.reserving == (("L2", 1500),)
    assert sim.order(sale.order_id).refunded_cents == 1500
