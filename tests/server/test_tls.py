"""TLS: self-signed (generated) and given certificates; REST and socket both verified."""

from __future__ import annotations

import asyncio
import os
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509

from cometchat_nb.protocol.rest import ServerSettings
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.server.tls import client_context, generate_self_signed

from ..support.raw import Rest, Sock, data


async def test_self_signed_tls() -> None:
    with EmbeddedServer(tls=True) as server:
        assert (
            server.tls and server.url.startswith("https://127.0.0.1:") and server.ws_url.startswith("wss://")
        )
        assert server.ca_file is not None and Path(server.ca_file).name == "cert.pem"
        ca_file = server.ca_file
        ctx = client_context(ca_file)
        rest = Rest(server, verify=ctx)
        login = rest.login("superhero1")
        settings = ServerSettings.from_wire(login.me["settings"])
        assert settings.tls is True and settings.hosts().websocket == server.ws_url
        sock = await Sock.open(server, ssl_ctx=ctx)
        assert (await sock.auth(login))["body"]["status"] == "OK"
        assert await sock.sync() == []
        await sock.close()
        # a client that does not trust the certificate is refused
        with pytest.raises(httpx.ConnectError):
            await asyncio.to_thread(httpx.get, server.url + "/v3.0/settings", verify=True)
        rest.close()
    assert not await asyncio.to_thread(os.path.exists, ca_file)  # the temporary certificate is cleaned up
    assert server.ca_file is None


def test_certificate_names(tmp_path: Path) -> None:
    cert_path, key_path = generate_self_signed(tmp_path, ["chat.example.test", "10.1.2.3"])
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost", "chat.example.test"}
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "10.1.2.3"}
    assert os.stat(key_path).st_mode & 0o777 == 0o600


def test_given_certificate(tmp_path: Path) -> None:
    cert, key = generate_self_signed(tmp_path)
    with EmbeddedServer(cert=cert, key=key) as server:  # cert/key imply TLS
        assert server.tls and server.ca_file == cert
        ctx = ssl.create_default_context(cafile=cert)
        r = httpx.put(
            server.url + "/me",
            headers={"appId": server.app_id, "authToken": server.issue_auth_token("superhero1")},
            verify=ctx,
        )
        assert data(r)["uid"] == "superhero1"
    assert os.path.exists(cert)  # a given certificate is left alone


def test_public_host_is_advertised(tmp_path: Path) -> None:
    with EmbeddedServer(tls=True, public_host="localhost") as server:
        assert server.url.startswith("https://localhost:")
        assert server.ca_file is not None
        r = httpx.get(
            f"https://localhost:{server.port}/v3.0/settings",
            headers={"appId": server.app_id, "authToken": server.issue_auth_token("superhero1")},
            verify=client_context(server.ca_file),
        )
        settings = data(r)
        assert (
            settings["CHAT_HOST"] == "localhost" and settings["CLIENT_API_HOST"] == f"localhost:{server.port}"
        )
