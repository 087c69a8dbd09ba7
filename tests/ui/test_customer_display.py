"""The customer display shows idle, amount, QR and result pages."""

from __future__ import annotations

from cashier.ui.customer_display import CustomerDisplay

URL = "http://127.0.0.1:1/pay/T1"


def make(qtbot) -> CustomerDisplay:
    display = CustomerDisplay("Maple Tea House", currency="CAD")
    qtbot.addWidget(display)
    return display


def test_idle_page_shows_shop_name(qtbot):
    display = make(qtbot)
    assert display.page == "idle"
    assert display.shop_label.text() == "Maple Tea House"


def test_amount_with_optional_cny_line(qtbot):
    display = make(qtbot)
    display.show_amount(123456)
    assert display.page == "amount"
    assert display.amount_label.text() == "CAD 1,234.56"
    assert display.cny_label.text() == ""
    display.set_cny(641_968)
    assert display.cny_label.text() == "≈ CNY 6,419.68"
    display.set_cny(None)
    assert display.cny_label.text() == ""


def test_qr_page_paints_the_code_url(qtbot):
    display = make(qtbot)
    display.show_qr(1000, URL, "Alipay")
    assert display.page == "qr"
    assert display.qr.data == URL
    assert "Alipay" in display.qr_caption.text()
    assert display.qr_amount.text() == "CAD 10.00"


def test_result_then_idle_clears_the_qr(qtbot):
    display = make(qtbot)
    display.show_qr(1000, URL, "Alipay")
    display.show_result(True, 1000)
    assert display.page == "result"
    assert "Paid" in display.result_title.text()
    assert display.qr.data is None
    display.show_result(False, 1000, "Declined")
    assert "not completed" in display.result_title.text()
    display.show_idle()
    assert display.page == "idle"


def test_single_screen_gives_a_resizable_window(qtbot):
    display = make(qtbot)
    display.place()
    qtbot.waitExposed(display)
    assert display.isVisible()
    assert not display.isFullScreen()
    display.resize(300, 200)
    assert display.width() == 300
