"""1. Client overhead: STATUS_QUERY through ``OttPayClient`` vs a bare ``requests`` POST.

Both go to the same simulator on 127.0.0.1 over a kept-alive connection, alternating call by
call. The bare POST sends a body built once (the same envelope the client would send) and
neither signs, verifies nor logs; the client does all three on every call, as in the app.
"""

from __future__ import annotations

import json
import logging

import requests

from benchmarks.context import Context
from benchmarks.core import Row, Target, hot_spots, interleaved, time_calls
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.envelope import build_request, parse_response
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator, demo_code
from cashier.wallets import Wallet

BENCH = "1 client overhead"
OPERATOR = "0000000001"


def run(ctx: Context) -> list[Row]:
    n = 60 if ctx.quick else 400
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as sim, \
            OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY,
                         operator_id=OPERATOR) as client, \
            requests.Session() as bare:
        order_id = "BENCH1" + ctx.stamp
        paid = client.passive_pay(order_id=order_id, amount_cents=1234,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS),
                                  biz_type=Wallet.WECHATPAY)
        assert paid.outcome.name == "PAID", paid
        envelope = build_request("STATUS_QUERY", DEMO_MERCHANT_ID, {"order_id": order_id},
                                 DEMO_SIGN_KEY, operator_id=OPERATOR)
        body = json.dumps(envelope).encode()
        bare.trust_env = False
        headers = {"Content-Type": "application/json", "Accept": "application/json"}

        def bare_post() -> None:
            reply = bare.post(sim.url, data=body, headers=headers, timeout=(3.05, 15))
            reply.raise_for_status()
            assert reply.content

        def client_query() -> None:
            result = client.status_query(order_id)
            assert result.order_id == order_id

        client_log = logging.getLogger("cashier.ottpay")  # the client's; not the simulator's

        def client_query_unlogged() -> None:
            client_log.disabled = True
            try:
                client_query()
            finally:
                client_log.disabled = False

        answer = bare.post(sim.url, data=body, headers=headers, timeout=5).content
        samples = interleaved({"bare": bare_post, "client": client_query,
                               "unlogged": client_query_unlogged}, n)
        crypto = time_calls(lambda: (build_request("STATUS_QUERY", DEMO_MERCHANT_ID,
                                                   {"order_id": order_id}, DEMO_SIGN_KEY,
                                                   operator_id=OPERATOR),
                                     parse_response(answer, DEMO_SIGN_KEY)), n)
        base = Row(BENCH, "bare requests POST of a pre-built STATUS_QUERY body", "ms",
                   samples["bare"], is_baseline=True)
        rows = [
            base,
            Row(BENCH, "OttPayClient.status_query (sign, POST, verify, log to file)", "ms",
                samples["client"], Target("<=", 1.3, "ratio"), base),
            Row(BENCH, "OttPayClient.status_query with the client's logger disabled", "ms",
                samples["unlogged"], baseline=base,
                note="shows what the client's per-exchange log line costs"),
            Row(BENCH, "client-side CPU only: build_request + parse_response", "ms", crypto,
                baseline=base, note="the AES/MD5 envelope work, no HTTP"),
        ]
        # Close to its limit on loopback either way: always name where the client's time goes.
        extra = rows[1].median - base.median
        logged = rows[1].median - rows[2].median
        rows[1].note = (f"{extra:.2f} ms more per call than the bare POST, {logged:.2f} ms of it "
                        "the client's log line (file handler, secret-redacting filter); hot "
                        "spots over 100 calls (cProfile, own time): "
                        + hot_spots(client_query, 100))
        return rows
