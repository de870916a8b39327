"""TLS for the embedded server: a throw-away self-signed certificate and the
``ssl`` contexts that serve and trust it.

The official JS SDK hard-codes ``https://`` and ``wss://`` (protocol.md §2.2,
§8.2), so a local server that it should talk to unmodified needs TLS.
:func:`generate_self_signed` writes ``cert.pem``/``key.pem`` (EC P-256,
valid 30 days, ``subjectAltName`` IP:127.0.0.1 and DNS:localhost plus any
extra host) into a directory; clients trust ``cert.pem`` as their CA file
(Node: ``NODE_EXTRA_CA_CERTS=cert.pem``; httpx: ``verify=ssl_ctx``;
websockets: ``ssl=client_context(cert)``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["client_context", "generate_self_signed", "server_context"]

_VALID_DAYS = 30


def _san_entries(hosts: Iterable[str]) -> list[x509.GeneralName]:
    entries: list[x509.GeneralName] = []
    seen: set[str] = set()
    for raw in ("127.0.0.1", "localhost", *hosts):
        host = raw.strip("[]")
        if not host or host in seen or host in ("0.0.0.0", "::"):
            continue
        seen.add(host)
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            entries.append(x509.DNSName(host))
    return entries


def generate_self_signed(directory: str | os.PathLike[str], hosts: Iterable[str] = ()) -> tuple[str, str]:
    """Write a self-signed ``cert.pem`` and ``key.pem`` into ``directory``.

    The certificate names 127.0.0.1, localhost and every entry of ``hosts``
    (IP addresses or DNS names) and is its own CA. Returns
    ``(cert_path, key_path)``; the key file is created with mode 0600.
    """
    out = Path(directory)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cometchat_nb embedded server"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_san_entries(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = out / "cert.pem"
    key_path = out / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return str(cert_path), str(key_path)


def server_context(cert: str | os.PathLike[str], key: str | os.PathLike[str]) -> ssl.SSLContext:
    """The server-side context (TLS 1.2+) for both REST and the socket."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.fspath(cert), os.fspath(key))
    return ctx


def client_context(ca_file: str | os.PathLike[str]) -> ssl.SSLContext:
    """A client context that trusts ``ca_file`` (e.g. :attr:`EmbeddedServer.ca_file`)."""
    return ssl.create_default_context(cafile=os.fspath(ca_file))
