"""The simulator's own Appendix A, against the protocol file's test vectors (never against the
client's implementation: the two must agree because both are right, not because they share)."""

import base64
import json

import pytest

from cashier.simulator import envelope

# The protocol file's Appendix A example, as one JSON text.
APPENDIX_DATA = json.loads(
    '{"orderId":"1234567890","idCardName":"张三","idCardNum":"123456789012345678",'
    '"bankCardNum":"62000000000010","mobile":"13711111111","idCardType":"1"}'
)
APPENDIX_KEY = "6698851A525C9433"
CALLBACK_EXAMPLE = {
    "amount": "1", "bizpay_order_id": "AL5599135482523381", "tip": "0",
    "merchant_id": "QC00005496", "order_id": "2020061019988O227O2154",
    "finish_time": "2020-06-10 23:22:09",
}


def test_appendix_a_vector():
    data_b64, md5 = envelope.seal(APPENDIX_DATA, APPENDIX_KEY)
    assert md5 == "C12F9560769C2CB55E6954935B325916"
    assert envelope.aes_key(md5, APPENDIX_KEY) == b"EF1712FC070C2C21"
    assert len(base64.b64decode(data_b64)) == 160
    assert data_b64.startswith("Y2+GoqBBPc6EJ9Jz") and data_b64.endswith("gVvencz80aRWQ==")
    assert envelope.unseal(data_b64, md5, APPENDIX_KEY) == APPENDIX_DATA


def test_callback_example_md5():
    assert envelope.md5_of(CALLBACK_EXAMPLE) == "1E2E9E78906F85FFE17962A523329220"


def test_numbers_are_hashed_as_the_reading_says():
    as_strings = envelope.md5_of(CALLBACK_EXAMPLE)
    numeric = {**CALLBACK_EXAMPLE, "amount": 1, "tip": 0}
    assert envelope.md5_of(numeric, "plain") == as_strings
    point_zero = {**CALLBACK_EXAMPLE, "amount": "1.0", "tip": "0.0"}
    assert envelope.md5_of(numeric, "point-zero") == envelope.md5_of(point_zero)


def test_a_request_is_read_and_a_tampered_one_refused():
    data_b64, md5 = envelope.seal({"order_id": "A1"}, APPENDIX_KEY)
    body = json.dumps({"action": "STATUS_QUERY", "version": "1.0",
                       "merchant_id": "QC00005496", "data": data_b64, "md5": md5})
    request = envelope.read_request(body, APPENDIX_KEY)
    assert (request.action, request.data) == ("STATUS_QUERY", {"order_id": "A1"})
    with pytest.raises(envelope.Tampered):
        envelope.read_request(body.replace(md5, md5[:-1] + ("0" if md5[-1] != "0" else "1")),
                              APPENDIX_KEY)
    with pytest.raises(envelope.Tampered):
        envelope.read_request(body, "FEDCBA9876543210")
