"""Answer shapes the simulator cannot produce, from a tiny stdlib server on 127.0.0.1.

Non-JSON and non-2xx answers, answers signed with another key or naming another order, gateway
trouble, refused connections, redirects and an untrusted TLS certificate.
"""

import datetime as dt
import json
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cashier.ottpay.client import OttPayClient, check_endpoint, is_loopback_host
from cashier.ottpay.codes import Outcome
from cashier.ottpay.envelope import ParsedRequest, build_response, parse_request
from cashier.ottpay.errors import (
    GatewayMessageError,
    GatewayRejectedError,
    InsecureEndpointError,
    OutcomeUnknownError,
    RequestNotSentError,
    TransportError,
)
from cashier.wallets import Wallet

KEY = "0123456789ABCDEF"
OTHER_KEY = "FEDCBA9876543210"
MERCHANT = "QC00005496"
CODE = "134567890123450000"

Reply = tuple[int, str, bytes]


def signed(rsp_code: str, data: dict | None, key: str = KEY, msg: str = "ok") -> Reply:
    return 200, "application/json", json.dumps(build_response(rsp_code, msg, data, key)).encode()


def paid(req: ParsedRequest, **overrides) -> Reply:
    data = {"order_id": req.data.get("order_id"), "order_status": "success",
            "total_amount": req.data.get("amount", "100"), "trade_time": "20240101120000",
            **overrides}
    return signed("SUCCESS", data)


class ScriptedGateway:
    """Answers each verified request with ``script(request, attempt_number)``."""

    def __init__(
        self, script: Callable[[ParsedRequest, int], Reply], *, tls: ssl.SSLContext | None = None
    ):
        self.script = script
        self.hits: list[ParsedRequest] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = parse_request(body, KEY)
                gateway.hits.append(request)
                status, kind, payload = gateway.script(request, len(gateway.hits))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            daemon_threads = False

        self.server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}/processV2"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, name="scripted-gateway")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def make_client(url: str, **kw) -> OttPayClient:
    options = {"operator_id": "0000020156", "connect_timeout": 0.5, "read_timeout": 0.5,
               "query_retries": 2, "query_backoff": 0.01, **kw}
    return OttPayClient(url, MERCHANT, KEY, **options)


def pay(client: OttPayClient, order_id: str = "A1", amount: int = 100):
    return client.passive_pay(order_id=order_id, amount_cents=amount, auth_code=CODE,
                              biz_type=Wallet.WECHATPAY)


# -- endpoints --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://frontapi.ottpay.com:443/processV2",
    "https://frontapi.ottpay.com/process",
    "http://127.0.0.1:8080/processV2",
    "http://127.3.4.5/processV2",
    "http://localhost:1234/processV2",
    "http://LOCALHOST/processV2",
    "http://[::1]:8080/processV2",
])
def test_https_and_loopback_http_endpoints_are_accepted(url):
    assert check_endpoint(url) == url
    OttPayClient(url, MERCHANT, KEY).close()


@pytest.mark.parametrize("url", [
    "http://frontapi.ottpay.com/processV2",
    "http://10.0.0.5/processV2",
    "http://192.168.1.10:8080/processV2",
    "http://0.0.0.0:8080/processV2",
    "http://[::2]/processV2",
    "http://127.0.0.1.evil.example/processV2",
    "http://localhost.evil.example/processV2",
    "ftp://127.0.0.1/processV2",
    "frontapi.ottpay.com/processV2",
    "https:///processV2",
    "",
])
def test_insecure_endpoints_are_refused_at_construction(url):
    with pytest.raises(InsecureEndpointError) as info:
        OttPayClient(url, MERCHANT, KEY)
    assert "https" in str(info.value) and KEY not in str(info.value)


def test_loopback_detection():
    assert is_loopback_host("127.255.0.1") and is_loopback_host("::1")
    assert not is_loopback_host("128.0.0.1") and not is_loopback_host(None)


