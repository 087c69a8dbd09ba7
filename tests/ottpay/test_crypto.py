"""Appendix A: the protocol file's test vectors, properties, and interop with openssl."""

import base64
import hashlib
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cashier.ottpay import crypto

APPENDIX_DATA = {
    "orderId": "1234567890",
    "idCardName": "张三",
    "idCardNum": "123456789012345678",
    "bankCardNum": "62000000000010",
    "mobile": "13711111111",
    "idCardType": "1",
}
APPENDIX_KEY = "6698851A525C9433"
KEY = "0123456789ABCDEF"


def test_appendix_a_vector():
    data_b64, md5 = crypto.encrypt(APPENDIX_DATA, APPENDIX_KEY)
    assert md5 == "C12F9560769C2CB55E6954935B325916"
    assert crypto.derive_aes_key(md5, APPENDIX_KEY) == b"EF1712FC070C2C21"
    assert len(base64.b64decode(data_b64)) == 160
    assert data_b64.startswith("Y2+GoqBBPc6EJ9Jz")
    assert data_b64.endswith("gVvencz80aRWQ==")
    assert crypto.decrypt(data_b64, md5, APPENDIX_KEY) == APPENDIX_DATA


def test_sorted_values_of_appendix_a():
    keys = sorted(APPENDIX_DATA)
    joined = "".join(APPENDIX_DATA[k] for k in keys)
    assert joined == "62000000000010张三1234567890123456781137111111111234567890"


def test_callback_example_md5():
    data = {
        "amount": "1",
        "bizpay_order_id": "AL5599135482523381",
        "tip": "0",
        "merchant_id": "QC00005496",
        "order_id": "2020061019988O227O2154",
        "finish_time": "2020-06-10 23:22:09",
    }
    assert crypto.sign(data) == "1E2E9E78906F85FFE17962A523329220"


def test_numbers_in_received_data_count_as_their_json_text():
    assert crypto.sign({"amount": 100, "tip": "0"}) == crypto.sign({"amount": "100", "tip": "0"})
    # Received numbers keep their exact text, so the md5 recomputes even for odd spellings.
    data_b64, md5 = crypto.encrypt({"rate": 6.50}, KEY)
    assert crypto.decrypt(data_b64, md5, KEY) == {"rate": "6.5"}


def test_empty_values_contribute_nothing():
    assert crypto.sign({"a": "x", "b": "", "c": None}) == crypto.sign({"a": "x"})


def test_tampered_data_is_rejected():
    data_b64, md5 = crypto.encrypt({"order_id": "A1", "amount": "100"}, KEY)
    raw = bytearray(base64.b64decode(data_b64))
    raw[0] ^= 1
    with pytest.raises(crypto.MessageError):
        crypto.decrypt(base64.b64encode(bytes(raw)).decode(), md5, KEY)


def test_wrong_md5_is_rejected():
    data_b64, md5 = crypto.encrypt({"order_id": "A1", "amount": "100"}, KEY)
    other_md5 = crypto.sign({"order_id": "A1", "amount": "999"})
    with pytest.raises(crypto.MessageError):
        crypto.decrypt(data_b64, other_md5, KEY)


def test_wrong_key_is_rejected():
    data_b64, md5 = crypto.encrypt({"order_id": "A1"}, KEY)
    with pytest.raises(crypto.MessageError):
        crypto.decrypt(data_b64, md5, "FEDCBA9876543210")


@pytest.mark.parametrize(
    ("data", "md5", "reason"),
    [
        ("", "C12F9560769C2CB55E6954935B325916", "no data"),
        ("abc", "", "no md5"),
        ("abc", None, "no md5"),
        ("Y2+GoqBBPc6EJ9Jz", "C12F9560769C2CB55E6954935B325916", "AES blocks|base64"),
        ("Y2+GoqBBPc6EJ9J", "C12F9560769C2CB55E6954935B325916", "base64"),
        ("Y2+GoqBBPc6EJ9Jz", "nothex", "32 hex"),
    ],
)
def test_malformed_messages_are_rejected_clearly(data, md5, reason):
    with pytest.raises(crypto.MessageError, match=reason):
        crypto.decrypt(data, md5, KEY)


