"""Appendix A of the OTT Pay protocol: md5 over sorted values, AES-128-ECB with a derived key.

Pure functions, shared by the client and the simulator so both sides agree to the byte.
The sign key is an argument only; nothing here logs it or puts it in an exception.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class MessageError(ValueError):
    """A gateway message that cannot be trusted: malformed, undecryptable, or failing its md5."""


class SignatureMismatch(MessageError):
    """The decrypted data does not hash to the md5 that came with it (tampered or wrong key)."""


class JsonNumber(str):
    """A received JSON number kept as its exact text (``"100"``, ``"6.50"``).

    It is a ``str`` everywhere (amounts are read with ``cents_from_wire``), but written back as a
    bare number by ``compact_json``. That matters for a nested object value (MAPPPAY's
    ``payInfo``): its md5 text is its compact JSON, so a number inside it must come out exactly
    as it came in, unquoted, or the recomputed md5 would not match.
    """

    __slots__ = ()


class SourceText(str):
    """A received nested value kept as the exact text it had in the message (see
    ``NumberRendering.SOURCE``); it contributes that text to the md5 unchanged."""

    __slots__ = ()


def _number_as_sent(text: str) -> str:
    return text


def _number_normalised(text: str) -> str:
    # The sender's JSON library wrote the number from a parsed value: 1.50 -> 1.5, 1E2 -> 100.0.
    value = float(text) if any(c in text for c in ".eE") else int(text)
    return json.dumps(value)


def _number_with_point_zero(text: str) -> str:
    # A sender that keeps every number as a double and prints it Java-style: 1 -> 1.0.
    return f"{text}.0" if text.lstrip("-").isdigit() else _number_normalised(text)


class NumberRendering(enum.Enum):
    """How a sender may have written numbers and nested values into the md5 text.

    The documents only pin string values; seed 003's answers carry a number (``"amount":1``)
    and a nested ``payInfo``. A received md5 is accepted when it matches under any of these.
    """

    AS_SENT = "as sent"            # each number as its JSON text in the message ("1", "1.50")
    NORMALISED = "normalised"      # as a JSON library re-writes it ("1", "1.5")
    POINT_ZERO = "with .0"         # whole numbers as doubles ("1.0")
    SOURCE = "source text"         # numbers and nested values exactly as in the message


_NUMBER_TEXT: dict[NumberRendering, Callable[[str], str]] = {
    NumberRendering.AS_SENT: _number_as_sent,
    NumberRendering.NORMALISED: _number_normalised,
    NumberRendering.POINT_ZERO: _number_with_point_zero,
    NumberRendering.SOURCE: _number_as_sent,
}


def compact_json(value: Any, number_text: Callable[[str], str] = _number_as_sent) -> str:
    """Compact JSON text (non-ASCII unescaped, key order kept) that writes ``JsonNumber`` bare.

    Byte for byte what ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` gives for
    ordinary values. ``number_text`` renders each received number's text (see
    ``NumberRendering``).
    """
    if isinstance(value, JsonNumber):
        return number_text(str.__str__(value))
    if isinstance(value, Mapping):
        items = (f"{_json_string(str(k))}:{compact_json(v, number_text)}"
                 for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(compact_json(v, number_text) for v in value) + "]"
    if isinstance(value, str):
        return _json_string(value)
    return json.dumps(value, ensure_ascii=False)


def _json_string(text: str) -> str:
    return json.dumps(str.__str__(text), ensure_ascii=False)


def wire_value_text(value: Any, number_text: Callable[[str], str] = _number_as_sent) -> str:
    """The text a value contributes to the md5.

    Strings as they are; numbers and other JSON values as their plain compact JSON text (the
    protocol's decision for received numbers); ``null`` and empty strings contribute nothing. A
    nested object or list (MAPPPAY's ``payInfo``) contributes its compact JSON text, the same
    text on the sending and the receiving side (see ``JsonNumber``).
    """
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, JsonNumber):
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return compact_json(value, number_text)


def sign(data: Mapping[str, Any], rendering: NumberRendering = NumberRendering.AS_SENT) -> str:
    """Upper-case hex MD5 of ``data``'s values joined in byte order of their keys."""
    number_text = _NUMBER_TEXT[rendering]
    keys = sorted(data, key=lambda k: k.encode("utf-8"))
    joined = "".join(wire_value_text(data[k], number_text) for k in keys)
    return hashlib.md5(joined.encode("utf-8")).hexdigest().upper()


def matching_rendering(
    data: Mapping[str, Any], md5: str, plain_text: str | None = None
) -> NumberRendering | None:
    """The first ``NumberRendering`` under which ``data`` hashes to ``md5``, else ``None``.

    ``plain_text`` (the decrypted JSON text) is needed for ``SOURCE``; without it that reading
    is skipped. Messages whose values are all strings hash the same under every reading.
    """
    wanted = md5.upper()
    for rendering in NumberRendering:
        if rendering is NumberRendering.SOURCE:
            sources = _top_level_sources(plain_text) if plain_text is not None else None
            if sources is None:
                continue
            candidate = {k: SourceText(sources[k]) if _is_structured(v) else v
                         for k, v in data.items()}
        else:
            candidate = data
        if sign(candidate, rendering) == wanted:
            return rendering
    return None


def _is_structured(value: Any) -> bool:
    return isinstance(value, JsonNumber | Mapping | list)


def _top_level_sources(text: str) -> dict[str, str] | None:
    """Each top-level key's value exactly as written in the JSON object ``text``."""
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    sources: dict[str, str] = {}
    try:
        i = skip(0)
        if text[i] != "{":
            return None
        i = skip(i + 1)
        while text[i] != "}":
            key, i = decoder.raw_decode(text, i)
            i = skip(i)
            if not isinstance(key, str) or text[i] != ":":
                return None
            start = skip(i + 1)
            _, i = decoder.raw_decode(text, start)
            sources[key] = text[start:i]
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
            elif text[i] != "}":
                return None
    except (IndexError, ValueError, RecursionError):
        return None
    return sources


def derive_aes_key(md5: str, sign_key: str) -> bytes:
    """Characters 8..24 of upper-case hex MD5(md5 + sign_key), used as the AES-128 key bytes."""
    digest = hashlib.md5((md5 + sign_key).encode("utf-8")).hexdigest().upper()
    return digest[8:24].encode("ascii")


def to_json_text(data: Mapping[str, Any]) -> str:
    """Compact UTF-8 JSON with non-ASCII characters unescaped, key order kept."""
    return compact_json(data)


def encrypt(data: Mapping[str, Any], sign_key: str) -> tuple[str, str]:
    """Return ``(data_b64, md5)`` for the inner object ``data``."""
    md5 = sign(data)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(to_json_text(data).encode("utf-8")) + padder.finalize()
    key = derive_aes_key(md5, sign_key)
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    cipher = encryptor.update(plain) + encryptor.finalize()
    return base64.b64encode(cipher).decode("ascii"), md5


def _parse_json_keeping_number_text(text: str) -> Any:
    # Numbers are kept as their JSON text so the md5 can be recomputed exactly as sent.
    return json.loads(
        text, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=_reject_constant
    )


def _reject_constant(name: str) -> Any:
    raise MessageError(f"the data contains {name}, which is not JSON")


def decrypt(data_b64: Any, md5: Any, sign_key: str) -> dict[str, Any]:
    """Decrypt and verify a received ``data``/``md5`` pair; return the inner object.

    Numbers in the result are strings holding their JSON text. Raises ``MessageError`` (or its
    subclass ``SignatureMismatch``) for anything not a well-formed, correctly signed message.
    """
    if not isinstance(md5, str) or not md5:
        raise MessageError("the message has no md5 signature")
    if not isinstance(data_b64, str) or not data_b64:
        raise MessageError("the message has no data")
    md5 = md5.strip()
    if len(md5) != 32 or any(c not in "0123456789abcdefABCDEF" for c in md5):
        raise MessageError("the md5 signature is not 32 hex characters")
    compact = "".join(data_b64.split())
    try:
        cipher = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise MessageError("the data is not valid base64 (truncated or corrupted)") from None
    if not cipher or len(cipher) % 16:
        raise MessageError("the data is not a whole number of AES blocks (truncated)")
    key = derive_aes_key(md5.upper(), sign_key)
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    padded = decryptor.update(cipher) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise SignatureMismatch(
            "the data does not decrypt under the key its md5 implies (tampered or wrong sign key)"
        ) from None
    try:
        text = plain.decode("utf-8")
        obj = _parse_json_keeping_number_text(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SignatureMismatch(
            "the data decrypts to something that is not JSON (tampered or wrong sign key)"
        ) from None
    if not isinstance(obj, dict):
        raise MessageError("the decrypted data is not a JSON object")
    if matching_rendering(obj, md5, text) is None:
        raise SignatureMismatch("the md5 does not match the decrypted data (tampered)")
    return obj
