"""Typed errors of the OTT Pay layer, each carrying what support needs and never the sign key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False)
class OttPayError(Exception):
    """Base of every gateway error. ``str()`` is a support-ready sentence without secrets."""

    message: str
    action: str | None = None
    order_id: str | None = None
    rsp_code: str | None = None
    rsp_msg: str | None = None
    http_status: int | None = None
    elapsed: float | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        details = [
            f"{name}={value}"
            for name, value in (
                ("action", self.action),
                ("order_id", self.order_id),
                ("rsp_code", self.rsp_code),
                ("rsp_msg", self.rsp_msg),
                ("http_status", self.http_status),
                ("elapsed", None if self.elapsed is None else f"{self.elapsed:.3f}s"),
            )
            if value not in (None, "")
        ]
        return f"{self.message} ({', '.join(details)})" if details else self.message


class InsecureEndpointError(OttPayError):
    """The configured endpoint would send payments in clear text or without TLS verification."""


class GatewayMessageError(OttPayError):
    """The gateway's answer could not be trusted: malformed, unsigned, tampered or mismatched."""


class TransportError(OttPayError):
    """No usable answer arrived: connection failure, timeout, non-2xx or non-JSON."""


class OutcomeUnknownError(TransportError):
    """A payment or refund whose outcome is unknown: it may have gone through.

    Query it, never resend it.
    """


class RequestNotSentError(TransportError):
    """A payment or refund that certainly never left: its connection failed before any byte of
    the request was written (the TLS handshake failed, e.g. the gateway's certificate is not
    trusted). Nothing can have been charged: it fails at once and is never queried."""


def not_sent_reason(rsp_code: str | None, rsp_msg: str | None) -> str | None:
    """Why a payment or refund journaled as never sent was not sent (what follows "not sent: "
    in its journaled message), or ``None`` when the gateway answered it (it has an rsp_code)."""
    if rsp_code or not rsp_msg or "not sent: " not in rsp_msg:
        return None
    return rsp_msg.split("not sent: ", 1)[1].rstrip(".")


class GatewayRejectedError(OttPayError):
    """The gateway answered with a ``rsp_code`` that refuses the request."""


class OrderNotFoundError(GatewayRejectedError):
    """A STATUS_QUERY for an order id the gateway does not know (it was never created there)."""


class SignKeyRejectedError(GatewayRejectedError):
    """The gateway could not verify our request: the merchant id or sign key is wrong."""
