"""The envelope parsers take arbitrary bytes and fail only with MessageError; round trips hold."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cashier.ottpay import envelope
from cashier.ottpay.crypto import MessageError, SignatureMismatch

KEY = "0123456789ABCDEF"
MERCHANT = "QC00005496"
PARSERS = (envelope.parse_request, envelope.parse_response, envelope.parse_callback)

wire_values = st.text(max_size=40)  # any unicode, including surrogates-free astral chars
wire_data = st.dictionaries(st.text(min_size=1, max_size=12), wire_values, max_size=8)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)


def _only_message_error(parser, body):
    try:
        parser(body, KEY)
    except MessageError:
        pass


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_arbitrary_bytes_raise_only_message_error(body):
    for parser in PARSERS:
        _only_message_error(parser, body)


@settings(max_examples=300)
@given(st.text(max_size=256))
def test_arbitrary_unicode_raise_only_message_error(body):
    for parser in PARSERS:
        _only_message_error(parser, body)
        _only_message_error(parser, body.encode("utf-8", "surrogatepass"))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(
    ["action", "version", "merchant_id", "data", "md5", "rsp_code", "rsp_msg", "operator_id",
     "terminal_no"]), json_values))
def test_arbitrary_json_envelopes_raise_only_message_error(obj):
    body = json.dumps(obj).encode()
    for parser in PARSERS:
        _only_message_error(parser, body)


@settings(max_examples=200)
@given(st.data())
def test_corrupted_signed_envelopes_raise_only_message_error(data):
    env = envelope.build_response("SUCCESS", "ok", {"order_id": "A1", "amount": "100"}, KEY)
    field = data.draw(st.sampled_from(["data", "md5"]))
    text = env[field]
    pos = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.text(max_size=3))
    env[field] = text[:pos] + replacement + text[pos + 1:]
    body = json.dumps(env)
    try:
        parsed = envelope.parse_response(body, KEY)
    except MessageError:
        return
    # A "corruption" that survives verification must have changed nothing that matters.
    assert parsed.data == {"order_id": "A1", "amount": "100"}


@settings(max_examples=200)
@given(wire_data, st.sampled_from(["PASSIVEPAY", "STATUS_QUERY", "REFUND"]))
def test_request_round_trip_with_unicode_values(data, action):
    env = envelope.build_request(action, MERCHANT, data, KEY, operator_id="0000020156")
    parsed = envelope.parse_request(json.dumps(env, ensure_ascii=False).encode(), KEY)
    assert parsed.action == action
    assert parsed.merchant_id == MERCHANT
    assert parsed.operator_id == "0000020156"
    assert parsed.data == data


@settings(max_examples=200)
@given(wire_data, st.text(max_size=30))
def test_response_and_callback_round_trip_with_unicode_values(data, msg):
    env = envelope.build_response("SUCCESS", msg, data, KEY)
    parsed = envelope.parse_response(json.dumps(env).encode(), KEY)
    assert (parsed.rsp_code, parsed.rsp_msg) == ("SUCCESS", msg)
    assert parsed.data == data
    cb = envelope.build_callback("SUCCESS", msg, MERCHANT, data, KEY)
    parsed_cb = envelope.parse_callback(json.dumps(cb, ensure_ascii=False), KEY)
    assert parsed_cb.merchant_id == MERCHANT
    assert parsed_cb.data == data


def test_unicode_value_round_trip_example():
    data = {"order_id": "A1", "note": "张三 café 🙂", "amount": "100"}
    env = envelope.build_response("SUCCESS", "好", data, KEY)
    assert envelope.parse_response(json.dumps(env), KEY).data == data


def test_failure_response_without_data_is_fine_but_half_signed_is_not():
    assert envelope.parse_response('{"rsp_code":"FAIL","rsp_msg":"order not found"}', KEY).data \
        is None
    env = envelope.build_response("SUCCESS", "ok", {"order_id": "A1"}, KEY)
    for missing in ("data", "md5"):
        broken = {k: v for k, v in env.items() if k != missing}
        with pytest.raises(MessageError):
            envelope.parse_response(json.dumps(broken), KEY)


def test_wrong_key_is_a_signature_mismatch():
    env = envelope.build_response("SUCCESS", "ok", {"order_id": "A1", "amount": "100"}, KEY)
    with pytest.raises(SignatureMismatch) as info:
        envelope.parse_response(json.dumps(env), "FEDCBA9876543210")
    assert "FEDCBA9876543210" not in str(info.value) and KEY not in str(info.value)


def test_truncated_base64_is_rejected():
    env = envelope.build_response("SUCCESS", "ok", {"order_id": "A1", "amount": "100"}, KEY)
    env["data"] = env["data"][:-6]
    with pytest.raises(MessageError):
        envelope.parse_response(json.dumps(env), KEY)
