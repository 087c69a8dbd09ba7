"""The OTT Pay HTTP client: one method per action, typed in and out.

Retry policy lives here and only here: payments and refunds are never retried (a failure to get a
trustworthy answer is ``OutcomeUnknownError``: query, never resend); queries retry transport
failures with backoff. TLS verification is always on and cannot be turned off.

Every call ends within ``request_seconds`` (connect timeout + read timeout), a query's retries
included, whatever the network does: the deadline is a total, not a per-read timeout
(``cashier.ottpay.transport``). ``time_limit`` bounds an operation made of several calls.

One module though long: every action's request and the checks of its answer share the one
sending path (deadlines, retries, logging, what counts as unknown), and splitting the actions
from it would spread the rule "never resend a payment" over several files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests

from cashier.money import AmountError, cents_from_wire, check_cents
from cashier.ottpay.codes import (
    OrderStatus,
    Outcome,
    classify_order_status,
    classify_rsp_code,
    is_documented_rsp_code,
    not_found_by_code,
    says_order_not_found,
)
from cashier.ottpay.connection import (
    CERTIFICATE_NOT_VERIFIED,
    DEFAULT_IDLE_TIMEOUT,
    GatewayConnection,
    certificate_problem,
    handshake_failure,
)
from cashier.ottpay.crypto import MessageError
from cashier.ottpay.envelope import Response, build_request, parse_response
from cashier.ottpay.errors import (
    GatewayMessageError,
    GatewayRejectedError,
    InsecureEndpointError,
    OrderNotFoundError,
    OttPayError,
    OutcomeUnknownError,
    RequestNotSentError,
    SignKeyRejectedError,
    TransportError,
)
from cashier.ottpay.firstcontact import PROCESS_FIRST_CONTACT, FirstContact
from cashier.ottpay.results import (
    ActivePayResult,
    ExchangeRate,
    MiniProgramPayResult,
    PayInfo,
    PaymentResult,
    RefundResult,
    StatusResult,
    classify_active_pay,
    classify_mini_program_pay,
    classify_payment,
    classify_refund,
)
from cashier.ottpay.timeparse import parse_gateway_time_or_none
from cashier.ottpay.transport import Watchdog
from cashier.wallets import Wallet, mask_code
from cashier.weburl import is_loopback_host, url_refusal

logger = logging.getLogger("cashier.ottpay")

_ORDER_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
_AUTH_CODE_RE = re.compile(r"[0-9]+")  # ASCII digits only, never another script's
_FEE_TYPE_RE = re.compile(r"[A-Za-z]{3}")
_GATEWAY_TROUBLE = frozenset({"TIMEOUT", "SYSTEM_ERROR", "DB_ERROR"})
_SIGNING_HINTS = ("md5", "sign", "decrypt", "merchant")
#: Answers whose data does not have to repeat ``order_id``: the documents do not say that a
#: STATUS_QUERY answer echoes it, so an answer without one is about the order we asked about.
_ORDER_ID_OPTIONAL = frozenset({"STATUS_QUERY"})
#: MAPPPAY (WeChat Mini-Program pay) is the one action documented with version "1.1".
MINI_PROGRAM_PAY_VERSION = "1.1"
_PAY_INFO_FIELDS = {
    "app_id": ("appId",),
    "time_stamp": ("timeStamp",),
    "nonce_str": ("nonceStr",),
    "package_str": ("packageStr", "package"),
    "sign_type": ("signType",),
    "pay_sign": ("paySign",),
}


def check_endpoint(endpoint: str) -> str:
    """Return ``endpoint`` (stripped) if it is https, or http on a loopback host; else raise."""
    text = endpoint.strip() if isinstance(endpoint, str) else ""
    refusal = url_refusal(text, "the gateway endpoint",
                          example="https://frontapi.ottpay.com/processV2")
    if refusal is not None:
        raise InsecureEndpointError(refusal)
    return text


def _check_order_id(order_id: str, what: str = "order_id") -> str:
    if not isinstance(order_id, str) or not _ORDER_ID_RE.fullmatch(order_id):
        raise ValueError(f"{what} {order_id!r} must be 1-32 letters and digits")
    return order_id


@dataclass
class _Exchange:
    """One HTTP round trip's verified answer."""

    response: Response
    http_status: int
    elapsed: float


