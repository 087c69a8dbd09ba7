import pytest

from cashier.wallets import PaymentCodeError, Wallet, classify_payment_code, clean_scan, mask_code


@pytest.mark.parametrize(
    ("code", "wallet"),
    [
        ("134567890123456789", Wallet.WECHATPAY),
        ("104567890123456789", Wallet.WECHATPAY),
        ("2812345678901234", Wallet.ALIPAY),
        ("301234567890123456789012", Wallet.ALIPAY),
        ("6212345678901234567", Wallet.UNIONPAY),
        ("\x02134567890123456789\r\n", Wallet.WECHATPAY),
    ],
)
def test_classify_payment_code(code, wallet):
    assert classify_payment_code(code) is wallet


@pytest.mark.parametrize(
    "code",
    [
        "", "12.34", "164567890123456789", "2412345678901234", "31123456789012345",
        "621234567890123456", "https://example.com/q", "13456789012345678",
    ],
)
def test_not_a_payment_code_is_refused_clearly(code):
    with pytest.raises(PaymentCodeError) as info:
        classify_payment_code(code)
    assert "payment code" in str(info.value) or "Nothing was scanned" in str(info.value)


def test_refusal_masks_the_code():
    with pytest.raises(PaymentCodeError) as info:
        classify_payment_code("99999912345678999")
    assert "99999912345678999" not in str(info.value)


def test_mask_code():
    assert mask_code("134567890123456789") == "1345**********6789"
    assert mask_code("1234") == "****"


def test_clean_scan_strips_controls():
    assert clean_scan("\x02 123 \x03\r\n") == "123"


def test_wallet_parse():
    assert Wallet.parse("wechat") is Wallet.WECHATPAY
    assert Wallet.parse("Alipay") is Wallet.ALIPAY
    with pytest.raises(ValueError, match="Unknown wallet"):
        Wallet.parse("paypal")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def test_a_fullwidth_code_is_read_as_its_ascii_digits():
    scanned = _fullwidth("134567890123450000")
    assert clean_scan(scanned) == "134567890123450000"  # what is journaled and sent
    assert classify_payment_code(scanned) is Wallet.WECHATPAY


@pytest.mark.parametrize("digits", [
    "".join(chr(0x660 + int(d)) for d in "4567890123450000"),  # Arabic-Indic
    "".join(chr(0x966 + int(d)) for d in "4567890123450000"),  # Devanagari
])
def test_digits_of_other_scripts_are_refused_in_one_sentence(digits):
    with pytest.raises(PaymentCodeError) as info:
        classify_payment_code("13" + digits)
    message = str(info.value)
    assert "digits 0-9" in message and "another script" in message
    assert message.count(". ") == 0 and message.endswith(".")
