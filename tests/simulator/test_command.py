"""``cashier simulator`` as a real subprocess: prints its URL, answers, stops on SIGTERM/Ctrl-C;
with ``--https`` the real client talks to it with certificate checks on."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import Outcome
from cashier.ottpay.envelope import build_request, parse_response
from cashier.ottpay.errors import TransportError
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, demo_code
from cashier.wallets import Wallet


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "cashier.cli", "simulator", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


@pytest.fixture
def stopper() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def _query(http: requests.Session, url: str, merchant_id: str, sign_key: str):
    envelope = build_request("STATUS_QUERY", merchant_id, {"order_id": "CLI1"}, sign_key)
    return parse_response(http.post(url, json=envelope, timeout=5).content, sign_key)


def test_command_prints_url_and_demo_codes_answers_and_stops_on_sigterm(http, stopper):
    proc = _start()
    stopper.append(proc)
    first = proc.stdout.readline()
    assert first.startswith("OTT Pay simulator serving http://127.0.0.1:")
    url = first.split()[-1]
    assert url.endswith("/processV2")
    lines = [proc.stdout.readline() for _ in range(14)]
    text = "".join(lines)
    assert "134567890123451111" in text and "Press Ctrl-C to stop." in text
    assert f"payment links (wapPay): {url.removesuffix('/processV2')}/wapPay" in text
    # The built-in demo key is public, and a lane cannot be set up without it.
    assert f"merchant id: {DEMO_MERCHANT_ID}; sign key: {DEMO_SIGN_KEY} (the built-in demo " \
           "key)" in text
    reply = _query(http, url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY)
    assert (reply.rsp_code, reply.rsp_msg) == ("FAIL", "order not found")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_command_with_own_merchant_and_key_in_json_stops_on_ctrl_c(http, stopper):
    key = "A1B2C3D4E5F60718"
    proc = _start("--merchant-id", "ON00004652", "--sign-key", key, "--json")
    stopper.append(proc)
    info = json.loads(proc.stdout.readline())
    assert info["merchant_id"] == "ON00004652"
    assert info["wappay_url"] == info["base_url"] + "/wapPay"
    assert info["demo_codes"]["confirm_success"] == "134567890123451111"
    assert key not in json.dumps(info) and info["sign_key"] is None
    assert _query(http, info["url"], "ON00004652", key).rsp_msg == "order not found"
    assert _query(http, info["url"], DEMO_MERCHANT_ID, DEMO_SIGN_KEY).rsp_msg == (
        "unknown merchant_id")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err


def test_command_banner_hides_a_key_given_with_sign_key(stopper):
    key = "A1B2C3D4E5F60718"
    proc = _start("--merchant-id", "ON00004652", "--sign-key", key)
    stopper.append(proc)
    lines = [proc.stdout.readline() for _ in range(3)]
    assert lines[2].strip() == "merchant id: ON00004652; sign key: the one you passed (not shown)"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert key not in "".join(lines) + out + err


def test_command_reports_a_busy_port_clearly():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "cashier.cli", "simulator", "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )
    assert proc.returncode == 2
    assert "cannot listen on 127.0.0.1" in proc.stderr and "--port 0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_forever_in_demo_mode_explains_the_qr_page(stopper):
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from cashier.commands.simulator import serve_forever;"
         " sys.exit(serve_forever('127.0.0.1', 0, None, None, True))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stopper.append(proc)
    lines = [proc.stdout.readline() for _ in range(15)]
    assert lines[0].startswith("OTT Pay simulator serving http://127.0.0.1:")
    assert any("code_url" in line for line in lines)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_command_banner_names_a_profile_other_than_demo(stopper):
    proc = _start("--profile", "no-order-id")
    stopper.append(proc)
    lines = [proc.stdout.readline() for _ in range(4)]
    assert lines[3].strip() == "profile: no-order-id (STATUS_QUERY answers leave out order_id)"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)


def test_command_serves_a_named_profile_and_refuses_an_unknown_one(http, stopper):
    proc = _start("--profile", "not-found-code", "--json")
    stopper.append(proc)
    info = json.loads(proc.stdout.readline())
    assert info["profile"] == "not-found-code"
    assert (info["merchant_id"], info["sign_key"]) == (DEMO_MERCHANT_ID, DEMO_SIGN_KEY)
    reply = _query(http, info["url"], DEMO_MERCHANT_ID, DEMO_SIGN_KEY)
    assert (reply.rsp_code, reply.rsp_msg) == ("ORDER_NOT_EXIST", "订单不存在")
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    bad = subprocess.run(
        [sys.executable, "-m", "cashier.cli", "simulator", "--port", "0", "--profile", "nope"],
        capture_output=True, text=True, timeout=30,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "unknown simulator profile 'nope'" in bad.stderr and "no-order-id" in bad.stderr


def test_command_serves_https_with_a_ca_it_names_and_removes_when_it_stops(stopper):
    proc = _start("--https", "--idle-timeout", "0.5", "--json")
    stopper.append(proc)
    info = json.loads(proc.stdout.readline())
    assert info["url"].startswith("https://127.0.0.1:") and info["idle_timeout"] == 0.5
    ca_bundle = Path(info["ca_bundle"])
    assert ca_bundle.name == "ca.pem" and ca_bundle.is_file()
    with OttPayClient(info["url"], DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000000001",
                      ca_bundle=ca_bundle) as client:
        paid = client.passive_pay(order_id="CLI2", amount_cents=1234, biz_type=Wallet.WECHATPAY,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS))
        assert paid.outcome is Outcome.PAID
    with OttPayClient(info["url"], DEMO_MERCHANT_ID, DEMO_SIGN_KEY, query_retries=0) as client:
        with pytest.raises(TransportError, match="certificate could not be verified"):
            client.status_query("CLI2")  # without the bundle the certificate is not trusted
    # An idle connection is closed by the simulator after --idle-timeout (default 60 s).
    context = ssl.create_default_context(cafile=ca_bundle)
    port = int(info["url"].split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.recv(1) == b""  # closed by the server, well before the 30 s timeout
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert not ca_bundle.parent.exists()  # the temporary folder went with the simulator


def test_command_writes_the_ca_to_a_given_folder_and_prints_where(tmp_path, stopper):
    folder = tmp_path / "sim-ca"
    proc = _start("--https", "--ca-folder", str(folder))
    stopper.append(proc)
    first, second = proc.stdout.readline(), proc.stdout.readline()
    assert first.startswith("OTT Pay simulator serving https://127.0.0.1:")
    ca_bundle = (folder / "ca.pem").resolve()
    assert second.strip() == ("HTTPS with a certificate authority made for this run: trust it "
                              f"with [ottpay] ca_bundle = '{ca_bundle}'")
    with OttPayClient(first.split()[-1], DEMO_MERCHANT_ID, DEMO_SIGN_KEY,
                      ca_bundle=ca_bundle) as client:
        assert client.exchange_rate("CAD").rate_e8 > 0
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert ca_bundle.is_file()  # a folder the engineer chose is kept


@pytest.mark.parametrize(("args", "says"), [
    (["--ca-folder", "x"], "--ca-folder only applies with --https."),
    (["--idle-timeout", "0"], "0 must be more than 0 and at most 3600 seconds"),
    (["--idle-timeout", "soon"], "'soon' is not a number of seconds"),
])
def test_command_refuses_bad_https_and_idle_options_in_one_sentence(tmp_path, args, says):
    proc = subprocess.run(
        [sys.executable, "-m", "cashier.cli", "simulator", "--port", "0", *args],
        capture_output=True, text=True, timeout=30, cwd=tmp_path,
    )
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written
