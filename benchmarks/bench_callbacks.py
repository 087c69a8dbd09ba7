"""8. Callback receiver: verified callbacks per second on loopback, and under a garbage flood.

Several client threads POST pre-built, correctly signed callbacks (distinct order ids) to a
``CallbackReceiver`` whose handler counts them. Baseline: the same stdlib threading HTTP server
answering 200 without reading the body's meaning (no verification, no logging): the floor of the
HTTP layer. Then the same valid load runs while other threads send garbage (random bytes, broken
JSON, tampered md5, wrong key, foreign merchant): the valid rate under garbage is compared with
the rate without it, and every garbage request must have been answered 400.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from benchmarks.context import Context
from benchmarks.core import Row, Target
from cashier.ottpay.callbacks import CallbackReceiver, PaymentNotification
from cashier.ottpay.envelope import build_callback
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY

BENCH = "8 callback receiver"
VALID_THREADS = 4
GARBAGE_THREADS = 2


def _callback(order_id: str, *, key: str = DEMO_SIGN_KEY, merchant: str = DEMO_MERCHANT_ID,
              inner_merchant: str = DEMO_MERCHANT_ID) -> bytes:
    data = {"order_id": order_id, "amount": "1234", "tip": "0",
            "bizpay_order_id": "4200000000000000", "merchant_id": inner_merchant,
            "finish_time": "2026-11-23 15:04:05", "order_status": "success"}
    return json.dumps(build_callback("SUCCESS", "ok", merchant, data, key)).encode()


def _garbage() -> list[bytes]:
    good = json.loads(_callback("GARBAGE1"))
    tampered = dict(good, md5="0" * 32)
    swapped = dict(good, data=json.loads(_callback("GARBAGE2"))["data"])  # md5 of another body
    return [
        os.urandom(300),
        b"{not json",
        b"[]",
        json.dumps({"rsp_code": "SUCCESS"}).encode(),
        json.dumps(tampered).encode(),
        json.dumps(swapped).encode(),
        _callback("GARBAGE3", key="FEDCBA9876543210"),
        _callback("GARBAGE4", merchant="QC99999999"),
        _callback("GARBAGE5", inner_merchant="QC99999999"),
        b"\x00" * 2000,
    ]


class _Plain(BaseHTTPRequestHandler):
    """The baseline: read the body, answer 200 SUCCESS."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "7")
        self.end_headers()
        self.wfile.write(b"SUCCESS")


def _blast(url: str, bodies: list[bytes], threads: int) -> tuple[float, list[int]]:
    """POST every body (split over ``threads`` sessions); (seconds, status codes)."""
    statuses: list[int] = []
    lock = threading.Lock()
    chunks = [bodies[i::threads] for i in range(threads)]

    def worker(chunk: list[bytes]) -> None:
        got: list[int] = []
        with requests.Session() as session:
            session.trust_env = False
            for body in chunk:
                got.append(session.post(url, data=body, timeout=10).status_code)
        with lock:
            statuses.extend(got)

    workers = [threading.Thread(target=worker, args=(c,), name=f"bench-cb-{i}")
               for i, c in enumerate(chunks)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - started, statuses


def _flood(url: str, stop: threading.Event) -> tuple[list[threading.Thread], list[int]]:
    """Garbage senders that run until ``stop``; their status codes land in the returned list."""
    statuses: list[int] = []
    lock = threading.Lock()
    junk = _garbage()

    def worker(offset: int) -> None:
        got: list[int] = []
        i = offset
        with requests.Session() as session:
            session.trust_env = False
            while not stop.is_set():
                got.append(session.post(url, data=junk[i % len(junk)], timeout=10).status_code)
                i += 1
        with lock:
            statuses.extend(got)

    threads = [threading.Thread(target=worker, args=(i,), name=f"bench-garbage-{i}")
               for i in range(GARBAGE_THREADS)]
    for t in threads:
        t.start()
    return threads, statuses


def _rounds(url: str, rounds: int, per_round: int, prefix: str) -> tuple[list[float], list[int]]:
    rates: list[float] = []
    statuses: list[int] = []
    for r in range(rounds):
        bodies = [_callback(f"{prefix}{r:02d}{i:06d}") for i in range(per_round)]
        seconds, got = _blast(url, bodies, VALID_THREADS)
        rates.append(per_round / seconds)
        statuses += got
    return rates, statuses


def run(ctx: Context) -> list[Row]:
    rounds, per_round = (3, 100) if ctx.quick else (7, 400)
    seen: list[str] = []
    seen_lock = threading.Lock()

    def handler(note: PaymentNotification) -> None:
        with seen_lock:
            seen.append(note.order_id)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                               name="bench-plain-http")
    serving.start()
    try:
        plain_rates, plain_status = _rounds(
            f"http://127.0.0.1:{server.server_address[1]}/", rounds, per_round, "P")
    finally:
        server.shutdown()
        server.server_close()
        serving.join()

    with CallbackReceiver(handler, sign_key=DEMO_SIGN_KEY, merchant_id=DEMO_MERCHANT_ID) as rx:
        clean_rates, clean_status = _rounds(rx.url, rounds, per_round, "C")
        stop = threading.Event()
        flood_started = time.perf_counter()
        flood, garbage_status = _flood(rx.url, stop)
        try:
            time.sleep(0.2)  # the flood is running before the valid load starts
            dirty_rates, dirty_status = _rounds(rx.url, rounds, per_round, "G")
        finally:
            stop.set()
            for t in flood:
                t.join()
        flood_seconds = time.perf_counter() - flood_started

    valid_sent = 2 * rounds * per_round
    valid_ok = sum(1 for s in clean_status + dirty_status if s == 200)
    handled_once = len(seen) == len(set(seen)) == valid_sent
    rejected = sum(1 for s in garbage_status if s == 400)
    base = Row(BENCH, f"baseline: stdlib ThreadingHTTPServer, 200 for any body "
               f"({VALID_THREADS} client threads)", "/s", plain_rates, is_baseline=True,
               note="" if all(s == 200 for s in plain_status) else "some requests failed")
    clean = Row(BENCH, f"verified callbacks/s ({VALID_THREADS} client threads)", "/s",
                clean_rates, baseline=base)
    dirty = Row(BENCH, f"verified callbacks/s while {GARBAGE_THREADS} more threads send garbage",
                "/s", dirty_rates, baseline=clean,
                note=f"{len(garbage_status) / flood_seconds:.0f} garbage requests/s answered "
                f"meanwhile; the receiver's capacity is shared by {VALID_THREADS} valid and "
                f"{GARBAGE_THREADS} garbage senders (a garbage request costs about what a valid "
                "one does: parse, decrypt, reject)")
    kept = Row(BENCH, "valid callbacks answered 200 and handled exactly once (share)", "%",
               [100.0 * valid_ok / valid_sent if handled_once else 0.0], Target(">=", 100),
               note=f"{valid_sent} valid callbacks, half of them under the garbage flood; "
               f"handler saw {len(seen)} ({len(set(seen))} distinct)")
    garbage = Row(BENCH, "garbage requests answered 400 (share)", "%",
                  [100.0 * rejected / max(1, len(garbage_status))], Target(">=", 100),
                  note=f"{len(garbage_status)} garbage requests of {len(_garbage())} kinds "
                  "(random bytes, bad JSON, tampered/swapped md5, wrong key, foreign merchant)")
    return [base, clean, dirty, kept, garbage]