def test_base64_with_whitespace_is_tolerated():
    data_b64, md5 = crypto.encrypt(APPENDIX_DATA, APPENDIX_KEY)
    wrapped = "\n".join(data_b64[i : i + 40] for i in range(0, len(data_b64), 40))
    assert crypto.decrypt(wrapped, md5, APPENDIX_KEY) == APPENDIX_DATA


flat_objects = st.dictionaries(
    st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=8
)


@settings(max_examples=150, deadline=None)
@given(flat_objects, st.text(alphabet="0123456789ABCDEF", min_size=16, max_size=16))
def test_encrypt_decrypt_round_trip(data, sign_key):
    data_b64, md5 = crypto.encrypt(data, sign_key)
    assert crypto.decrypt(data_b64, md5, sign_key) == data


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.text(max_size=40))
def test_decrypt_arbitrary_input_raises_only_message_error(blob, md5):
    try:
        crypto.decrypt(base64.b64encode(blob).decode(), md5, KEY)
    except crypto.MessageError:
        pass


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_interoperates_with_openssl_command_line():
    """An independent implementation of AES-128-ECB/PKCS#7 agrees with ours, both directions."""
    data_b64, md5 = crypto.encrypt(APPENDIX_DATA, APPENDIX_KEY)
    key_hex = crypto.derive_aes_key(md5, APPENDIX_KEY).hex()
    decrypted = subprocess.run(
        ["openssl", "enc", "-d", "-aes-128-ecb", "-K", key_hex, "-base64", "-A"],
        input=data_b64.encode(), capture_output=True, check=True,
    ).stdout
    assert decrypted.decode("utf-8") == crypto.to_json_text(APPENDIX_DATA)

    plain = crypto.to_json_text({"order_id": "X9", "amount": "250"}).encode()
    md5_2 = crypto.sign({"order_id": "X9", "amount": "250"})
    encrypted = subprocess.run(
        ["openssl", "enc", "-aes-128-ecb", "-K", crypto.derive_aes_key(md5_2, KEY).hex(),
         "-base64", "-A"],
        input=plain, capture_output=True, check=True,
    ).stdout.decode().strip()
    assert crypto.decrypt(encrypted, md5_2, KEY) == {"order_id": "X9", "amount": "250"}


# -- nested object values (MAPPPAY's payInfo) ---------------------------------------------------


def test_nested_object_contributes_its_compact_json_text():
    pay_info = {"appId": "wx1", "timeStamp": "1700000000", "nonceStr": "张"}
    joined = "100" + '{"appId":"wx1","timeStamp":"1700000000","nonceStr":"张"}'
    expected = hashlib.md5(joined.encode("utf-8")).hexdigest().upper()
    assert crypto.sign({"amount": "100", "payInfo": pay_info}) == expected


def test_nested_numbers_survive_decryption_so_the_md5_recomputes():
    # A sender that writes numbers inside payInfo: the receiver must hash them unquoted too.
    data = {"order_id": "A1", "payInfo": {"timeStamp": 1700000000, "ratio": 6.50, "ok": True}}
    data_b64, md5 = crypto.encrypt(data, KEY)
    received = crypto.decrypt(data_b64, md5, KEY)
    assert received["payInfo"]["timeStamp"] == "1700000000"
    assert isinstance(received["payInfo"]["timeStamp"], crypto.JsonNumber)
    assert crypto.sign(received) == md5
    # Re-encrypting what was received keeps the numbers numbers (e.g. a gateway echoing data).
    again_b64, again_md5 = crypto.encrypt(received, KEY)
    assert again_md5 == md5 and again_b64 == data_b64


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_compact_json_is_json_dumps_for_ordinary_values(value):
    import json

    assert crypto.compact_json(value) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":")
    )


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=5))
def test_any_json_object_round_trips_with_a_matching_md5(data):
    data_b64, md5 = crypto.encrypt(data, KEY)
    assert crypto.sign(crypto.decrypt(data_b64, md5, KEY)) == md5


