"""Demo mode's stand-ins for the customer: the scan buttons' codes and a simulated customer
who pays a QR order or a payment link (through the embedded simulator, on a worker thread)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from cashier.wallets import Wallet

translate = QCoreApplication.translate


def demo_pay(simulator: Any, order_id: str, link: str | None) -> None:
    """Demo (worker thread): the customer pays a QR order, or opens a payment link in a browser
    and presses Pay (the simulator then sends the notify and redirects to our return page)."""
    if link is None:
        simulator.customer_pays(order_id)
        return
    import requests

    with requests.Session() as browser:
        browser.trust_env = False  # loopback only, never through a proxy
        browser.get(link, timeout=10).raise_for_status()
        browser.post(simulator.base_url + "/wapPay/pay", data={"order_id": order_id},
                     timeout=10).raise_for_status()


def demo_codes() -> dict[str, str]:
    """The demo scan buttons: label -> payment code of a simulator scenario."""
    from cashier.simulator import Scenario, demo_code

    return {
        translate("Terminal", "Pays at once"): demo_code(Scenario.INSTANT_SUCCESS),
        translate("Terminal", "Confirms on phone"): demo_code(Scenario.CONFIRM_SUCCESS),
        translate("Terminal", "Declined"): demo_code(Scenario.DECLINED),
        translate("Terminal", "Never settles"): demo_code(Scenario.NEVER_SETTLES),
        translate("Terminal", "Alipay, pays at once"): demo_code(Scenario.INSTANT_SUCCESS,
                                                                 Wallet.ALIPAY),
    }


