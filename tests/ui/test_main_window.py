"""The sale screen's pages, banners and DEMO marker (flows against the engine: test_sale_flow)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cashier.payments.events import LatePayment
from cashier.ui.bridge import Bridge, CoreEvents
from cashier.ui.customer_display import CustomerDisplay
from cashier.ui.main_window import MainWindow
from cashier.ui.sale_controller import SaleView
from cashier.wallets import Wallet, qr_wallets


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


def make(qtbot, bridge, **kwargs) -> MainWindow:
    window = MainWindow(None, bridge, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def view(state: str, **kwargs) -> SaleView:
    return SaleView(order_id="T1", state=state, amount_cents=1250, tip_cents=150,
                    wallet="WECHATPAY", **kwargs)


def test_demo_marker_only_in_demo_mode(qtbot, bridge):
    assert make(qtbot, bridge, demo=True).demo_label.isVisible()
    assert not make(qtbot, bridge, demo=False).demo_label.isVisible()


def test_without_engine_a_scan_changes_nothing_and_says_why(qtbot, bridge):
    window = make(qtbot, bridge)
    assert any("not available" in text for text in window.banners.texts())
    qtbot.keyClicks(window.amount_entry, "5")
    window.handle_scan("134567890123450000")
    assert window.state == "entry"
    assert "not available" in window.amount_entry.message.text()


def test_bad_code_is_refused_before_anything(qtbot, bridge):
    window = make(qtbot, bridge)
    qtbot.keyClicks(window.amount_entry, "5")
    window.handle_scan("ABC123")
    assert window.state == "entry"
    assert "Not a payment code" in window.amount_entry.message.text()
    assert window.amount_entry.amount.text == "5"


def test_paid_result_is_green_with_amount_and_enter_starts_a_fresh_sale(qtbot, bridge):
    display = CustomerDisplay("Shop")
    qtbot.addWidget(display)
    window = make(qtbot, bridge, customer_display=display)
    qtbot.keyClicks(window.amount_entry, "12.5")
    window.show_result(view("paid"))
    assert window.state == "result"
    assert window.result_title.text() == "PAID"
    assert "#2e7d32" in window.result_title.styleSheet()
    assert window.result_amount.text() == "14.00"
    assert display.page == "result"
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.state == "entry"
    assert window.amount_entry.amount.text == ""
    assert display.page == "idle"


def test_declined_result_is_red_with_a_reason_in_the_cashiers_words(qtbot, bridge):
    window = make(qtbot, bridge)
    window.show_result(view("declined", rsp_code="FAIL", rsp_msg="failure"))
    assert window.result_title.text() == "DECLINED"
    assert "#c62828" in window.result_title.styleSheet()
    assert "wallet declined the payment" in window.result_reason.text()
    assert "failure" not in window.result_reason.text()  # never the gateway's raw word
    assert "another way" in window.result_reason.text()


def test_a_payment_never_sent_for_an_untrusted_certificate_says_so_and_names_the_setting(
        qtbot, bridge):
    window = make(qtbot, bridge)
    window.show_result(view("declined", rsp_msg="PASSIVEPAY not sent: the gateway's TLS "
                            "certificate could not be verified (self-signed certificate)"))
    assert window.result_title.text() == "NOT SENT"
    assert window.result_reason.text() == (
        "Not sent, so nothing was charged: the gateway's TLS certificate could not be "
        "verified; trust the certificate authority that signed it with [ottpay] ca_bundle.")


def test_unknown_outcome_is_not_shown_as_declined(qtbot, bridge):
    window = make(qtbot, bridge)
    window.show_result(view("unknown"))
    assert window.result_title.text() == "NOT CONFIRMED"
    assert "do not take another payment" in window.result_reason.text()


def test_late_payment_banner_stays_across_sales(qtbot, bridge):
    events = CoreEvents()
    window = make(qtbot, bridge, events=events)
    events(LatePayment(view("paid", late=True)))
    qtbot.waitUntil(lambda: any("Late payment" in t for t in window.banners.texts()),
                    timeout=2000)
    window.new_sale()
    assert any("T1" in t and "14.00" in t for t in window.banners.texts())
    window.banners.clear_banner("late:T1")
    qtbot.waitUntil(lambda: not any("Late" in t for t in window.banners.texts()), timeout=1000)


def test_entry_amount_is_mirrored_on_the_customer_display(qtbot, bridge):
    display = CustomerDisplay("Shop")
    qtbot.addWidget(display)
    window = make(qtbot, bridge, customer_display=display)
    qtbot.keyClicks(window.amount_entry, "8.8")
    assert display.page == "amount"
    assert display.amount_label.text() == "8.80"
    qtbot.keyClick(window.amount_entry, Qt.Key.Key_Escape)
    assert display.page == "idle"


def test_scan_on_the_result_screen_starts_nothing(qtbot, bridge):
    window = make(qtbot, bridge)
    window.show_result(view("paid"))
    window.handle_scan("134567890123450000")
    assert window.state == "result"
    assert any("result screen" in t for t in window.banners.texts())


def test_banner_expiry_is_dropped_with_its_window(qtbot, bridge):
    window = make(qtbot, bridge)
    window.banners.show_banner("scan", "note", "info")
    window.banners.expire("scan", 30)
    qtbot.waitUntil(lambda: "scan" not in window.banners.banners, timeout=1000)
    other = make(qtbot, bridge)
    other.banners.show_banner("scan", "note", "info")
    other.banners.expire("scan", 30)
    other.banners.deleteLater()
    qtbot.wait(100)  # the timer must not fire on the deleted area (pytest-qt fails if it raises)


def test_customer_is_asked_to_confirm_only_when_the_gateway_says_so(qtbot, bridge):
    display = CustomerDisplay("Shop")
    qtbot.addWidget(display)
    window = make(qtbot, bridge, customer_display=display)
    window._show_sale_progress(view("pending", rsp_code=None))
    assert display.amount_note.text() == "Processing…"
    window._show_sale_progress(view("pending", rsp_code="PROCESSING"))
    assert display.amount_note.text() == "Please confirm the payment on your phone"
    assert window.waiting_title.text() == "Waiting for customer to confirm on phone"


def test_entry_shows_the_total_of_amount_and_tip(qtbot, bridge):
    window = make(qtbot, bridge, currency="CAD")
    qtbot.keyClicks(window.amount_entry, "12.34")
    qtbot.keyClick(window.amount_entry, Qt.Key.Key_Tab)
    qtbot.keyClicks(window.amount_entry, "1.5")
    assert window.amount_entry.total.text() == "Total $13.84"


def test_each_way_to_pay_shows_its_key(qtbot, bridge):
    window = make(qtbot, bridge, qr_offered=qr_wallets(unionpay_qr=True))
    assert window.scan_button.text().endswith("[F1]")
    assert [b.text()[-4:] for b in window.wallet_buttons.values()] == ["[F2]", "[F3]", "[F4]"]
    assert all(b.isVisible() for b in window.wallet_buttons.values())


def test_a_unionpay_qr_is_offered_only_when_the_setting_enables_it(qtbot, bridge):
    window = make(qtbot, bridge)  # the default: Alipay and WeChat Pay QRs only
    assert [w for w, b in window.wallet_buttons.items() if b.isVisible()] == [
        Wallet.ALIPAY, Wallet.WECHATPAY]
    qtbot.keyClicks(window.amount_entry, "5")
    qtbot.keyClick(window, Qt.Key.Key_F4)  # its key does nothing either
    assert window.state == "entry"
    assert window.link_button.text().endswith("[F5]")


def test_banners_keep_a_fixed_area_with_one_line_per_kind(qtbot, bridge):
    window = make(qtbot, bridge)
    window.resize(1024, 768)
    qtbot.waitExposed(window)
    window.banners.clear_banner("engine")  # no engine here: not what this test is about
    pages_top = window.pages.geometry().top()
    for order_id in ("A1", "A2"):
        window.on_late_payment(view("paid", late=True) if order_id == "A1" else
                               SaleView(order_id="A2", state="paid", amount_cents=100,
                                        late=True))
    window.banners.show_banner("scan", "A code was scanned…", "info")
    window.banners.show_banner("printer", "Printer problem: out of paper.", "error")
    assert window.pages.geometry().top() == pages_top  # nothing was pushed down
    assert len(window.banners.texts()) == 4  # every message is kept...
    assert window.banners.shown() == [  # ...but one line per kind, the most severe first
        "2 late payments: paid after nobody was waiting. Open History to keep or refund them.",
        "Printer problem: out of paper."]
    with qtbot.waitSignal(window.history_requested):
        [late] = [line for line in window.banners.lines if line.kind == "late"]
        qtbot.mouseClick(late.button, Qt.MouseButton.LeftButton)
