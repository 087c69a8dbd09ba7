"""The simulator's optional state file: one demo gateway across processes (cashier commands)."""

from __future__ import annotations

import json

import pytest

from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator, demo_code
from cashier.simulator.state import SimulatorStateError
from cashier.wallets import Wallet

OPERATOR = "0000020156"


def _client(sim: Simulator) -> OttPayClient:
    return OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                        read_timeout=2.0, query_retries=0)


def test_orders_survive_a_restart_with_the_same_state_file(tmp_path):
    state = tmp_path / "sim" / "state.json"
    code = demo_code(Scenario.CONFIRM_SUCCESS)
    with Simulator(confirm_after_queries=3, state_path=state) as sim, _client(sim) as client:
        client.passive_pay(order_id="A1", amount_cents=1234, auth_code=code,
                           biz_type=Wallet.WECHATPAY, tip_cents=100)
        assert client.status_query("A1").order_status is OrderStatus.NOTPAY
        qr = client.active_pay(order_id="Q1", amount_cents=500, biz_type=Wallet.ALIPAY,
                               call_back_url="http://127.0.0.1:9/cb")
        before = sim.order("A1")
    assert state.exists()
    with Simulator(confirm_after_queries=3, state_path=state) as sim, _client(sim) as client:
        after = sim.order("A1")
        assert after is not None and before is not None
        assert (after.amount_cents, after.tip_cents, after.queries, after.scenario,
                after.bizpay_order_id) == (1234, 100, 1, Scenario.CONFIRM_SUCCESS,
                                           before.bizpay_order_id)
        assert client.status_query("A1").order_status is OrderStatus.NOTPAY  # query 2 of 3
        assert client.status_query("A1").order_status is OrderStatus.SUCCESS
        assert sim.order("Q1").code_url == qr.code_url
        # The request log is per process: only this run's two queries.
        assert [r.action for r in sim.requests()] == ["STATUS_QUERY", "STATUS_QUERY"]


def test_customer_payment_and_refund_are_saved(tmp_path):
    state = tmp_path / "state.json"
    with Simulator(state_path=state, callback_retries=0) as sim, _client(sim) as client:
        client.active_pay(order_id="Q2", amount_cents=800, biz_type=Wallet.WECHATPAY,
                          call_back_url="http://127.0.0.1:9/cb")
        sim.customer_pays("Q2")
        client.refund(ori_order_id="Q2", refund_cents=300, order_id="R2")
        assert sim.wait_for_callbacks(5.0)
    with Simulator(state_path=state) as sim:
        assert sim.order("Q2").status is OrderStatus.PARTIAL_REFUNDED
        assert sim.order("Q2").refunded_cents == 300
        assert sim.order("R2").ori_order_id == "Q2"


def test_new_ids_after_a_restart_do_not_repeat(tmp_path):
    state = tmp_path / "state.json"
    code = demo_code(Scenario.INSTANT_SUCCESS)
    with Simulator(state_path=state) as sim, _client(sim) as client:
        client.passive_pay(order_id="B1", amount_cents=100, auth_code=code,
                           biz_type=Wallet.WECHATPAY)
        first = sim.order("B1").bizpay_order_id
    with Simulator(state_path=state) as sim, _client(sim) as client:
        client.passive_pay(order_id="B2", amount_cents=100, auth_code=code,
                           biz_type=Wallet.WECHATPAY)
        assert sim.order("B2").bizpay_order_id != first


def test_payment_codes_are_stored_masked(tmp_path):
    state = tmp_path / "state.json"
    code = demo_code(Scenario.DECLINED, Wallet.ALIPAY)
    with Simulator(state_path=state) as sim, _client(sim) as client:
        client.passive_pay(order_id="C1", amount_cents=100, auth_code=code,
                           biz_type=Wallet.ALIPAY)
    text = state.read_text(encoding="utf-8")
    assert code not in text
    assert json.loads(text)["orders"][0]["auth_code"] == "2845********3333"
    with Simulator(state_path=state) as sim:
        assert sim.order("C1").status is OrderStatus.FAILURE


def test_a_broken_state_file_is_refused_with_its_name(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(SimulatorStateError, match="state.json"):
        Simulator(state_path=state)


def test_without_a_state_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Simulator() as sim, _client(sim) as client:
        client.exchange_rate("CAD")
    assert list(tmp_path.iterdir()) == []
