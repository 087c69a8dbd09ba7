"""Payment links (wapPay): building them exactly, refusing unsafe ones, reading return URLs."""

import base64
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from cashier.money import AmountError
from cashier.ottpay.wappay import (
    DEFAULT_WAPPAY_URL,
    WapPayLinkError,
    WapPayReturnError,
    build_wappay_link,
    decode_link_url,
    dollars_to_cents,
    parse_wappay_return,
    wappay_return_query,
)

PAYMENT_KEY = "Ab+9/Key=16chars"
MERCHANT = "QC00005496"
OPERATOR = "0000020156"


def link(**overrides):
    args = dict(
        merchant_payment_key=PAYMENT_KEY, merchant_id=MERCHANT, order_id="L20261123ABC",
        operator_id=OPERATOR, amount_cents=1234, return_url="https://www.ottpay.com/result",
        notify_url="https://www.ottpay.com/callback",
    )
    args.update(overrides)
    return build_wappay_link(**args)


def test_link_has_every_field_base64_urls_and_a_url_encoded_query():
    built = link()
    parts = urlsplit(built.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == DEFAULT_WAPPAY_URL
    assert built.url.startswith("https://mppay.ottpay.com/wapPay?merCode=")
    query = parse_qs(parts.query, strict_parsing=True)
    assert {k: v[0] for k, v in query.items()} == {
        "merCode": PAYMENT_KEY,
        "merchantId": MERCHANT,
        "orderId": "L20261123ABC",
        "operId": OPERATOR,
        "amount": "1234",
        # The protocol page's own examples of the two encoded URLs.
        "returnURL": "aHR0cHM6Ly93d3cub3R0cGF5LmNvbS9yZXN1bHQ=",
        "notifyURL": "aHR0cHM6Ly93d3cub3R0cGF5LmNvbS9jYWxsYmFjaw==",
    }
    # URL-encoded: base64's "+", "/" and "=" never appear raw in the query.
    assert f"merCode={quote(PAYMENT_KEY, safe='')}&" in built.url
    assert "returnURL=aHR0cHM6Ly93d3cub3R0cGF5LmNvbS9yZXN1bHQ%3D&" in built.url
    assert (built.order_id, built.amount_cents) == ("L20261123ABC", 1234)


def test_link_points_at_another_page_for_demo_mode():
    built = link(base_url="http://127.0.0.1:8123/wapPay", return_url="http://127.0.0.1:9/r",
                 notify_url="http://localhost:9/ottpay/callback")
    assert built.url.startswith("http://127.0.0.1:8123/wapPay?merCode=")
    query = parse_qs(urlsplit(built.url).query)
    assert decode_link_url(query["notifyURL"][0], "notifyURL") == "http://localhost:9/ottpay/callback"


def test_the_payment_key_is_hidden_from_repr_and_the_redacted_url():
    built = link()
    assert PAYMENT_KEY not in repr(built)
    assert quote(PAYMENT_KEY, safe="") not in repr(built)
    assert "merCode=********&merchantId=QC00005496" in built.redacted_url
    assert quote(PAYMENT_KEY, safe="") not in built.redacted_url


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_link_without_the_payment_key_is_refused(key):
    with pytest.raises(WapPayLinkError, match=r"merchant payment key \(merCode\).*"
                                              r"merchant_payment_key"):
        link(merchant_payment_key=key)


@pytest.mark.parametrize(
    ("name", "url", "reason"),
    [
        ("return_url", "http://shop.example.com/thanks", "return URL .* must use https"),
        ("notify_url", "http://203.0.113.5:8080/cb", "notify URL .* must use https"),
        ("notify_url", "ftp://shop.example.com/cb", "not a web address"),
        ("return_url", "", "needs a return URL"),
        ("base_url", "http://mppay.example.com/wapPay", "payment page address .* must use https"),
    ],
)
def test_links_with_unsafe_urls_are_refused(name, url, reason):
    with pytest.raises(WapPayLinkError, match=reason):
        link(**{name: url})


def test_loopback_http_is_allowed_for_demo_mode():
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert link(return_url=f"http://{host}:8000/r", notify_url=f"http://{host}:8000/n").url


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"amount_cents": 0}, AmountError),
        ({"amount_cents": -5}, AmountError),
        ({"amount_cents": 12.5}, AmountError),
        ({"order_id": "has space"}, WapPayLinkError),
        ({"operator_id": None}, WapPayLinkError),
        ({"merchant_id": "Q1"}, WapPayLinkError),
    ],
)
def test_bad_link_fields_are_refused(overrides, error):
    with pytest.raises(error):
        link(**overrides)