class _Unusable(Exception):
    """Internal: no usable answer (``retryable``: a transport failure a query may retry;
    ``not_sent``: the request certainly never left, see ``RequestNotSentError``)."""

    def __init__(self, reason: str, *, retryable: bool, http_status: int | None = None,
                 rsp_code: str | None = None, rsp_msg: str | None = None,
                 elapsed: float | None = None, not_sent: bool = False) -> None:
        super().__init__(reason)
        self.not_sent = not_sent
        self.elapsed = elapsed
        self.reason = reason
        self.retryable = retryable
        self.http_status = http_status
        self.rsp_code = rsp_code
        self.rsp_msg = rsp_msg


class OttPayClient:
    """Talks to OTT Pay (or the simulator) at ``endpoint`` for one merchant."""

    def __init__(
        self,
        endpoint: str,
        merchant_id: str,
        sign_key: str,
        *,
        operator_id: str | None = None,
        terminal_no: str | None = None,
        connect_timeout: float = 3.05,
        read_timeout: float = 15.0,
        query_retries: int = 2,
        query_backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        first_contact: FirstContact = PROCESS_FIRST_CONTACT,
        ca_bundle: str | os.PathLike[str] | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``idle_timeout``: how long the gateway keeps an unused connection open; how long
        one has been unused is read from ``idle_clock`` (tests move it instead of sleeping)."""
        self.endpoint = check_endpoint(endpoint)
        if not isinstance(merchant_id, str) or not merchant_id.strip():
            raise ValueError("a merchant id is required (for example QC00005496)")
        if not isinstance(sign_key, str) or not sign_key:
            raise ValueError("a sign key is required")
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("connect and read timeouts must be positive")
        if query_retries < 0 or query_backoff < 0:
            raise ValueError("query retries and backoff cannot be negative")
        self.merchant_id = merchant_id.strip()
        self.__sign_key = sign_key
        self.operator_id = operator_id
        self.terminal_no = terminal_no
        self.timeout = (float(connect_timeout), float(read_timeout))
        self.query_retries = int(query_retries)
        self.query_backoff = float(query_backoff)
        self._sleep = sleep
        self._first_contact = first_contact
        self._watchdog = Watchdog("ottpay")
        self._local = threading.local()  # this thread's time_limit
        # A loopback simulator must never be reached through an environment proxy.
        self._connection = GatewayConnection(
            self.endpoint, watchdog=self._watchdog, ca_bundle=ca_bundle, idle_timeout=idle_timeout,
            trust_env=not is_loopback_host(urlsplit(self.endpoint).hostname), clock=idle_clock,
        )

    def __repr__(self) -> str:
        return f"OttPayClient(endpoint={self.endpoint!r}, merchant_id={self.merchant_id!r})"

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def request_seconds(self) -> float:
        """The most any call may take: connect timeout + read timeout, in total."""
        return self.timeout[0] + self.timeout[1]

    @contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """No request starts on this thread once ``seconds`` have passed (one already started
        keeps its own limit), so an operation of several requests (a refund and its
        confirmation, a recovery) ends within ``seconds`` + ``request_seconds``. Past the
        limit a payment or refund raises ``ValueError`` (nothing sent), a query
        ``TransportError``. Nested limits: the earliest wins."""
        previous = getattr(self._local, "until", None)
        until = time.monotonic() + seconds
        self._local.until = until if previous is None else min(previous, until)
        try:
            yield
        finally:
            self._local.until = previous

    def out_of_time(self) -> bool:
        """Whether this thread's ``time_limit`` has passed (False without one)."""
        until = getattr(self._local, "until", None)
        return until is not None and time.monotonic() >= until

    def _why_not_send(self) -> str | None:
        """Why no request may start now (closed, or past this thread's time limit), if so."""
        if self._watchdog.stopped:
            return "the gateway client is closed"
        if self.out_of_time():
            return "the operation's time limit has passed"
        return None

    def abort(self) -> None:
        """End every request in flight now (their outcome is unknown; shutting down)."""
        self._watchdog.abort()

    def close(self) -> None:
        """End requests in flight and close the HTTP session (its pooled connections)."""
        self._watchdog.stop()
        self._connection.close()

    @property
    def idle_timeout(self) -> float:
        """Seconds the gateway is assumed to keep an unused connection open."""
        return self._connection.idle_timeout

    def warm_up(self) -> bool:
        """Open the gateway connection ahead of need (no request is sent); see
        ``GatewayConnection.warm_up``. ``True`` if a connection was opened now. Ends within
        the connect timeout, TCP connect and TLS handshake together, whatever the gateway does.

        Raises ``TransportError`` when the gateway cannot be reached in time or its certificate
        is not trusted (nothing was sent, so nothing is unknown)."""
        seconds = self.timeout[0]
        try:
            return self._connection.warm_up(seconds)
        except TimeoutError:
            raise TransportError(f"the gateway connection was not open within the connect "
                                 f"timeout of {seconds:g}s", action="CONNECT") from None
        except ssl.SSLError as exc:
            raise TransportError(f"{CERTIFICATE_NOT_VERIFIED} ({certificate_problem(exc)})",
                                 action="CONNECT") from None
        except OSError as exc:
            raise TransportError(f"could not connect to the gateway ({type(exc).__name__})",
                                 action="CONNECT") from None

    def __enter__(self) -> OttPayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- actions -----------------------------------------------------------------------------

    def passive_pay(
        self,
        *,
        order_id: str,
        amount_cents: int,
        auth_code: str,
        biz_type: Wallet | str,
        tip_cents: int = 0,
        operator_id: str | None = None,
        sale_num: str | None = None,
    ) -> PaymentResult:
        """Charge a scanned wallet code. Never retried; see ``OutcomeUnknownError``."""
        _check_order_id(order_id)
        check_cents(amount_cents)
        check_cents(tip_cents, allow_zero=True)
        if not isinstance(auth_code, str) or not _AUTH_CODE_RE.fullmatch(auth_code.strip()):
            raise ValueError("the payment code must be the digits scanned from the wallet")
        auth_code = auth_code.strip()
        wallet = biz_type if isinstance(biz_type, Wallet) else Wallet.parse(biz_type)
        data = {
            "operator_id": self._operator(operator_id, "PASSIVEPAY"),
            "amount": str(amount_cents),
            "auth_code": auth_code,
            "biz_type": wallet.value,
            "order_id": order_id,
            "tip": str(tip_cents),
            "sale_num": sale_num,
        }
        log_extra = {"auth_code": mask_code(auth_code), "amount": amount_cents}
        exchange = self._send_once("PASSIVEPAY", order_id, data, log_extra)
        response = exchange.response
        fields = self._payment_fields("PASSIVEPAY", order_id, exchange)
        total = fields["total_cents"]
        amount_ok = total is not None and total in (amount_cents, amount_cents + tip_cents)
        outcome = classify_payment(response.rsp_code, fields["order_status"], amount_ok)
        if fields["order_status"] is OrderStatus.SUCCESS and total is not None and not amount_ok:
            logger.warning(
                "OTT Pay PASSIVEPAY order_id=%s: gateway says paid %s cents, we asked %s: "
                "outcome unknown, query it", order_id, total, amount_cents,
            )
        return PaymentResult(
            order_id=order_id, outcome=outcome, rsp_code=response.rsp_code,
            rsp_msg=response.rsp_msg, **fields,
        )

    def active_pay(
        self,
        *,
        order_id: str,
        amount_cents: int,
        biz_type: Wallet | str,
        call_back_url: str,
        tip_cents: int = 0,
        operator_id: str | None = None,
    ) -> ActivePayResult:
        """Create an order the customer pays by scanning ``code_url``. Never retried."""
        _check_order_id(order_id)
        check_cents(amount_cents)
        check_cents(tip_cents, allow_zero=True)
        if not isinstance(call_back_url, str) or not call_back_url.strip():
            raise ValueError("ACTIVEPAY needs a call_back_url")
        wallet = biz_type if isinstance(biz_type, Wallet) else Wallet.parse(biz_type)
        data = {
            "operator_id": self._operator(operator_id, "ACTIVEPAY"),
            "amount": str(amount_cents),
            "biz_type": wallet.value,
            "call_back_url": call_back_url.strip(),
            "order_id": order_id,
            "tip": str(tip_cents),
        }
        exchange = self._send_once("ACTIVEPAY", order_id, data, {"amount": amount_cents})
        response = exchange.response
        raw = self._check_names_order(
            "ACTIVEPAY", order_id, exchange, unknown=True, required=response.rsp_code == "SUCCESS"
        )
        code_url = _text(raw.get("code_url"))
        return ActivePayResult(
            order_id=order_id,
            code_url=code_url,
            bizpay_order_id=_text(raw.get("bizpay_order_id")),
            rsp_code=response.rsp_code,
            rsp_msg=response.rsp_msg,
            outcome=classify_active_pay(response.rsp_code, code_url),
            raw=raw,
        )

    def mini_program_pay(
        self,
        *,
        order_id: str,
        amount_cents: int,
        app_id: str,
        open_id: str,
        call_back_url: str,
        tip_cents: int = 0,
        operator_id: str | None = None,
    ) -> MiniProgramPayResult:
        """Create a WeChat Mini-Program payment (MAPPPAY, version "1.1"). Never retried.

        ``app_id`` is the Mini-Program's WeChat app id, ``open_id`` the paying user's id in it.
        The answer's ``payInfo`` (a JSON object, or the same object as JSON text) is returned as
        ``PayInfo``; the payment is then reported by the callback and STATUS_QUERY as for
        ACTIVEPAY.
        """
        _check_order_id(order_id)
        check_cents(amount_cents)
        check_cents(tip_cents, allow_zero=True)
        for name, value in (("app_id", app_id), ("open_id", open_id),
                            ("call_back_url", call_back_url)):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"MAPPPAY needs a {name}")
        data = {
            "operator_id": self._operator(operator_id, "MAPPPAY"),
            "amount": str(amount_cents),
            "tip": str(tip_cents),
            "biz_type": Wallet.WECHATPAY.value,
            "app_id": app_id.strip(),
            "open_id": open_id.strip(),
            "call_back_url": call_back_url.strip(),
            "order_id": order_id,
        }
        exchange = self._send_once(
            "MAPPPAY", order_id, data, {"amount": amount_cents},
            version=MINI_PROGRAM_PAY_VERSION,
        )
        response = exchange.response
        success = response.rsp_code == "SUCCESS"
        raw = self._check_names_order("MAPPPAY", order_id, exchange, unknown=True,
                                      required=success)
        amount = self._cents_field("MAPPPAY", order_id, exchange, raw, "amount", True)
        if amount is not None and amount not in (amount_cents, amount_cents + tip_cents):
            self._untrustworthy(
                "MAPPPAY", order_id, exchange, True,
                f"the answer says {amount} cents, we asked {amount_cents}",
            )
        pay_info = None
        if raw.get("payInfo") not in (None, ""):
            try:
                pay_info = parse_pay_info(raw["payInfo"])
            except ValueError as exc:
                self._untrustworthy("MAPPPAY", order_id, exchange, True, str(exc))
        elif success:
            self._untrustworthy("MAPPPAY", order_id, exchange, True, "the answer has no payInfo")
        return MiniProgramPayResult(
            order_id=order_id,
            pay_info=pay_info,
            merchant_id=_text(raw.get("merchant_id")),
            amount_cents=amount,
            sale_num=_text(raw.get("sale_num")),
            rsp_code=response.rsp_code,
            rsp_msg=response.rsp_msg,
            outcome=classify_mini_program_pay(response.rsp_code, pay_info is not None),
            raw=raw,
        )

    def status_query(self, order_id: str) -> StatusResult:
        """Ask what happened to ``order_id``. Retries transport failures with backoff.

        Raises ``TransportError`` when no answer arrives, ``GatewayMessageError`` for an
        untrustworthy one, ``OrderNotFoundError`` when the gateway does not know the order and
        ``GatewayRejectedError`` for other refusals.
        """
        _check_order_id(order_id)
        exchange = self._send_query("STATUS_QUERY", order_id, {"order_id": order_id})
        response = exchange.response
        if response.data is None or not_found_by_code(response.rsp_code):
            self._raise_refusal("STATUS_QUERY", order_id, exchange)
        fields = self._payment_fields("STATUS_QUERY", order_id, exchange, unknown=False)
        raw = fields["raw"]
        refund = self._cents_field("STATUS_QUERY", order_id, exchange, raw, "refund_fee", False)
        status = fields.pop("order_status")
        return StatusResult(
            order_id=order_id,
            order_status=status,
            outcome=classify_order_status(status),
            refund_cents=refund or 0,
            ori_order_id=_text(raw.get("ori_order_id")),
            rsp_code=response.rsp_code,
            rsp_msg=response.rsp_msg,
            **fields,
        )

    def refund(self, *, ori_order_id: str, refund_cents: int, order_id: str) -> RefundResult:
        """Refund part or all of a paid order under the refund's own ``order_id``. Never retried.

        ACCEPTED means the gateway took it; confirm with ``status_query`` (protocol section 3).
        """
        _check_order_id(ori_order_id, "ori_order_id")
        _check_order_id(order_id)
        check_cents(refund_cents)
        data = {"ori_order_id": ori_order_id, "refund_amt": str(refund_cents), "order_id": order_id}
        exchange = self._send_once(
            "REFUND", order_id, data, {"ori_order_id": ori_order_id, "amount": refund_cents}
        )
        response = exchange.response
        raw = self._check_names_order("REFUND", order_id, exchange, unknown=True)
        ori = _text(raw.get("ori_order_id"))
        if ori is not None and ori != ori_order_id:
            self._untrustworthy(
                "REFUND", order_id, exchange, True,
                f"the answer names original order {ori!r}, not {ori_order_id!r}",
            )
        amount = self._cents_field("REFUND", order_id, exchange, raw, "refund_amt", True)
        if amount is not None and amount != refund_cents:
            self._untrustworthy(
                "REFUND", order_id, exchange, True,
                f"the answer says {amount} cents refunded, we asked {refund_cents}",
            )
        return RefundResult(
            order_id=order_id,
            ori_order_id=ori_order_id,
            refund_cents=refund_cents,
            rsp_code=response.rsp_code,
            rsp_msg=response.rsp_msg,
            outcome=classify_refund(response.rsp_code),
            order_status=OrderStatus.parse(_text(raw.get("order_status"))),
            raw=raw,
        )

    def exchange_rate(self, fee_type: str = "CAD") -> ExchangeRate:
        """The gateway's rate from ``fee_type`` to CNY. Retried like a query."""
        if not isinstance(fee_type, str) or not _FEE_TYPE_RE.fullmatch(fee_type.strip()):
            raise ValueError(f"{fee_type!r} is not a currency code like CAD")
        fee_type = fee_type.strip().upper()
        exchange = self._send_query(
            "EX_RATE_QUERY", None, {"fee_type": fee_type}, {"fee_type": fee_type}
        )
        response = exchange.response
        if response.data is None or response.rsp_code != "SUCCESS":
            self._raise_refusal("EX_RATE_QUERY", None, exchange)
        raw = dict(response.data or {})
        named = _text(raw.get("feeType") or raw.get("fee_type"))
        if named is not None and named.upper() != fee_type:
            self._untrustworthy(
                "EX_RATE_QUERY", None, exchange, False,
                f"the answer is the rate for {named!r}, not {fee_type!r}",
            )
        rate = self._cents_field("EX_RATE_QUERY", None, exchange, raw, "rate", False)
        if not rate:
            self._untrustworthy("EX_RATE_QUERY", None, exchange, False, "the answer has no rate")
        return ExchangeRate(fee_type=fee_type, rate_e8=rate, raw=raw)

    # -- sending -----------------------------------------------------------------------------

    def _operator(self, operator_id: str | None, action: str) -> str:
        chosen = operator_id or self.operator_id
        if not chosen:
            raise ValueError(
                f"{action} needs an operator id: set operator_id on the client or the call"
            )
        return chosen

    def _send_once(
        self, action: str, order_id: str, data: Mapping[str, Any], log_extra: Mapping[str, Any],
        *, version: str | None = None,
    ) -> _Exchange:
        """A payment or refund: exactly one attempt; anything untrustworthy is unknown."""
        why_not = self._why_not_send()
        if why_not:
            raise ValueError(f"{action} not sent: {why_not}")
        try:
            return self._exchange(action, order_id, data, log_extra, version=version)
        except _Unusable as exc:
            if exc.not_sent:
                raise RequestNotSentError(
                    f"{action} not sent: {exc.reason}", action=action, order_id=order_id,
                    elapsed=exc.elapsed,
                ) from None
            raise OutcomeUnknownError(
                f"{action} outcome unknown: {exc.reason}; query the order, never resend it",
                action=action, order_id=order_id, http_status=exc.http_status,
                rsp_code=exc.rsp_code, rsp_msg=exc.rsp_msg, elapsed=exc.elapsed,
            ) from None

    def _send_query(
        self, action: str, order_id: str | None, data: Mapping[str, Any],
        log_extra: Mapping[str, Any] | None = None,
    ) -> _Exchange:
        """A query: retry transport failures and gateway trouble, with exponential backoff."""
        attempts = self.query_retries + 1
        started = time.monotonic()
        deadline = started + self.request_seconds  # every attempt together
        why_not = self._why_not_send()
        if why_not:
            raise TransportError(f"{action} not sent: {why_not}", action=action,
                                 order_id=order_id)
        for attempt in range(attempts):
            try:
                exchange = self._exchange(action, order_id, data, log_extra or {},
                                          seconds=deadline - time.monotonic())
            except _Unusable as exc:
                if not exc.retryable:
                    raise GatewayMessageError(
                        f"{action} answer cannot be trusted: {exc.reason}",
                        action=action, order_id=order_id, http_status=exc.http_status,
                        elapsed=time.monotonic() - started,
                    ) from None
                failure: _Unusable | None = exc
            else:
                code = exchange.response.rsp_code.strip().upper()
                if not (exchange.response.data is None and code in _GATEWAY_TROUBLE):
                    return exchange
                failure = _Unusable(
                    f"the gateway reported {code}", retryable=True,
                    http_status=exchange.http_status, rsp_code=code,
                    rsp_msg=exchange.response.rsp_msg,
                )
            backoff = self.query_backoff * (2**attempt)
            if attempt + 1 == attempts or time.monotonic() + backoff >= deadline or \
                    self._why_not_send():
                break
            self._sleep(backoff)
        assert failure is not None
        tries = f"{attempt + 1} attempt" + ("s" if attempt else "")
        raise TransportError(
            f"{action} got no usable answer after {tries}: {failure.reason}",
            action=action, order_id=order_id, http_status=failure.http_status,
            rsp_code=failure.rsp_code, rsp_msg=failure.rsp_msg,
            elapsed=time.monotonic() - started,
        )

    def _exchange(
        self,
        action: str,
        order_id: str | None,
        data: Mapping[str, Any],
        log_extra: Mapping[str, Any],
        *,
        version: str | None = None,
        seconds: float | None = None,
    ) -> _Exchange:
        """One POST and the verified answer within ``seconds`` (default ``request_seconds``),
        logged; ``_Unusable`` when there is none."""
        envelope = build_request(
            action, self.merchant_id, data, self.__sign_key,
            operator_id=data.get("operator_id") or self.operator_id, terminal_no=self.terminal_no,
            **({"version": version} if version else {}),
        )
        extra = "".join(f" {k}={v}" for k, v in log_extra.items())
        started = time.monotonic()
        limit = self.request_seconds if seconds is None else max(seconds, 0.0)
        status: int | None = None
        try:
            try:
                with self._watchdog.watch(limit) as watch:
                    if watch.expired:  # closed: refuse before anything is sent
                        raise ValueError("the gateway client is closed; nothing was sent")
                    try:
                        reply = self._connection.post(envelope, timeout=self.timeout)
                    except Exception:
                        if not watch.expired:
                            raise
                    if watch.expired:  # failed, or (with no length given) cut short
                        raise _Unusable(
                            f"no complete answer within the request's time limit of "
                            f"{limit:g}s", retryable=True,
                        )
            except requests.Timeout as exc:
                kind = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
                raise _Unusable(
                    f"no answer within the {kind} timeout of "
                    f"{self.timeout[0 if kind == 'connect' else 1]:g}s", retryable=True,
                ) from None
            except requests.RequestException as exc:
                # Only a failed handshake proves the request never left; an SSL error met
                # later (reading the answer) is as unknown as any other failure.
                if watch.handshake_failed:
                    raise _Unusable(handshake_failure(exc), retryable=True,
                                    not_sent=True) from None
                if isinstance(exc, requests.exceptions.SSLError):
                    raise _Unusable(f"a TLS error on the connection ({certificate_problem(exc)})",
                                    retryable=True) from None
                raise _Unusable(
                    f"connection failed ({type(exc).__name__})", retryable=True
                ) from None
            status = reply.status_code
            if not 200 <= status < 300:
                raise _Unusable(f"the gateway answered HTTP {status}", retryable=True,
                                http_status=status)
            try:
                response = parse_response(reply.content, self.__sign_key)
            except MessageError as exc:
                if str(exc).startswith("the body is not JSON"):
                    kind = reply.headers.get("Content-Type", "no content type")
                    raise _Unusable(f"the answer is not JSON ({kind})", retryable=True,
                                    http_status=status) from None
                raise _Unusable(
                    f"the answer failed verification: {exc}", retryable=False, http_status=status
                ) from None
        except _Unusable as exc:
            exc.elapsed = time.monotonic() - started
            logger.warning(
                "OTT Pay %s order_id=%s%s -> no usable answer: %s (http=%s, %d ms)",
                action, order_id, extra, exc.reason, status, exc.elapsed * 1000,
            )
            raise
        elapsed = time.monotonic() - started
        order_status = (response.data or {}).get("order_status")
        logger.info(
            "OTT Pay %s order_id=%s%s -> http=%s rsp_code=%s rsp_msg=%r order_status=%s (%d ms)",
            action, order_id, extra, status, response.rsp_code, response.rsp_msg,
            order_status, elapsed * 1000,
        )
        self._note_undocumented(action, order_id, response)
        return _Exchange(response=response, http_status=status, elapsed=elapsed)

    def _note_undocumented(self, action: str, order_id: str | None, response: Response) -> None:
        """First contact: an rsp_code or order_status the documents do not list is logged once."""
        common = dict(action=action, order_id=order_id, rsp_code=response.rsp_code,
                      rsp_msg=response.rsp_msg)
        if not is_documented_rsp_code(response.rsp_code):
            self._first_contact.note("rsp_code", treated_as="an unknown outcome (query again)",
                                     **common)
        status = (response.data or {}).get("order_status")
        if status not in (None, "") and OrderStatus.parse(_text(status)) is None:
            self._first_contact.note("order_status", order_status=status,
                                     treated_as="not settled (query again)", **common)

    # -- reading answers ---------------------------------------------------------------------

    def _untrustworthy(
        self, action: str, order_id: str | None, exchange: _Exchange, unknown: bool, why: str
    ) -> NoReturn:
        """A signed answer that does not fit the request (replayed, or for someone else)."""
        logger.warning("OTT Pay %s order_id=%s: %s", action, order_id, why)
        cls: type[OttPayError] = OutcomeUnknownError if unknown else GatewayMessageError
        suffix = "; query the order, never resend it" if unknown else ""
        raise cls(
            f"{action} answer cannot be trusted: {why}{suffix}",
            action=action, order_id=order_id, rsp_code=exchange.response.rsp_code,
            rsp_msg=exchange.response.rsp_msg, http_status=exchange.http_status,
            elapsed=exchange.elapsed,
        )

    def _check_names_order(
        self, action: str, order_id: str, exchange: _Exchange, *, unknown: bool,
        required: bool = True,
    ) -> dict[str, Any]:
        """The answer's data, after checking it is about ``order_id`` (guards against replays)."""
        data = exchange.response.data
        if data is None:
            return {}
        named = _text(data.get("order_id"))
        if named is None and required and action not in _ORDER_ID_OPTIONAL:
            self._untrustworthy(action, order_id, exchange, unknown, "the answer names no order")
        if named is not None and named != order_id:
            self._untrustworthy(
                action, order_id, exchange, unknown, f"the answer is about order {named!r}"
            )
        return dict(data)

    def _cents_field(
        self, action: str, order_id: str | None, exchange: _Exchange, data: Mapping[str, Any],
        name: str, unknown: bool,
    ) -> int | None:
        value = data.get(name)
        if value in (None, ""):
            return None
        try:
            return cents_from_wire(value)
        except AmountError:
            self._untrustworthy(
                action, order_id, exchange, unknown, f"its {name} {value!r} is not whole cents"
            )

    def _payment_fields(
        self, action: str, order_id: str, exchange: _Exchange, *, unknown: bool = True
    ) -> dict[str, Any]:
        """The fields PASSIVEPAY and STATUS_QUERY share, read from verified data."""
        required = exchange.response.rsp_code == "SUCCESS"
        raw = self._check_names_order(action, order_id, exchange, unknown=unknown,
                                      required=required)

        def cents(name: str) -> int | None:
            return self._cents_field(action, order_id, exchange, raw, name, unknown)

        return {
            "order_status": OrderStatus.parse(_text(raw.get("order_status"))),
            "total_cents": cents("total_amount"),
            "receive_cents": cents("receive_amount"),
            "pay_cents": cents("pay_amount"),
            "tip_cents": cents("tip"),
            "trade_time": parse_gateway_time_or_none(raw.get("trade_time")),
            "buyer_login_id": _text(raw.get("buyer_login_id")),
            "bizpay_order_id": _text(raw.get("bizpay_order_id")),
            "raw": raw,
        }

    def _raise_refusal(self, action: str, order_id: str | None, exchange: _Exchange) -> NoReturn:
        """A query answered without data: not found, a bad request, or our key is wrong."""
        response = exchange.response
        code = response.rsp_code.strip().upper()
        msg = response.rsp_msg or ""
        common: dict[str, Any] = dict(
            action=action, order_id=order_id, rsp_code=response.rsp_code, rsp_msg=msg,
            http_status=exchange.http_status, elapsed=exchange.elapsed,
        )
        lowered = msg.lower()
        if order_id is not None and says_order_not_found(code, msg):
            if not not_found_by_code(code):
                # Recognised by its wording only: worth learning the real code and text.
                self._first_contact.note(
                    "wording of 'order not found'", action=action, order_id=order_id,
                    rsp_code=response.rsp_code, rsp_msg=msg, treated_as="order not found",
                    level=logging.INFO,
                )
            raise OrderNotFoundError(f"the gateway does not know order {order_id}", **common)
        if classify_rsp_code(code) is Outcome.REJECTED and any(
            hint in lowered for hint in _SIGNING_HINTS
        ):
            raise SignKeyRejectedError(
                "the gateway could not verify our request: check the merchant id and sign key",
                **common,
            )
        if code == "SUCCESS":
            raise GatewayMessageError(f"{action} answer has no data", **common)
        if is_documented_rsp_code(code) and code not in _GATEWAY_TROUBLE and \
                classify_rsp_code(code) is not Outcome.REJECTED:  # undocumented: logged already
            self._first_contact.note(
                "refusal", action=action, order_id=order_id, rsp_code=response.rsp_code,
                rsp_msg=msg, treated_as="not an answer about the order (ask again)",
            )
        raise GatewayRejectedError(f"the gateway refused the {action}", **common)


def parse_pay_info(value: Any) -> PayInfo:
    """MAPPPAY's ``payInfo``, given as a JSON object or as JSON text; ``ValueError`` if it
    is neither or lacks a field."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError("its payInfo is text but not JSON") from None
    if not isinstance(value, Mapping):
        raise ValueError("its payInfo is not an object")
    fields: dict[str, str] = {}
    for name, keys in _PAY_INFO_FIELDS.items():
        found = next((value[k] for k in keys if value.get(k) not in (None, "")), None)
        if found is None or isinstance(found, Mapping | list | bool):
            raise ValueError(f"its payInfo has no usable {keys[0]}")
        fields[name] = str(found)
    return PayInfo(**fields)


def _text(value: Any) -> str | None:
    """A data value as text, ``None`` for missing/empty."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text != "" else None