# -- numbers and nested values: every plausible md5 rendering is accepted -----------------------


def _sealed(plain_text: str, joined_values: str) -> tuple[str, str]:
    """Encrypt ``plain_text`` as a sender would, its md5 taken over ``joined_values``: the text
    the sender is assumed to have hashed (written out by hand, not computed by the code)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    md5 = hashlib.md5(joined_values.encode("utf-8")).hexdigest().upper()
    padder = padding.PKCS7(128).padder()
    plain = padder.update(plain_text.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(crypto.derive_aes_key(md5, KEY)), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode(), md5


# Seed 003's answer: a bare number amount and payInfo as a nested object written with spaces.
SEED_003_TEXT = (
    '{"payInfo": {"appId": "wx5f89682208cf8e88", "timeStamp": 2018091015}, '
    '"merchant_id":"ON00009999","order_id":"TEST0000008","amount":1,'
    '"sale_num":"1536606245849717"}'
)
# Sorted keys: amount, merchant_id, order_id, payInfo, sale_num.
SEED_003_RENDERINGS = {
    crypto.NumberRendering.AS_SENT:
        '1ON00009999TEST0000008{"appId":"wx5f89682208cf8e88","timeStamp":2018091015}'
        "1536606245849717",
    crypto.NumberRendering.POINT_ZERO:
        '1.0ON00009999TEST0000008{"appId":"wx5f89682208cf8e88","timeStamp":2018091015.0}'
        "1536606245849717",
    crypto.NumberRendering.SOURCE:
        '1ON00009999TEST0000008{"appId": "wx5f89682208cf8e88", "timeStamp": 2018091015}'
        "1536606245849717",
}


@pytest.mark.parametrize("rendering", list(SEED_003_RENDERINGS), ids=lambda r: r.name)
def test_an_answer_with_numbers_verifies_under_each_plausible_rendering(rendering):
    data_b64, md5 = _sealed(SEED_003_TEXT, SEED_003_RENDERINGS[rendering])
    received = crypto.decrypt(data_b64, md5, KEY)
    assert received["amount"] == "1" and received["payInfo"]["timeStamp"] == "2018091015"
    assert crypto.matching_rendering(received, md5, SEED_003_TEXT) is rendering


def test_a_number_written_with_more_digits_than_needed_verifies_normalised():
    text = '{"order_id":"A1","rate":6.50}'
    data_b64, md5 = _sealed(text, "A16.5")
    assert crypto.decrypt(data_b64, md5, KEY) == {"order_id": "A1", "rate": "6.50"}
    assert crypto.matching_rendering({"order_id": "A1", "rate": crypto.JsonNumber("6.50")},
                                     md5) is crypto.NumberRendering.NORMALISED


def test_a_json_string_value_verifies_as_the_raw_string():
    # payInfo given as JSON *text* (seed 003's example): it contributes the string as it is.
    text = '{"amount":"1","payInfo":"{\\"appId\\": \\"wx1\\"}"}'
    data_b64, md5 = _sealed(text, '1{"appId": "wx1"}')
    assert crypto.decrypt(data_b64, md5, KEY)["payInfo"] == '{"appId": "wx1"}'


@pytest.mark.parametrize("joined", [
    "2ON00009999TEST0000008",    # another amount
    "1ON00009999TEST0000008",    # payInfo left out
    '"1"ON00009999TEST0000008{"appId":"wx5f89682208cf8e88","timeStamp":2018091015}'
    "1536606245849717",          # the number quoted: no sender writes that
])
def test_no_rendering_rescues_an_md5_over_other_values(joined):
    data_b64, md5 = _sealed(SEED_003_TEXT, joined)
    with pytest.raises(crypto.SignatureMismatch):
        crypto.decrypt(data_b64, md5, KEY)