def test_tls_verification_cannot_be_bypassed(tmp_path):
    """A self-signed certificate is refused: the handshake fails before the request is
    written, so the payment is certainly not sent (nothing to query), and nothing trusted."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    with ScriptedGateway(lambda req, n: paid(req), tls=context) as gw:
        with make_client(gw.url.replace("127.0.0.1", "localhost")) as client:
            with pytest.raises(RequestNotSentError) as info:
                pay(client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.message == ("PASSIVEPAY not sent: the gateway's TLS certificate could "
                                  "not be verified (self-signed certificate)")
    assert gw.hits == []  # the request never left the TLS handshake


# -- queries: retried, then a clear error -----------------------------------------------------

@pytest.mark.parametrize(("reply", "why"), [
    ((200, "text/html", b"<html>Bad gateway</html>"), "not JSON"),
    ((502, "text/html", b"<html>Bad gateway</html>"), "HTTP 502"),
    ((500, "application/json", b'{"rsp_code":"SYSTEM_ERROR"}'), "HTTP 500"),
    ((200, "application/json", b'{"rsp_code":"SYSTEM_ERROR","rsp_msg":"busy"}'), "SYSTEM_ERROR"),
])
def test_query_retries_unusable_answers_then_raises_transport_error(reply, why):
    with ScriptedGateway(lambda req, n: reply) as gw, make_client(gw.url) as client:
        with pytest.raises(TransportError) as info:
            client.status_query("A1")
    assert not isinstance(info.value, OutcomeUnknownError)
    assert len(gw.hits) == 3  # one try + query_retries
    assert why in str(info.value) and "after 3 attempts" in str(info.value)
    assert info.value.action == "STATUS_QUERY" and info.value.order_id == "A1"


def test_query_recovers_when_a_retry_gets_an_answer():
    def script(req: ParsedRequest, n: int) -> Reply:
        return (503, "text/plain", b"busy") if n == 1 else paid(req)

    with ScriptedGateway(script) as gw, make_client(gw.url) as client:
        assert client.status_query("A1").outcome is Outcome.PAID
    assert len(gw.hits) == 2


def test_query_backoff_doubles():
    sleeps: list[float] = []
    with ScriptedGateway(lambda req, n: (500, "text/plain", b"x")) as gw:
        with make_client(gw.url, query_backoff=0.02, sleep=sleeps.append) as client:
            with pytest.raises(TransportError):
                client.status_query("A1")
    assert sleeps == [0.02, 0.04]


def test_query_to_a_closed_port_raises_transport_error_after_retries(closed_port):
    with make_client(f"http://127.0.0.1:{closed_port}/processV2") as client:
        with pytest.raises(TransportError, match="connection failed"):
            client.status_query("A1")
        with pytest.raises(OutcomeUnknownError, match="connection failed"):
            pay(client)


def test_query_answer_signed_with_another_key_is_a_message_error_not_retried():
    with ScriptedGateway(lambda req, n: signed("SUCCESS", {"order_id": "A1",
                                                           "order_status": "success"},
                                               key=OTHER_KEY)) as gw:
        with make_client(gw.url) as client:
            with pytest.raises(GatewayMessageError) as info:
                client.status_query("A1")
    assert len(gw.hits) == 1
    assert "wrong sign key" in str(info.value)
    assert KEY not in str(info.value) and OTHER_KEY not in repr(info.value)


def test_query_answer_about_another_order_is_a_message_error():
    with ScriptedGateway(lambda req, n: paid(req, order_id="OTHER1")) as gw:
        with make_client(gw.url) as client, pytest.raises(GatewayMessageError) as info:
            client.status_query("A1")
    assert "'OTHER1'" in str(info.value)


def test_query_answer_with_a_garbled_amount_is_a_message_error():
    with ScriptedGateway(lambda req, n: paid(req, total_amount="1.00")) as gw:
        with make_client(gw.url) as client, pytest.raises(GatewayMessageError, match="cents"):
            client.status_query("A1")


def test_query_refusal_without_data_is_gateway_rejected():
    reply = (200, "application/json", b'{"rsp_code":"PARAM_INVALID","rsp_msg":"missing order_id"}')
    with ScriptedGateway(lambda req, n: reply) as gw, make_client(gw.url) as client:
        with pytest.raises(GatewayRejectedError) as info:
            client.status_query("A1")
    assert info.value.rsp_code == "PARAM_INVALID" and len(gw.hits) == 1


# -- payments and refunds: one attempt, never resent ------------------------------------------

@pytest.mark.parametrize(("reply", "why"), [
    ((200, "text/html", b"<html>oops</html>"), "not JSON"),
    ((500, "application/json", b'{"rsp_code":"SUCCESS"}'), "HTTP 500"),
    ((302, "text/plain", b""), "HTTP 302"),
    ((200, "application/json", b"[]"), "failed verification"),
    ((200, "application/json", json.dumps({**build_response(
        "SUCCESS", "ok", {"order_id": "A1", "order_status": "success"}, KEY),
        "data": "c2hvcnQ="}).encode()), "truncated"),
])
def test_payment_with_unusable_answer_is_unknown_and_sent_once(reply, why):
    with ScriptedGateway(lambda req, n: reply) as gw, make_client(gw.url) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            pay(client)
    assert len(gw.hits) == 1
    assert why in str(info.value) and "never resend" in str(info.value)


def test_payment_answer_signed_with_another_key_is_unknown():
    with ScriptedGateway(lambda req, n: signed("SUCCESS", {"order_id": "A1"}, key=OTHER_KEY)) as gw:
        with make_client(gw.url) as client, pytest.raises(OutcomeUnknownError) as info:
            pay(client)
    assert "wrong sign key" in str(info.value) and len(gw.hits) == 1


def test_payment_answer_for_another_order_is_unknown():
    with ScriptedGateway(lambda req, n: paid(req, order_id="REPLAYED1")) as gw:
        with make_client(gw.url) as client, pytest.raises(OutcomeUnknownError) as info:
            pay(client)
    assert "'REPLAYED1'" in str(info.value)


def test_payment_answer_without_order_id_is_unknown():
    with ScriptedGateway(lambda req, n: signed("SUCCESS", {"order_status": "success",
                                                           "total_amount": "100"})) as gw:
        with make_client(gw.url) as client, pytest.raises(OutcomeUnknownError, match="no order"):
            pay(client)


def test_payment_paid_for_another_amount_is_unknown_not_paid():
    with ScriptedGateway(lambda req, n: paid(req, total_amount="1")) as gw:
        with make_client(gw.url) as client:
            result = pay(client, amount=100)
    assert result.outcome is Outcome.UNKNOWN and result.total_cents == 1


def test_payment_paid_without_an_amount_is_unknown():
    with ScriptedGateway(lambda req, n: paid(req, total_amount="")) as gw:
        with make_client(gw.url) as client:
            assert pay(client).outcome is Outcome.UNKNOWN


def test_payment_read_timeout_is_unknown_and_sent_once():
    def slow(req: ParsedRequest, n: int) -> Reply:
        time.sleep(0.4)
        return paid(req)

    with ScriptedGateway(slow) as gw, make_client(gw.url, read_timeout=0.1) as client:
        with pytest.raises(OutcomeUnknownError, match="read timeout of 0.1s") as info:
            pay(client)
    assert len(gw.hits) == 1 and info.value.elapsed is not None


def test_refund_answers_are_checked_against_the_request():
    def script(req: ParsedRequest, n: int) -> Reply:
        data = {"order_id": req.data["order_id"], "ori_order_id": req.data["ori_order_id"],
                "refund_amt": req.data["refund_amt"], "order_status": "success"}
        if n == 2:
            data["refund_amt"] = "999"
        if n == 3:
            data["ori_order_id"] = "SOMEONEELSE"
        if n == 4:
            return 504, "text/html", b"gateway timeout"
        return signed("SUCCESS", data)

    with ScriptedGateway(script) as gw, make_client(gw.url) as client:
        ok = client.refund(ori_order_id="P1", refund_cents=50, order_id="R1")
        assert (ok.outcome, ok.refund_cents) == (Outcome.ACCEPTED, 50)
        with pytest.raises(OutcomeUnknownError, match="999 cents"):
            client.refund(ori_order_id="P1", refund_cents=50, order_id="R2")
        with pytest.raises(OutcomeUnknownError, match="SOMEONEELSE"):
            client.refund(ori_order_id="P1", refund_cents=50, order_id="R3")
        with pytest.raises(OutcomeUnknownError, match="HTTP 504"):
            client.refund(ori_order_id="P1", refund_cents=50, order_id="R4")
    assert [r.data["order_id"] for r in gw.hits] == ["R1", "R2", "R3", "R4"]


def test_exchange_rate_for_another_currency_is_refused():
    with ScriptedGateway(lambda req, n: signed("SUCCESS", {"feeType": "USD",
                                                           "rate": "710000000"})) as gw:
        with make_client(gw.url) as client, pytest.raises(GatewayMessageError, match="USD"):
            client.exchange_rate("CAD")


def test_an_endpoint_with_user_info_is_refused_without_showing_the_password():
    with pytest.raises(InsecureEndpointError) as info:
        OttPayClient("https://shop:Hunter2pw@frontapi.ottpay.com/processV2", MERCHANT, KEY)
    assert "user name or password" in str(info.value) and "Hunter2pw" not in str(info.value)
