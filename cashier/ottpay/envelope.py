"""The JSON envelopes around Appendix A data: requests, responses and callbacks (section 1).

Building and parsing only: no I/O. Parsers accept arbitrary bytes and raise ``MessageError``
(never anything else) for whatever is not a well-formed, correctly signed envelope.

The gateway's half (``parse_request``, ``build_response``, ``build_callback``) is deliberate
public API that the terminal itself never calls: it lets a test script a gateway that fails in
ways the simulator does not (half-written answers, dropped connections). The simulator keeps its
own envelope code on purpose, so the two implementations check each other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cashier.ottpay.crypto import MessageError, decrypt, encrypt

PROTOCOL_VERSION = "1.0"


@dataclass(frozen=True)
class ParsedRequest:
    """A verified request as the gateway (the simulator) sees it."""

    action: str
    version: str
    merchant_id: str
    data: dict[str, Any]
    operator_id: str | None = None
    terminal_no: str | None = None


@dataclass(frozen=True)
class Response:
    """A response: ``data`` is the verified inner object, or ``None`` when none was sent."""

    rsp_code: str
    rsp_msg: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class Callback:
    """A verified callback from the gateway to ``call_back_url``."""

    rsp_code: str
    rsp_msg: str
    merchant_id: str
    data: dict[str, Any] = field(default_factory=dict)


def _stringify(data: Mapping[str, Any]) -> dict[str, Any]:
    # The terminal always sends every value as a string (protocol decision); None means "omit".
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, (str, dict, list)) else str(value)
    return out


def build_request(
    action: str,
    merchant_id: str,
    data: Mapping[str, Any],
    sign_key: str,
    *,
    operator_id: str | None = None,
    terminal_no: str | None = None,
    version: str = PROTOCOL_VERSION,
) -> dict[str, Any]:
    """The request envelope as a JSON-ready dict."""
    data_b64, md5 = encrypt(_stringify(data), sign_key)
    envelope: dict[str, Any] = {
        "action": action,
        "version": version,
        "merchant_id": merchant_id,
        "data": data_b64,
        "md5": md5,
    }
    if operator_id:
        envelope["operator_id"] = operator_id
    if terminal_no:
        envelope["terminal_no"] = terminal_no
    return envelope


def build_response(
    rsp_code: str, rsp_msg: str, data: Mapping[str, Any] | None, sign_key: str
) -> dict[str, Any]:
    """A response envelope; ``data``/``md5`` are left out when ``data`` is ``None``."""
    envelope: dict[str, Any] = {"rsp_code": rsp_code, "rsp_msg": rsp_msg}
    if data is not None:
        envelope["data"], envelope["md5"] = encrypt(_stringify(data), sign_key)
    return envelope


def build_callback(
    rsp_code: str, rsp_msg: str, merchant_id: str, data: Mapping[str, Any], sign_key: str
) -> dict[str, Any]:
    """A callback envelope as OTT Pay POSTs it to ``call_back_url``."""
    data_b64, md5 = encrypt(_stringify(data), sign_key)
    return {
        "rsp_code": rsp_code,
        "rsp_msg": rsp_msg,
        "merchant_id": merchant_id,
        "data": data_b64,
        "md5": md5,
    }


def load_json_object(body: bytes | str) -> dict[str, Any]:
    """Parse a body as a JSON object or raise ``MessageError``."""
    try:
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise MessageError("the body is not JSON") from None
    if not isinstance(obj, dict):
        raise MessageError("the body is not a JSON object")
    return obj


def _text_field(envelope: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = envelope.get(name)
    if value is None:
        if required:
            raise MessageError(f"the envelope has no {name}")
        return None
    if not isinstance(value, str):
        raise MessageError(f"the envelope's {name} is not a string")
    return value


def parse_request(body: bytes | str, sign_key: str) -> ParsedRequest:
    """Parse and verify a request envelope (the simulator's side)."""
    envelope = load_json_object(body)
    action = _text_field(envelope, "action")
    merchant_id = _text_field(envelope, "merchant_id")
    version = _text_field(envelope, "version", required=False) or PROTOCOL_VERSION
    data = decrypt(envelope.get("data"), envelope.get("md5"), sign_key)
    return ParsedRequest(
        action=action or "",
        version=version,
        merchant_id=merchant_id or "",
        data=data,
        operator_id=_text_field(envelope, "operator_id", required=False),
        terminal_no=_text_field(envelope, "terminal_no", required=False),
    )


def parse_response(body: bytes | str, sign_key: str) -> Response:
    """Parse a response envelope and verify its data when present.

    A response with ``data`` but no ``md5`` (or the reverse) is refused: unsigned data is never
    trusted. A failure response without either is fine.
    """
    envelope = load_json_object(body)
    rsp_code = _text_field(envelope, "rsp_code")
    rsp_msg = _text_field(envelope, "rsp_msg", required=False) or ""
    has_data = envelope.get("data") not in (None, "")
    has_md5 = envelope.get("md5") not in (None, "")
    if not has_data and not has_md5:
        return Response(rsp_code=rsp_code or "", rsp_msg=rsp_msg, data=None)
    data = decrypt(envelope.get("data"), envelope.get("md5"), sign_key)
    return Response(rsp_code=rsp_code or "", rsp_msg=rsp_msg, data=data)


def parse_callback(body: bytes | str, sign_key: str) -> Callback:
    """Parse and verify a callback envelope. Checking merchant/order/amount is the caller's job."""
    envelope = load_json_object(body)
    rsp_code = _text_field(envelope, "rsp_code")
    rsp_msg = _text_field(envelope, "rsp_msg", required=False) or ""
    merchant_id = _text_field(envelope, "merchant_id")
    data = decrypt(envelope.get("data"), envelope.get("md5"), sign_key)
    return Callback(
        rsp_code=rsp_code or "", rsp_msg=rsp_msg, merchant_id=merchant_id or "", data=data
    )