def test_decode_link_url_accepts_url_safe_and_unpadded_and_refuses_garbage():
    raw = "https://shop.example.com/r?a=1&b=~~~"
    standard = base64.b64encode(raw.encode()).decode()
    urlsafe = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    assert decode_link_url(standard, "returnURL") == raw
    assert decode_link_url(urlsafe, "returnURL") == raw
    with pytest.raises(ValueError, match="returnURL is not base64"):
        decode_link_url("***", "returnURL")


# -- the browser's return URL ------------------------------------------------------------------


RETURN = (
    "https://shop.example.com/thanks?total_fee=12.3&trade_no=AL2026112300001&"
    "out_trade_no=L20261123ABC&trade_status=TRADE_FINISHED&currency=CAD&"
    "sign=QHEImSLHPvqyFb64l8nS0kA6zj%2BPye5Dazed9b8Hy2jWj%3D%3D&sign_type=RSA"
)


def test_return_url_is_read_into_an_informational_record():
    info = parse_wappay_return(RETURN)
    assert info.order_id == info.out_trade_no == "L20261123ABC"
    assert info.total_cents == 1230
    assert info.trade_no == "AL2026112300001"
    assert info.trade_status == "TRADE_FINISHED" and info.claims_paid
    assert (info.currency, info.sign_type) == ("CAD", "RSA")
    assert info.sign == "QHEImSLHPvqyFb64l8nS0kA6zj+Pye5Dazed9b8Hy2jWj=="
    assert info.proves_payment is False  # never, whatever it claims
    assert "QHEIm" not in repr(info)


def test_return_query_alone_and_round_trip():
    query = wappay_return_query(order_id="X1", total_cents=100005, trade_no="AL1",
                                trade_status="WAIT_BUYER_PAY", currency="CAD", sign="s")
    info = parse_wappay_return(query)
    assert (info.total_cents, info.claims_paid) == (100005, False)
    assert parse_wappay_return("?" + query).total_cents == 100005


@pytest.mark.parametrize(
    ("text", "cents"),
    [("0.01", 1), ("12", 1200), ("12.3", 1230), ("12.34", 1234), (" 7.00 ", 700),
     ("99999999.99", 9_999_999_999)],
)
def test_dollars_to_cents_without_floats(text, cents):
    assert dollars_to_cents(text) == cents


@pytest.mark.parametrize("text", ["12.345", "-1.00", "1e3", "12,34", "", "abc", "0.1.2"])
def test_total_fee_that_is_not_money_is_refused(text):
    with pytest.raises(WapPayReturnError, match="total_fee"):
        dollars_to_cents(text)


def test_return_url_without_an_order_is_refused():
    with pytest.raises(WapPayReturnError, match="names no order"):
        parse_wappay_return("https://shop.example.com/thanks?total_fee=1.00")
    with pytest.raises(WapPayReturnError, match="total_fee"):
        parse_wappay_return("out_trade_no=X1&total_fee=1.005")


def test_seed_002_return_example_names_the_gateway_and_alipay_numbers():
    info = parse_wappay_return(
        "https://ezshops.ott.ca/mobile/AliH5OTTPAY_callback.php?currency=CAD&"
        "out_trade_no=AL2192407938683822&total_fee=0.01&trade_no=2020061022001367651432273894&"
        "trade_status=TRADE_FINISHED&sign=aTTX&sign_type=RSA"
    )
    assert info.ids == ("AL2192407938683822", "2020061022001367651432273894")
    assert (info.total_cents, info.claims_paid) == (1, True)
