"""The simulator's connections: idle keep-alive connections are closed like a real front end's,
and HTTPS is served with a certificate authority made at run time (``cashier.simulator.tls``)."""

from __future__ import annotations

import socket
import ssl

import pytest

from cashier.simulator import Simulator
from cashier.simulator.tls import TestAuthority

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (10 s at most)."""
    sock.settimeout(10)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_default_idle_timeout_is_a_common_front_end_s():
    assert Simulator().idle_timeout == 60.0
    with pytest.raises(ValueError, match="idle_timeout"):
        Simulator(idle_timeout=0)


def test_an_idle_keep_alive_connection_is_closed_by_the_server():
    with Simulator(idle_timeout=0.2) as sim, \
            socket.create_connection(("127.0.0.1", sim.port)) as sock:
        sock.sendall(REQUEST)
        received = read_until_closed(sock)  # answered, then closed once idle for 0.2 s
    assert received.startswith(b"HTTP/1.1 200 ")
    assert b"Connection: close" not in received  # kept alive until the idle timeout, not after
    assert sim.connections_opened == 1


def test_https_with_a_test_authority_and_idle_close(tmp_path):
    authority = TestAuthority.create(tmp_path)
    client = ssl.create_default_context(cafile=str(authority.ca_file))
    with Simulator(idle_timeout=0.2, tls=authority.server_context()) as sim:
        assert sim.url == f"https://127.0.0.1:{sim.port}/processV2"
        with socket.create_connection(("127.0.0.1", sim.port)) as raw, \
                client.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            assert sock.version() in ("TLSv1.2", "TLSv1.3")
            sock.sendall(REQUEST)
            received = read_until_closed(sock)
        assert received.startswith(b"HTTP/1.1 200 ")
        with socket.create_connection(("127.0.0.1", sim.port)) as raw, \
                pytest.raises(ssl.SSLCertVerificationError):
            ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1")
    assert sim.connections_opened == 1  # the refused handshake never became a connection
