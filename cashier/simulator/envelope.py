"""The simulator's own Appendix A and envelopes, written from the protocol notes.

Deliberately a second implementation: the client's ``cashier.ottpay.crypto``/``envelope`` are
not imported here, so a mistake in them makes the client and the simulator disagree (and the
tests fail) instead of agreeing with each other. It is checked against the protocol file's test
vectors in ``tests/simulator/test_envelope.py``.

What the protocol notes say, in the order used below:
1. md5: sort the data's keys in byte order, join their values (no keys, no separators; empty
   values contribute nothing), upper-case hex MD5 of the UTF-8 text.
2. AES key: characters 8..24 of upper-case hex MD5(md5 + sign key), as ASCII bytes.
3. data: base64 of AES-128-ECB with PKCS#7 padding of the compact UTF-8 JSON of the object.
4. A receiver derives the key from the received md5, decrypts, parses and recomputes the md5.

Numbers: the terminal sends only strings; when a reading makes the simulator answer with JSON
numbers, ``numbers`` says how they were written into the md5 text (``"plain"``: ``1``;
``"point-zero"``: ``1.0``, as a sender holding doubles would).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class EnvelopeError(ValueError):
    """A request the simulator cannot read (not JSON, not base64, not an object...)."""


class Tampered(EnvelopeError):
    """The data does not decrypt, or does not hash to its md5, under the merchant's key."""


@dataclass(frozen=True)
class Request:
    """A verified request as the simulated gateway received it: the decrypted ``data`` and the
    envelope's plain-text fields (``operator_id``, ``terminal_no``...) in ``headers``."""

    action: str
    version: str
    merchant_id: str
    data: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _number(value: int | float, numbers: str) -> str:
    if numbers == "point-zero" and isinstance(value, int):
        return f"{value}.0"
    return json.dumps(value)


def _value_text(value: Any, numbers: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value, numbers)
    return json_text(value)  # a nested object (MAPPPAY's payInfo): its compact JSON


def json_text(value: Any) -> str:
    """Compact JSON, non-ASCII as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def md5_of(data: Mapping[str, Any], numbers: str = "plain") -> str:
    """Step 1: the md5 over the values sorted by their keys' bytes."""
    keys = sorted(data, key=lambda key: key.encode("utf-8"))
    text = "".join(_value_text(data[key], numbers) for key in keys)
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def aes_key(md5: str, sign_key: str) -> bytes:
    """Step 2."""
    return hashlib.md5((md5 + sign_key).encode("utf-8")).hexdigest().upper()[8:24].encode()


def seal(data: Mapping[str, Any], sign_key: str, numbers: str = "plain") -> tuple[str, str]:
    """Steps 1-3: ``(data as base64, md5)``."""
    md5 = md5_of(data, numbers)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(json_text(dict(data)).encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key(md5, sign_key)), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode(), md5


def unseal(data_b64: Any, md5: Any, sign_key: str) -> dict[str, Any]:
    """Step 4 for a request: the verified object (the terminal sends strings only)."""
    if not isinstance(md5, str) or not md5:
        raise EnvelopeError("the message has no md5 signature")
    if len(md5.strip()) != 32:
        raise EnvelopeError("the md5 signature is not 32 characters")
    if not isinstance(data_b64, str) or not data_b64:
        raise EnvelopeError("the message has no data")
    md5 = md5.strip().upper()
    try:
        cipher = base64.b64decode("".join(data_b64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError("the data is not base64 (truncated?)") from None
    if not cipher or len(cipher) % 16:
        raise EnvelopeError("the data is not whole AES blocks (truncated?)")
    try:
        decryptor = Cipher(algorithms.AES(aes_key(md5, sign_key)), modes.ECB()).decryptor()
        padded = decryptor.update(cipher) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        obj = json.loads((unpadder.update(padded) + unpadder.finalize()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Tampered("data does not decrypt to JSON under the merchant's key") from None
    if not isinstance(obj, dict):
        raise EnvelopeError("data is not a JSON object")
    if md5_of(obj) != md5:
        raise Tampered("md5 does not match the data")
    return obj


def body_object(body: bytes | str) -> dict[str, Any]:
    """The request body as a JSON object."""
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EnvelopeError("the body is not JSON") from None
    if not isinstance(obj, dict):
        raise EnvelopeError("the body is not a JSON object")
    return obj


def read_request(body: bytes | str, sign_key: str) -> Request:
    """A request envelope (``action``, ``version``, ``merchant_id``, ``data``, ``md5``)."""
    envelope = body_object(body)
    texts = {k: v for k, v in envelope.items() if k not in ("data", "md5")}
    for name, value in texts.items():
        if not isinstance(value, str):
            raise EnvelopeError(f"the envelope's {name} is not a string")
    for name in ("action", "merchant_id"):
        if not texts.get(name):
            raise EnvelopeError(f"the envelope has no {name}")
    return Request(
        action=texts.pop("action"), version=texts.pop("version", "") or "1.0",
        merchant_id=texts.pop("merchant_id"),
        data=unseal(envelope.get("data"), envelope.get("md5"), sign_key), headers=texts,
    )


def response_envelope(rsp_code: str, rsp_msg: str, data: Mapping[str, Any] | None,
                      sign_key: str, numbers: str = "plain") -> dict[str, Any]:
    """A response; ``data``/``md5`` only when there is data."""
    envelope: dict[str, Any] = {"rsp_code": rsp_code, "rsp_msg": rsp_msg}
    if data is not None:
        envelope["data"], envelope["md5"] = seal(data, sign_key, numbers)
    return envelope


def callback_envelope(rsp_code: str, rsp_msg: str, merchant_id: str, data: Mapping[str, Any],
                      sign_key: str, numbers: str = "plain") -> dict[str, Any]:
    """A callback as the gateway POSTs it to ``call_back_url``."""
    data_b64, md5 = seal(data, sign_key, numbers)
    return {"rsp_code": rsp_code, "rsp_msg": rsp_msg, "merchant_id": merchant_id,
            "data": data_b64, "md5": md5}
