"""A throwaway certificate authority, made at run time, so the simulator can serve HTTPS.

Tests and benchmarks need the gateway's real transport (TCP + TLS) without turning the client's
certificate checks off: ``TestAuthority.create(folder)`` writes a CA certificate (the file a
client trusts through ``[ottpay] ca_bundle``) and a server certificate for 127.0.0.1/localhost
signed by it, and ``server_context()`` is what ``Simulator(tls=...)`` serves with. Nothing comes
from outside the process; the keys live only in ``folder``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK_NAMES = ("localhost",)
LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class TestAuthority:
    """A CA certificate file and a loopback server certificate + key signed by it."""

    __test__ = False  # a helper, not a pytest test class

    ca_file: Path
    cert_file: Path
    key_file: Path

    @classmethod
    def create(cls, folder: str | os.PathLike[str], name: str = "Cashier test CA") -> TestAuthority:
        """Make a fresh CA and server certificate (valid for a day) as PEM files in ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        ca_cert = (
            _builder(ca_name, ca_name, ca_key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False,
            ), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName(n) for n in LOOPBACK_NAMES]
        names += [x509.IPAddress(ipaddress.ip_address(a)) for a in LOOPBACK_ADDRESSES]
        cert = (
            _builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
                     ca_name, key.public_key(), now)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        authority = cls(folder / "ca.pem", folder / "server.pem", folder / "server.key")
        authority.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        authority.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        authority.key_file.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
        os.chmod(authority.key_file, 0o600)
        return authority

    def server_context(self) -> ssl.SSLContext:
        """What a loopback HTTPS server presents: this certificate, TLS 1.2 or newer."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey,
             now: dt.datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
    )
