"""``Runtime``: one running core from a Config (demo or real), stopped again leaving nothing."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from cashier.config import Config, config_from_dict
from cashier.ottpay.codes import OrderStatus
from cashier.runtime import (
    DEMO_OPERATOR_ID,
    Runtime,
    RuntimeSetupError,
    crash_point,
    demo_journal_path,
    demo_simulator_state_path,
    payment_settings,
)
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator, demo_code
from cashier.wallets import Wallet

OPERATOR = "0000020156"


def _config(tmp_path, sim=None, **ottpay) -> Config:
    section: dict = {"timeout_seconds": 0.5, "connect_timeout_seconds": 0.5} | ottpay
    if sim is not None:
        section |= {"endpoint": sim.url, "merchant_id": DEMO_MERCHANT_ID,
                    "sign_key": DEMO_SIGN_KEY, "operator_id": OPERATOR}
    return config_from_dict({
        "ottpay": section,
        "journal": {"path": str(tmp_path / "data" / "journal.sqlite3")},
        "payments": {"poll_interval_seconds": 0.05, "passive_timeout_seconds": 2,
                     "active_timeout_seconds": 2, "max_amount": "500.00",
                     "late_payment": "refund"},
    })


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


def test_demo_runtime_uses_its_own_journal_and_persistent_simulator(tmp_path):
    config = _config(tmp_path)
    assert config.demo
    with Runtime.open(config) as rt:
        assert rt.demo and rt.simulator is not None and rt.receiver is not None
        assert rt.journal_path == demo_journal_path(config) == \
            tmp_path / "data" / "demo" / "journal.sqlite3"
        assert rt.callback_url == rt.receiver.url
        sale = rt.engine.pay_passive(1000, demo_code(Scenario.INSTANT_SUCCESS))
        assert sale.state == "paid" and sale.operator_id == DEMO_OPERATOR_ID
    assert demo_simulator_state_path(config).exists()
    assert not (tmp_path / "data" / "journal.sqlite3").exists()
    with Runtime.open(config) as rt:  # a new process would see the same gateway
        assert rt.client.status_query(sale.order_id).order_status is OrderStatus.SUCCESS
        assert rt.journal.require_sale(sale.order_id).state == "paid"


def test_demo_qr_payment_settles_by_callback(tmp_path):
    config = _config(tmp_path)
    with Runtime.open(config, payment_overrides={"poll_interval": 60.0}) as rt:
        handle = rt.engine.start_active(500, Wallet.ALIPAY)
        assert handle.wait_code_url(5.0)
        rt.simulator.customer_pays(handle.order_id)
        assert handle.wait(5.0).state == "paid"  # no poll within 60 s: the callback did it
        assert rt.simulator.wait_for_callbacks(5.0)


def test_real_runtime_against_the_gateway_without_receiver_unless_configured(tmp_path):
    with Simulator() as sim:
        config = _config(tmp_path, sim)
        assert not config.demo
        with Runtime.open(config) as rt:
            assert rt.simulator is None and rt.receiver is None and rt.callback_url is None
            assert rt.journal_path == config.journal.path
            assert rt.client.endpoint == sim.url
            sale = rt.engine.pay_passive(250, demo_code(Scenario.INSTANT_SUCCESS))
            assert sale.operator_id == OPERATOR
            assert sim.requests(order_id=sale.order_id, action="PASSIVEPAY")
        listening = _config(tmp_path, sim, callback_listen="127.0.0.1:0",
                            callback_url="https://shop.example.com/ottpay/callback")
        with Runtime.open(listening) as rt:
            assert rt.receiver is not None
            assert rt.callback_url == "https://shop.example.com/ottpay/callback"


def test_demo_can_be_forced_and_overrides_apply(tmp_path):
    with Simulator() as sim:
        config = _config(tmp_path, sim)
        journal = tmp_path / "other.sqlite3"
        with Runtime.open(config, demo=True, journal_path=journal,
                          simulator_options={"confirm_after_queries": 7},
                          payment_overrides={"passive_timeout": 9.0}) as rt:
            assert rt.demo and rt.simulator is not sim
            assert rt.simulator.gateway.config.confirm_after_queries == 7
            assert rt.journal_path == journal
            assert rt.engine.settings.passive_timeout == 9.0


def test_payment_settings_come_from_the_config(tmp_path):
    config = _config(tmp_path)
    settings = payment_settings(config, demo=True, callback_url="http://127.0.0.1:1/cb")
    assert (settings.poll_interval, settings.passive_timeout, settings.active_timeout,
            settings.late_payment, settings.max_amount_cents) == (0.05, 2.0, 2.0, "refund", 50000)
    assert settings.unknown_grace == 2.0  # twice connect + read timeout
    assert settings.operator_id == DEMO_OPERATOR_ID
    assert payment_settings(config).operator_id is None
    assert payment_settings(config, poll_interval=1.5).poll_interval == 1.5


def test_no_credentials_without_demo_is_a_setup_error(tmp_path):
    with pytest.raises(RuntimeSetupError, match="merchant_id and sign_key"):
        Runtime.open(_config(tmp_path), demo=False)


def test_a_failing_part_stops_what_was_started(tmp_path):
    before = _threads()
    (tmp_path / "data" / "demo").mkdir(parents=True)
    (tmp_path / "data" / "demo" / "journal.sqlite3").mkdir()  # a folder: the journal fails
    with pytest.raises(sqlite3.OperationalError):
        Runtime.open(_config(tmp_path))
    assert _threads() <= before | {"MainThread"}  # the simulator was stopped again


def test_close_is_idempotent(tmp_path):
    rt = Runtime.open(_config(tmp_path))
    rt.close()
    rt.close()
    assert rt.engine.stopping


def test_crash_point_does_nothing_unless_named(monkeypatch):
    monkeypatch.delenv("CASHIER_FAULT", raising=False)
    crash_point("crash-after-intent")
    monkeypatch.setenv("CASHIER_FAULT", "something-else")
    crash_point("crash-after-intent")  # still alive
