"""The simulated gateway's actions: each request verified and answered against the order book.

``Gateway.process(body)`` takes a request body as bytes and returns an ``Answer`` (what to say and
how to deliver it); the HTTP server only renders answers and sleeps where told to. Every public
method takes the gateway's lock, so one instance is safe to share between request threads.
Its parts live beside it: ``wire`` (request checks, answer data), ``orders`` (what is held about an
order, expiry), ``customer`` (the simulated customer's payment and its callback), ``links``
(payment links, ``wapPay``). What stays here is one short method per action over the order
book they all share under one lock.

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

import hashlib
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cashier.ottpay.codes import OrderStatus
from cashier.simulator.customer import CallbackJob, CustomerPayError, paid_callback
from cashier.simulator.envelope import Request
from cashier.simulator.links import PaymentLinkError, read_payment_link, return_location
from cashier.simulator.orders import (
    BEIJING,
    CUSTOMER_PAID_ACTIONS,
    DEFAULT_UNPAID_LIFETIME_SECONDS,
    OrderSnapshot,
    expired,
)
from cashier.simulator.readings import DEMO, Reading
from cashier.simulator.scenarios import Scenario, scenario_for
from cashier.simulator.wire import (
    ORDER_ID_RE,
    Answer,
    Fault,
    Rejected,
    biz_type,
    cents,
    optional,
    payment_data,
    refund_data,
    require,
    shaped,
    verify_request,
)
from cashier.wallets import PaymentCodeError, Wallet, classify_payment_code

logger = logging.getLogger("cashier.simulator")

DEFAULT_EXCHANGE_RATES: dict[str, int] = {"CAD": 520_000_000, "USD": 710_000_000}

_BIZPAY_PREFIX = {Wallet.WECHATPAY: "WX", Wallet.ALIPAY: "AL", Wallet.UNIONPAY: "UP"}


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
            request = verify_request(body, self.config.merchant_id, self.config.sign_key,
                                     self.config.reading)
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
            answer = replace(answer, data=shaped(answer.data, self.config.reading))
        # Only ids and codes: the auth_code and the sign key never reach the log.
        logger.info(
            "simulator %s order_id=%s -> %s %s", request.action[:20],
            str(request.data.get("order_id") or request.data.get("ori_order_id") or "")[:40],
            answer.rsp_code, answer.rsp_msg,
        )
        return answer

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
        order_id = optional(data, "order_id")
        if not order_id:  # optional on the wire: the gateway makes one up
            order_id = f"SIM{self._clock():%Y%m%d%H%M%S}{next(self._serial):06d}"
        if not ORDER_ID_RE.fullmatch(order_id):
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
        amount = cents(require(data, "amount"), "amount")
        tip = cents(optional(data, "tip") or "0", "tip", allow_zero=True)
        wallet = biz_type(data)
        auth_code = require(data, "auth_code")
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
        return Answer(rsp_code, rsp_msg, payment_data(order), delay, fault)

    def _active_pay(self, request: Request) -> Answer:
        data = request.data
        self._operator_id(request)
        amount = cents(require(data, "amount"), "amount")
        tip = cents(optional(data, "tip") or "0", "tip", allow_zero=True)
        wallet = biz_type(data)
        url = require(data, "call_back_url")
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
        amount = cents(require(data, "amount"), "amount")
        tip = cents(optional(data, "tip") or "0", "tip", allow_zero=True)
        if biz_type(data) is not Wallet.WECHATPAY:
            raise Rejected("PARAM_INVALID", "MAPPPAY biz_type must be WECHATPAY")
        if self.config.reading.mapppay_as_example and not data.get("app_id"):
            app_id = require(data, "appId")  # seed 003's example: appId, no open_id
        else:
            app_id = require(data, "app_id")
            require(data, "open_id")
        url = require(data, "call_back_url")
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
        order_id = require(request.data, "order_id")
        order = self._orders.get(order_id)
        if order is None or (order.action == "REFUND" and not reading.refunds_queryable):
            raise Rejected(reading.not_found_code, reading.not_found_msg)
        order = self._settle_on_query(replace(order, queries=order.queries + 1))
        self._orders[order_id] = order
        if order.action == "REFUND":
            data = refund_data(order)
        else:
            data = payment_data(order)
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
        return expired(order, self._clock(), qr_lifetime=self.config.qr_lifetime_seconds,
                       link_lifetime=self.config.link_lifetime_seconds)

    def _refund(self, request: Request) -> Answer:
        data = request.data
        ori_id = require(data, "ori_order_id")
        amount = cents(require(data, "refund_amt"), "refund_amt")
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
        fee_type = require(request.data, "fee_type").strip().upper()
        rate = self.config.exchange_rates.get(fee_type)
        if rate is None:
            raise Rejected("PARAM_INVALID", f"unknown currency {fee_type[:10]!r}")
        return Answer("SUCCESS", "success", {"feeType": fee_type, "rate": str(rate)})

    def _operator_id(self, request: Request) -> str:
        operator_id = optional(request.data, "operator_id") or \
            request.headers.get("operator_id", "")
        if not operator_id:
            raise Rejected("PARAM_INVALID", "missing required field operator_id")
        return operator_id

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
        return paid_callback(order, now, merchant_id=self.config.merchant_id,
                             sign_key=self.config.sign_key, reading=self.config.reading)

    # -- payment links (wapPay) ----------------------------------------------------------------

    def open_payment_link(self, params: Mapping[str, str]) -> OrderSnapshot:
        """The customer opens a ``wapPay`` link: check it and create (or find) its order.

        Raises ``PaymentLinkError`` for a link OTT Pay would refuse; the message never repeats
        the merCode.
        """
        link = read_payment_link(params, merchant_id=self.config.merchant_id,
                                 merchant_payment_key=self.config.merchant_payment_key)
        order_id, amount = link.order_id, link.amount_cents
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
                call_back_url=link.notify_url, return_url=link.return_url,
                created_at=self._clock(),
            )
            self._orders[order_id] = order
        logger.info("simulator wapPay order_id=%s opened amount=%s", order_id, amount)
        return order

    def return_location(self, order: OrderSnapshot) -> str:
        """Where the browser goes after paying a link (``cashier.simulator.links``)."""
        return return_location(order, currency=self.config.currency, reading=self.config.reading)
