"""The simulated gateway's order book and action handling: pure logic, no HTTP.

``Gateway.process(body)`` takes a request body as bytes and returns an ``Answer`` (what to say and
how to deliver it); the HTTP server only renders answers and sleeps where told to. Every public
method takes the gateway's lock, so one instance is safe to share between request threads.

Decisions where the protocol file is silent (the ones a profile can turn are in
``cashier.simulator.readings``):

- Payment data: ``total_amount`` is the order's ``amount`` (tip excluded), ``tip`` the tip,
  ``pay_amount`` and ``receive_amount`` are amount + tip (what the customer paid). Refunds are
  bounded by amount + tip.
- The N-th STATUS_QUERY of a confirming/never-settling order (N = ``confirm_after_queries`` or
  ``close_after_queries``) is the first one to report the final status.
- REFUND of an unknown original: FAIL "original order not found"; of an unpaid one: FAIL
  "original order is not paid"; more than what is left: PARAM_INVALID "refund amount exceeds
  refundable".
- ``auth_code`` must be a valid wallet code of the ``biz_type`` sent.
- MAPPPAY (WeChat Mini-Program pay) must come as version "1.1", every other action as "1.0".
  Its ``payInfo`` is a nested object (or, with ``pay_info_as_text``, the same object as JSON
  text); the order is then paid by the simulated customer like an ACTIVEPAY order.
- Unpaid QR and Mini-Program orders close (``orderclosed``) ``qr_lifetime_seconds`` after they
  were created, payment-link orders ``link_lifetime_seconds`` after the customer opened them, as a
  real gateway expires a QR; the customer can no longer pay them.
- Payment links (``wapPay``): the order is created when the customer opens the link (so a
  STATUS_QUERY before that is "order not found"), with ``biz_type`` ALIPAY and no tip. Opening
  the same link again shows the same order; the same order id with another amount is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from cashier.ottpay.codes import OrderStatus
from cashier.simulator.envelope import (
    EnvelopeError,
    Request,
    Tampered,
    body_object,
    callback_envelope,
    read_request,
)
from cashier.simulator.readings import DEMO, Reading
from cashier.simulator.scenarios import Scenario, scenario_for
from cashier.wallets import PaymentCodeError, Wallet, classify_payment_code

logger = logging.getLogger("cashier.simulator")

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

DEFAULT_EXCHANGE_RATES: dict[str, int] = {"CAD": 520_000_000, "USD": 710_000_000}

#: How long an unpaid QR or payment-link order stays payable by default (WeChat Pay's QR default).
DEFAULT_UNPAID_LIFETIME_SECONDS = 7200.0

_ORDER_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
_POSITIVE_RE = re.compile(r"[1-9][0-9]{0,11}")
_NON_NEGATIVE_RE = re.compile(r"0|[1-9][0-9]{0,11}")
_PAID = (OrderStatus.SUCCESS, OrderStatus.PARTIAL_REFUNDED, OrderStatus.FULLY_REFUNDED)
#: Orders the simulated customer pays on a page (QR, Mini-Program, payment link).
CUSTOMER_PAID_ACTIONS = ("ACTIVEPAY", "MAPPPAY", "WAPPAY")
PROTOCOL_VERSION = "1.0"
#: The version each action must come with (anything not listed: "1.0").
ACTION_VERSIONS = {"MAPPPAY": "1.1"}
#: Answer and callback fields that hold money (JSON numbers under ``Reading.numbers``).
_AMOUNT_FIELDS = frozenset({"amount", "tip", "total_amount", "receive_amount", "pay_amount",
                            "refund_fee", "refund_amt"})
_BIZPAY_PREFIX = {Wallet.WECHATPAY: "WX", Wallet.ALIPAY: "AL", Wallet.UNIONPAY: "UP"}
_BUYER = {
    Wallet.WECHATPAY: "o3_mA***9fQk", Wallet.ALIPAY: "138****8888", Wallet.UNIONPAY: "6212****1234"
}


class Fault:
    """How an answer is spoiled on the wire (magic scenarios 7777 and 8888)."""

    NONE = ""
    BAD_GATEWAY = "bad_gateway"    # HTTP 502 with an HTML body
    TAMPERED_MD5 = "tampered_md5"  # the response md5 does not match its data


@dataclass(frozen=True)
class Answer:
    """What the gateway answers one request: the envelope fields plus delivery instructions."""

    rsp_code: str
    rsp_msg: str
    data: dict[str, Any] | None = None  # values are strings, except MAPPPAY's payInfo object
    delay_seconds: float = 0.0
    fault: str = Fault.NONE


@dataclass(frozen=True)
class CallbackJob:
    """A signed callback to POST to ``url`` (``envelope`` is the JSON-ready body)."""

    order_id: str
    url: str
    envelope: dict[str, Any]


@dataclass(frozen=True)
class OrderSnapshot:
    """A copy of one order as the gateway holds it (for tests and the pay page)."""

    order_id: str
    action: str                      # PASSIVEPAY, ACTIVEPAY, MAPPPAY, WAPPAY or REFUND
    amount_cents: int                # for a refund: the refunded amount
    tip_cents: int
    biz_type: Wallet | None
    status: OrderStatus
    refunded_cents: int = 0
    bizpay_order_id: str = ""
    scenario: Scenario | None = None
    queries: int = 0                 # STATUS_QUERYs answered for this order
    auth_code: str = ""
    call_back_url: str = ""
    code_url: str = ""
    ori_order_id: str = ""           # refunds: the payment refunded
    refund_ids: tuple[str, ...] = ()  # payments: their refunds, in order
    created_at: datetime | None = None
    paid_at: datetime | None = None
    return_url: str = ""             # payment links: where the browser goes after paying

    @property
    def is_paid(self) -> bool:
        return self.action != "REFUND" and self.status in _PAID

    @property
    def refundable_cents(self) -> int:
        return self.amount_cents + self.tip_cents - self.refunded_cents if self.is_paid else 0


class Rejected(Exception):
    """Ends handling of a request with a non-SUCCESS answer (internal control flow)."""

    def __init__(self, rsp_code: str, rsp_msg: str) -> None:
        super().__init__(rsp_msg)
        self.answer = Answer(rsp_code, rsp_msg)


class CustomerPayError(ValueError):
    """The simulated customer cannot pay this order (unknown, not an ACTIVEPAY, not payable)."""


class PaymentLinkError(ValueError):
    """A ``wapPay`` link the gateway refuses (wrong merCode or merchant, bad amount or URL)."""


@dataclass
class GatewayConfig:
    """The knobs of the simulated gateway (see ``Simulator`` for their meaning)."""

    merchant_id: str
    sign_key: str
    confirm_after_queries: int = 2
    close_after_queries: int = 3
    slow_response_seconds: float = 3.0
    exchange_rates: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_EXCHANGE_RATES))
    active_close_after_queries: int | None = None  # also close unpaid QRs after this many queries
    qr_lifetime_seconds: float | None = DEFAULT_UNPAID_LIFETIME_SECONDS  # None: never expire
    link_lifetime_seconds: float | None = DEFAULT_UNPAID_LIFETIME_SECONDS
    base_url: str = "http://127.0.0.1"
    merchant_payment_key: str = ""   # the merCode payment links must carry ("" = links off)
    pay_info_as_text: bool = False   # MAPPPAY payInfo as JSON text instead of an object
    currency: str = "CAD"            # reported on payment-link return URLs
    reading: Reading = DEMO          # the profile: how open questions are answered


def _require(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None or value == "":
        raise Rejected("PARAM_INVALID", f"missing required field {name}")
    if not isinstance(value, str):
        raise Rejected("PARAM_INVALID", f"{name} must be a string")
    return value


def _optional(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejected("PARAM_INVALID", f"{name} must be a string")
    return value


def _cents(text: str, name: str, *, allow_zero: bool = False) -> int:
    pattern = _NON_NEGATIVE_RE if allow_zero else _POSITIVE_RE
    if not pattern.fullmatch(text):
        kind = "a non-negative" if allow_zero else "a positive"
        raise Rejected("PARAM_INVALID", f"{name} must be {kind} integer number of cents")
    return int(text)


def _biz_type(data: Mapping[str, Any]) -> Wallet:
    text = _require(data, "biz_type")
    try:
        return Wallet(text)
    except ValueError:
        raise Rejected("PARAM_INVALID", f"unknown biz_type {text[:20]!r}") from None


def _wire_time(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S") if moment else ""


class Gateway:
    """The order book of one merchant and the answer to every action."""

    def __init__(self, config: GatewayConfig, *, clock: Callable[[], datetime] | None = None):
        self.config = config
        self._clock = clock or (lambda: datetime.now(BEIJING))
        self._lock = threading.Lock()
        self._orders: dict[str, OrderSnapshot] = {}
        self._requests: list[Request] = []
        self._serial = itertools.count(1)

    # -- reading -------------------------------------------------------------------------------

    def order(self, order_id: str) -> OrderSnapshot | None:
        with self._lock:
            return self._orders.get(order_id)

    def orders(self) -> list[OrderSnapshot]:
        with self._lock:
            return list(self._orders.values())

    def export_state(self) -> tuple[list[OrderSnapshot], int]:
        """The order book and the next serial number (for ``cashier.simulator.state``)."""
        with self._lock:
            serial = next(self._serial)
            self._serial = itertools.count(serial)
            return list(self._orders.values()), serial

    def import_state(self, orders: list[OrderSnapshot], serial: int) -> None:
        """Replace the order book with one saved by ``export_state``."""
        with self._lock:
            self._orders = {order.order_id: order for order in orders}
            self._serial = itertools.count(serial)

    def requests(self, order_id: str | None = None, action: str | None = None) -> list[Request]:
        """Every verified request, in arrival order, optionally filtered."""
        with self._lock:
            found = list(self._requests)
        if action is not None:
            found = [r for r in found if r.action == action]
        if order_id is not None:
            found = [r for r in found if r.data.get("order_id") == order_id]
        return found

    # -- the wire ------------------------------------------------------------------------------

    def process(self, body: bytes | str) -> Answer:
        """Verify a request body and answer it. Never raises for anything a client can send."""
        try:
            request = self._verify(body)
        except Rejected as exc:
            answer = exc.answer
            logger.info("simulator rejected a request: %s %s", answer.rsp_code, answer.rsp_msg)
            return exc.answer
        with self._lock:
            self._requests.append(request)
            try:
                answer = self._dispatch(request)
            except Rejected as exc:
                answer = exc.answer
        if answer.data is not None:
            answer = replace(answer, data=self._shaped(answer.data))
        # Only ids and codes: the auth_code and the sign key never reach the log.
        logger.info(
            "simulator %s order_id=%s -> %s %s", request.action[:20],
            str(request.data.get("order_id") or request.data.get("ori_order_id") or "")[:40],
            answer.rsp_code, answer.rsp_msg,
        )
        return answer

    def _verify(self, body: bytes | str) -> Request:
        try:
            envelope = body_object(body)
        except EnvelopeError as exc:
            raise Rejected("PARAM_INVALID", f"invalid request: {exc}") from None
        merchant_id = envelope.get("merchant_id")
        if not isinstance(merchant_id, str) or not merchant_id:
            raise Rejected("PARAM_INVALID", "invalid request: missing merchant_id")
        if merchant_id != self.config.merchant_id:
            raise Rejected("PARAM_INVALID", "unknown merchant_id")
        try:
            request = read_request(body, self.config.sign_key)
        except Tampered as exc:
            raise Rejected("PARAM_INVALID", f"md5 verification failed: {exc}") from None
        except EnvelopeError as exc:
            raise Rejected("PARAM_INVALID", f"invalid request: {exc}") from None
        expected = ACTION_VERSIONS.get(request.action, PROTOCOL_VERSION)
        if request.action == "MAPPPAY" and self.config.reading.mapppay_as_example and \
                request.version == PROTOCOL_VERSION:
            expected = PROTOCOL_VERSION  # seed 003's example sends "1.0"
        if request.version != expected:
            hint = (f" for {request.action} (expected {expected!r})"
                    if request.action in ACTION_VERSIONS else "")
            raise Rejected("PARAM_INVALID", f"unsupported version {request.version[:10]!r}{hint}")
        return request

    def _dispatch(self, request: Request) -> Answer:
        handler = {
            "PASSIVEPAY": self._passive_pay,
            "ACTIVEPAY": self._active_pay,
            "MAPPPAY": self._mini_program_pay,
            "STATUS_QUERY": self._status_query,
            "REFUND": self._refund,
            "EX_RATE_QUERY": self._exchange_rate,
        }.get(request.action)
        if handler is None:
            raise Rejected("PARAM_INVALID", "unknown action")
        return handler(request)

    # -- actions (called with the lock held) ---------------------------------------------------

    def _new_order_id(self, data: Mapping[str, Any]) -> str:
        order_id = _optional(data, "order_id")
        if not order_id:  # optional on the wire: the gateway makes one up
            order_id = f"SIM{self._clock():%Y%m%d%H%M%S}{next(self._serial):06d}"
        if not _ORDER_ID_RE.fullmatch(order_id):
            raise Rejected("PARAM_INVALID", "order_id must be 1-32 letters or digits")
        existing = self._orders.get(order_id)
        if existing is not None:
            if existing.is_paid:
                raise Rejected("ORDER_PAID", "order already paid")
            raise Rejected("ORDER_USED", "order id already used")
        return order_id

    def _bizpay_id(self, wallet: Wallet | None) -> str:
        prefix = _BIZPAY_PREFIX.get(wallet, "RF") if wallet else "RF"
        return f"{prefix}{self._clock():%Y%m%d}{next(self._serial):010d}"

    def _passive_pay(self, request: Request) -> Answer:
        data = request.data
        self._operator_id(request)
        amount = _cents(_require(data, "amount"), "amount")
        tip = _cents(_optional(data, "tip") or "0", "tip", allow_zero=True)
        wallet = _biz_type(data)
        auth_code = _require(data, "auth_code")
        try:
            code_wallet = classify_payment_code(auth_code)
        except PaymentCodeError:
            raise Rejected("PARAM_INVALID", "auth_code is not a valid payment code") from None
        if code_wallet is not wallet:
            raise Rejected(
                "PARAM_INVALID",
                f"auth_code is a {code_wallet.value} code but biz_type is {wallet.value}",
            )
        order_id = self._new_order_id(data)
        scenario = scenario_for(auth_code)
        now = self._clock()
        order = OrderSnapshot(
            order_id=order_id, action="PASSIVEPAY", amount_cents=amount, tip_cents=tip,
            biz_type=wallet, status=OrderStatus.NOTPAY, bizpay_order_id=self._bizpay_id(wallet),
            scenario=scenario, auth_code=auth_code, created_at=now,
        )
        rsp_code, rsp_msg, delay, fault = "SUCCESS", "success", 0.0, Fault.NONE
        if scenario in (Scenario.CONFIRM_SUCCESS, Scenario.CONFIRM_FAILURE, Scenario.NEVER_SETTLES):
            rsp_code, rsp_msg = "PROCESSING", "waiting for the customer to confirm"
        elif scenario is Scenario.WRONG_PASSWORD:
            rsp_code, rsp_msg = "PWD_INCORRECT", "wallet password incorrect, customer retrying"
        elif scenario is Scenario.DECLINED:
            rsp_code, rsp_msg = "FAIL", "payment declined"
            order = replace(order, status=OrderStatus.FAILURE)
        else:
            order = replace(order, status=OrderStatus.SUCCESS, paid_at=now)
            if scenario is Scenario.SLOW_RESPONSE:
                delay = self.config.slow_response_seconds
            elif scenario is Scenario.BAD_GATEWAY:
                fault = Fault.BAD_GATEWAY
            elif scenario is Scenario.TAMPERED_MD5:
                fault = Fault.TAMPERED_MD5
        self._orders[order_id] = order
        return Answer(rsp_code, rsp_msg, self._payment_data(order), delay, fault)

    def _active_pay(self, request: Request) -> Answer:
        data = request.data
        self._operator_id(request)
        amount = _cents(_require(data, "amount"), "amount")
        tip = _cents(_optional(data, "tip") or "0", "tip", allow_zero=True)
        wallet = _biz_type(data)
        url = _require(data, "call_back_url")
        if not re.match(r"https?://[^\s/]+", url):
            raise Rejected("PARAM_INVALID", "call_back_url must be an http(s) URL")
        order_id = self._new_order_id(data)
        order = OrderSnapshot(
            order_id=order_id, action="ACTIVEPAY", amount_cents=amount, tip_cents=tip,
            biz_type=wallet, status=OrderStatus.NOTPAY, bizpay_order_id=self._bizpay_id(wallet),
            call_back_url=url, code_url=f"{self.config.base_url}/pay/{order_id}",
            created_at=self._clock(),
        )
        self._orders[order_id] = order
        return Answer("SUCCESS", "success", {
            "order_id": order_id, "code_url": order.code_url,
            "bizpay_order_id": order.bizpay_order_id,
        })

    def _mini_program_pay(self, request: Request) -> Answer:
        data = request.data
        self._operator_id(request)
        amount = _cents(_require(data, "amount"), "amount")
        tip = _cents(_optional(data, "tip") or "0", "tip", allow_zero=True)
        if _biz_type(data) is not Wallet.WECHATPAY:
            raise Rejected("PARAM_INVALID", "MAPPPAY biz_type must be WECHATPAY")
        if self.config.reading.mapppay_as_example and not data.get("app_id"):
            app_id = _require(data, "appId")  # seed 003's example: appId, no open_id
        else:
            app_id = _require(data, "app_id")
            _require(data, "open_id")
        url = _require(data, "call_back_url")
        if not re.match(r"https?://[^\s/]+", url):
            raise Rejected("PARAM_INVALID", "call_back_url must be an http(s) URL")
        order_id = self._new_order_id(data)
        now = self._clock()
        order = OrderSnapshot(
            order_id=order_id, action="MAPPPAY", amount_cents=amount, tip_cents=tip,
            biz_type=Wallet.WECHATPAY, status=OrderStatus.NOTPAY,
            bizpay_order_id=self._bizpay_id(Wallet.WECHATPAY), call_back_url=url,
            code_url=f"{self.config.base_url}/pay/{order_id}", created_at=now,
        )
        self._orders[order_id] = order
        pay_info = self._pay_info(app_id, order, now)
        return Answer("SUCCESS", "success", {
            "payInfo": (json.dumps(pay_info, separators=(",", ":"))
                        if self.config.pay_info_as_text else pay_info),
            "merchant_id": self.config.merchant_id,
            "order_id": order_id,
            "amount": str(amount),
            "sale_num": f"{next(self._serial):012d}",
        })

    def _pay_info(self, app_id: str, order: OrderSnapshot, now: datetime) -> dict[str, str]:
        """Plausible WeChat ``requestPayment`` arguments (the simulator is not WeChat)."""
        nonce = hashlib.md5(f"{order.order_id}{next(self._serial)}".encode()).hexdigest()
        fields = {
            "appId": app_id,
            "timeStamp": str(int(now.timestamp())),
            "nonceStr": nonce.upper(),
            "packageStr": f"prepay_id=wx{now:%d%H%M%S}{order.bizpay_order_id[-10:]}",
            "signType": "MD5",
        }
        text = "&".join(f"{k}={v}" for k, v in sorted(fields.items())) + "&key=SIMULATOR"
        return {**fields, "paySign": hashlib.md5(text.encode()).hexdigest().upper()}

    def _status_query(self, request: Request) -> Answer:
        reading = self.config.reading
        order_id = _require(request.data, "order_id")
        order = self._orders.get(order_id)
        if order is None or (order.action == "REFUND" and not reading.refunds_queryable):
            raise Rejected(reading.not_found_code, reading.not_found_msg)
        order = self._settle_on_query(replace(order, queries=order.queries + 1))
        self._orders[order_id] = order
        if order.action == "REFUND":
            data = self._refund_data(order)
        else:
            data = self._payment_data(order)
        if not reading.query_echoes_order_id:
            del data["order_id"]
        return Answer("SUCCESS", "success", data)

    def _settle_on_query(self, order: OrderSnapshot) -> OrderSnapshot:
        if order.status is not OrderStatus.NOTPAY:
            return order
        cfg, scenario = self.config, order.scenario
        if order.action in CUSTOMER_PAID_ACTIONS:
            limit = cfg.active_close_after_queries
            if limit is not None and order.queries >= limit:
                return replace(order, status=OrderStatus.ORDERCLOSED)
            return self._expired(order)
        if scenario in (Scenario.CONFIRM_SUCCESS, Scenario.WRONG_PASSWORD):
            if order.queries >= cfg.confirm_after_queries:
                return replace(order, status=OrderStatus.SUCCESS, paid_at=self._clock())
        elif scenario is Scenario.CONFIRM_FAILURE:
            if order.queries >= cfg.confirm_after_queries:
                return replace(order, status=OrderStatus.FAILURE)
        elif scenario is Scenario.NEVER_SETTLES and order.queries >= cfg.close_after_queries:
            return replace(order, status=OrderStatus.ORDERCLOSED)
        return order

    def _expired(self, order: OrderSnapshot) -> OrderSnapshot:
        """``order`` closed if it is an unpaid customer-paid order past its lifetime."""
        cfg = self.config
        lifetime = cfg.link_lifetime_seconds if order.action == "WAPPAY" else \
            cfg.qr_lifetime_seconds
        if order.status is not OrderStatus.NOTPAY or lifetime is None or order.created_at is None:
            return order
        if self._clock() - order.created_at < timedelta(seconds=lifetime):
            return order
        return replace(order, status=OrderStatus.ORDERCLOSED)

    def _refund(self, request: Request) -> Answer:
        data = request.data
        ori_id = _require(data, "ori_order_id")
        amount = _cents(_require(data, "refund_amt"), "refund_amt")
        original = self._orders.get(ori_id)
        if original is None:
            raise Rejected("FAIL", "original order not found")
        if original.action == "REFUND":
            raise Rejected("FAIL", "original order is a refund, not a payment")
        if not original.is_paid:
            raise Rejected("FAIL", f"original order is not paid (status {original.status.value})")
        order_id = self._new_order_id(data)
        if amount > original.refundable_cents:
            raise Rejected("PARAM_INVALID", "refund amount exceeds refundable")
        refunded = original.refunded_cents + amount
        full = refunded == original.amount_cents + original.tip_cents
        self._orders[ori_id] = replace(
            original, refunded_cents=refunded, refund_ids=(*original.refund_ids, order_id),
            status=OrderStatus.FULLY_REFUNDED if full else OrderStatus.PARTIAL_REFUNDED,
        )
        now = self._clock()
        refund = OrderSnapshot(
            order_id=order_id, action="REFUND", amount_cents=amount, tip_cents=0,
            biz_type=original.biz_type, status=OrderStatus.SUCCESS,
            bizpay_order_id=self._bizpay_id(None), ori_order_id=ori_id, created_at=now, paid_at=now,
        )
        self._orders[order_id] = refund
        return Answer("SUCCESS", "success", {
            "order_id": order_id, "ori_order_id": ori_id, "refund_amt": str(amount),
            "order_status": OrderStatus.SUCCESS.value,
        })

    def _exchange_rate(self, request: Request) -> Answer:
        fee_type = _require(request.data, "fee_type").strip().upper()
        rate = self.config.exchange_rates.get(fee_type)
        if rate is None:
            raise Rejected("PARAM_INVALID", f"unknown currency {fee_type[:10]!r}")
        return Answer("SUCCESS", "success", {"feeType": fee_type, "rate": str(rate)})

    def _operator_id(self, request: Request) -> str:
        operator_id = _optional(request.data, "operator_id") or \
            request.headers.get("operator_id", "")
        if not operator_id:
            raise Rejected("PARAM_INVALID", "missing required field operator_id")
        return operator_id

    # -- data ----------------------------------------------------------------------------------

    def _payment_data(self, order: OrderSnapshot) -> dict[str, str]:
        paid = order.status in _PAID
        total = order.amount_cents + order.tip_cents
        data = {
            "order_id": order.order_id,
            "order_status": order.status.value,
            "trade_time": _wire_time(order.paid_at or order.created_at),
            "buyer_login_id": _BUYER.get(order.biz_type, "") if paid and order.biz_type else "",
            "total_amount": str(order.amount_cents),
            "receive_amount": str(total),
            "pay_amount": str(total),
            "tip": str(order.tip_cents),
            "bizpay_order_id": order.bizpay_order_id,
        }
        if order.refunded_cents:
            data["refund_fee"] = str(order.refunded_cents)
        return data

    def _refund_data(self, refund: OrderSnapshot) -> dict[str, str]:
        amount = str(refund.amount_cents)
        return {
            "order_id": refund.order_id,
            "ori_order_id": refund.ori_order_id,
            "order_status": refund.status.value,
            "trade_time": _wire_time(refund.paid_at),
            "total_amount": amount,
            "receive_amount": amount,
            "pay_amount": amount,
            "refund_amt": amount,
            "refund_fee": amount,
            "bizpay_order_id": refund.bizpay_order_id,
        }

    # -- the simulated customer ----------------------------------------------------------------

    def customer_pays(self, order_id: str) -> CallbackJob:
        """Pay an ACTIVEPAY order as its customer; returns the callback to deliver."""
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise CustomerPayError(f"order {order_id!r} not found")
            if order.action not in CUSTOMER_PAID_ACTIONS:
                raise CustomerPayError(
                    f"order {order_id!r} is not a QR, Mini-Program or payment-link order"
                )
            order = self._orders[order_id] = self._expired(order)
            if order.status is not OrderStatus.NOTPAY:
                raise CustomerPayError(f"order {order_id!r} is {order.status.value}, not payable")
            now = self._clock()
            order = replace(order, status=OrderStatus.SUCCESS, paid_at=now)
            self._orders[order_id] = order
        reading = self.config.reading
        amount = order.amount_cents + (order.tip_cents if reading.callback_amount_includes_tip
                                       else 0)
        data: dict[str, Any] = {
            "order_id": order.order_id,
            "amount": str(amount),
            "tip": str(order.tip_cents),
            "bizpay_order_id": order.bizpay_order_id,
            "merchant_id": self.config.merchant_id,
            "finish_time": now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        }
        if not reading.seed_return_notify:  # the seed's notify documents no order_status
            data["order_status"] = OrderStatus.SUCCESS.value
        envelope = callback_envelope(
            "SUCCESS", "success", self.config.merchant_id, self._shaped(data),
            self.config.sign_key, reading.numbers or "plain",
        )
        return CallbackJob(order_id=order_id, url=order.call_back_url, envelope=envelope)

    def _shaped(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Answer or callback data as the reading writes it (amounts as numbers, or strings)."""
        if not self.config.reading.numbers:
            return dict(data)
        return {k: int(v) if k in _AMOUNT_FIELDS and isinstance(v, str) and v.isdigit() else v
                for k, v in data.items()}

    # -- payment links (wapPay) ----------------------------------------------------------------

    def open_payment_link(self, params: Mapping[str, str]) -> OrderSnapshot:
        """The customer opens a ``wapPay`` link: check it and create (or find) its order.

        Raises ``PaymentLinkError`` for a link OTT Pay would refuse; the message never repeats
        the merCode.
        """
        def need(name: str) -> str:
            value = (params.get(name) or "").strip()
            if not value:
                raise PaymentLinkError(f"the link has no {name}")
            return value

        key = need("merCode")
        if not self.config.merchant_payment_key or key != self.config.merchant_payment_key:
            raise PaymentLinkError("merCode is not this merchant's payment key")
        if need("merchantId") != self.config.merchant_id:
            raise PaymentLinkError("unknown merchantId")
        order_id = need("orderId")
        if not _ORDER_ID_RE.fullmatch(order_id):
            raise PaymentLinkError("orderId must be 1-32 letters or digits")
        if not re.fullmatch(r"\d{10}", need("operId")):
            raise PaymentLinkError("operId must be 10 digits")
        amount_text = need("amount")
        if not _POSITIVE_RE.fullmatch(amount_text):
            raise PaymentLinkError("amount must be a positive integer number of cents")
        urls = {}
        for name in ("returnURL", "notifyURL"):
            try:
                urls[name] = _decode_link_url(need(name))
            except ValueError:
                raise PaymentLinkError(f"{name} is not base64-encoded text") from None
            if not re.match(r"https?://[^\s/]+", urls[name]):
                raise PaymentLinkError(f"{name} is not an http(s) URL once decoded")
        amount = int(amount_text)
        with self._lock:
            existing = self._orders.get(order_id)
            if existing is not None:
                if existing.action == "WAPPAY" and existing.amount_cents == amount:
                    return existing  # the customer opened the same link again
                raise PaymentLinkError("orderId already used")
            order = OrderSnapshot(
                order_id=order_id, action="WAPPAY", amount_cents=amount, tip_cents=0,
                biz_type=Wallet.ALIPAY, status=OrderStatus.NOTPAY,
                bizpay_order_id=self._bizpay_id(Wallet.ALIPAY),
                call_back_url=urls["notifyURL"], return_url=urls["returnURL"],
                created_at=self._clock(),
            )
            self._orders[order_id] = order
        logger.info("simulator wapPay order_id=%s opened amount=%s", order_id, amount)
        return order

    def return_location(self, order: OrderSnapshot) -> str:
        """Where the browser goes after paying a link: ``return_url`` plus Alipay's fields.

        ``sign`` is a stand-in for Alipay's RSA signature: like the real one, nothing the
        terminal holds can verify it. By default ``out_trade_no`` is our order id and
        ``trade_no`` the gateway's order number; under ``Reading.seed_return_notify`` they are
        as in seed 002's example: ``out_trade_no`` the gateway's order number (``AL…``) and
        ``trade_no`` Alipay's own (28 digits), in the example's order.
        """
        status = "TRADE_FINISHED" if order.is_paid else "WAIT_BUYER_PAY"
        total = order.amount_cents + order.tip_cents
        fake_rsa = hashlib.sha256(f"{order.order_id}{order.bizpay_order_id}{total}".encode())
        sign = base64.b64encode(fake_rsa.digest() * 8).decode("ascii")
        fee = f"{total // 100}.{total % 100:02d}"
        if self.config.reading.seed_return_notify:
            fields = {"currency": self.config.currency, "out_trade_no": order.bizpay_order_id,
                      "total_fee": fee, "trade_no": _alipay_trade_no(order),
                      "trade_status": status, "sign": sign, "sign_type": "RSA"}
        else:
            fields = {"total_fee": fee, "trade_no": order.bizpay_order_id,
                      "out_trade_no": order.order_id, "trade_status": status,
                      "currency": self.config.currency, "sign": sign, "sign_type": "RSA"}
        separator = "&" if "?" in order.return_url else "?"
        return f"{order.return_url}{separator}{urlencode(fields)}"


def _alipay_trade_no(order: OrderSnapshot) -> str:
    """A stable Alipay-style trade number (date, ``22001``, 15 digits) for an order."""
    day = (order.paid_at or order.created_at or datetime(2020, 1, 1, tzinfo=BEIJING))
    digits = int(hashlib.sha256(order.order_id.encode()).hexdigest(), 16) % 10**15
    return f"{day.astimezone(BEIJING):%Y%m%d}22001{digits:015d}"


def _decode_link_url(value: str) -> str:
    """A ``returnURL``/``notifyURL`` value: standard or URL-safe base64, padding optional."""
    compact = "".join(value.split()).replace("-", "+").replace("_", "/")
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not base64 text") from None
