"""Bad input gets a clear CometChat-style error and loses nothing; TLS with a
self-signed certificate; host overrides in both spellings."""

from __future__ import annotations

import asyncio
import socket

import pytest

from cometchat_nb import (
    ApiError,
    AppSettings,
    AppSettingsBuilder,
    AuthError,
    Client,
    ConnectionState,
    MemorySessionStore,
    TextMessage,
    TransportError,
)
from cometchat_nb.errors import ErrorCode, InvalidArgumentError
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, MakeClient, settings_for


async def test_wrong_app_id_is_refused(server: EmbeddedServer) -> None:
    client = Client("not-this-app", settings_for(server), store=MemorySessionStore())
    try:
        with pytest.raises(AuthError) as info:
            await client.login("superhero1", server.auth_key)
        assert info.value.code == ErrorCode.INVALID_APPID
    finally:
        await client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_server_down_gives_failed_to_fetch() -> None:
    port = _free_port()  # nothing listens there
    settings = AppSettings(client_host=f"http://127.0.0.1:{port}", admin_host=f"http://127.0.0.1:{port}")
    client = Client("app", settings, store=MemorySessionStore())
    try:
        with pytest.raises(TransportError) as info:
            await client.login("superhero1", "key")
        assert info.value.code == ErrorCode.FAILED_TO_FETCH
        assert f"127.0.0.1:{port}" in info.value.message
        assert client.get_logged_in_user() is None
    finally:
        await client.close()


async def test_empty_arguments_are_refused_locally(make_client: MakeClient) -> None:
    client, _ = await make_client(None)
    with pytest.raises(InvalidArgumentError) as info:
        await client.login()
    assert info.value.code == ErrorCode.MISSING_PARAMETERS
    with pytest.raises(InvalidArgumentError):
        Client("", None)


async def test_malformed_frames_are_dropped_and_the_socket_kept(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    bob, rec = await make_client("superhero2")
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=WAIT)
    await bob.wait_for_catchup()
    garbage = ["not json", "[1,2]", '{"type":"message","body":{}}', '{"type":"presence","body":"x"}', "{}"]
    assert server.push_frames("superhero2", garbage) == 1
    server.send_message("superhero1", "superhero2", "still here")
    (msg,) = await rec.wait_for("onTextMessageReceived")
    assert msg.getText() == "still here"
    assert bob.connection_state is ConnectionState.CONNECTED
    assert bob._supervisor.connection is not None and bob._supervisor.connection.bad_frames == len(garbage)


async def test_oversized_message_is_refused_with_a_code(
    server: EmbeddedServer, make_client: MakeClient
) -> None:
    alice, _ = await make_client("superhero1", manual=True)
    with pytest.raises(ApiError) as info:
        await alice.send_message(TextMessage("superhero2", "x" * 50_000, "user"))
    assert info.value.code in (ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.BAD_REQUEST)
    # nothing was stored
    history = await alice.messages_request().setUID("superhero2").build().fetch_previous()
    assert history == []


async def test_tls_with_the_servers_ca_file_and_host_port_override() -> None:
    with EmbeddedServer(tls=True) as tls_server:
        assert tls_server.url.startswith("https://") and tls_server.ca_file
        # "host:port" means https, as in the JS SDK
        settings = (
            AppSettingsBuilder()
            .overrideClientHost(tls_server.client_host)
            .overrideAdminHost(tls_server.client_host)
            .setVerify(tls_server.ca_file)
            .autoEstablishSocketConnection(False)
            .build()
        )
        client = Client(tls_server.app_id, settings, store=MemorySessionStore(), backoff=lambda n: 0)
        try:
            await client.login("superhero1", tls_server.auth_key)
            await client.connect()
            assert client._hosts.websocket is not None and client._hosts.websocket.startswith("wss://")
            sent = await client.send_message(TextMessage("superhero2", "over tls", "user"))
            assert sent.id
        finally:
            await client.close()


async def test_tls_with_verification_off_connects_to_a_self_signed_server() -> None:
    with EmbeddedServer(tls=True) as tls_server:
        settings = settings_for(tls_server, manual=True).replace(verify=False)
        client = Client(tls_server.app_id, settings, store=MemorySessionStore(), backoff=lambda n: 0)
        try:
            await client.login("superhero1", tls_server.auth_key)
            await client.connect()
            assert client._hosts.websocket is not None and client._hosts.websocket.startswith("wss://")
            assert (await client.send_message(TextMessage("superhero2", "unverified", "user"))).id
        finally:
            await client.close()


async def test_tls_untrusted_certificate_fails_clearly_without_retrying() -> None:
    with EmbeddedServer(tls=True) as tls_server:
        settings = settings_for(tls_server).replace(verify=True)  # system CAs: self-signed is not trusted
        client = Client(tls_server.app_id, settings, store=MemorySessionStore(), backoff=lambda n: 0)
        try:
            with pytest.raises(TransportError) as info:
                await client.login("superhero1", tls_server.auth_key)
            assert "certificate" in info.value.message.lower()
        finally:
            await client.close()


class TunnelProxy:
    """A real proxy on 127.0.0.1, HTTP ``CONNECT`` or SOCKS5 (no auth), that records each tunnel's target."""

    def __init__(self, kind: str = "http") -> None:
        self.kind = kind
        self.targets: list[str] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> TunnelProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        # the transports close on a later loop iteration: wait for them, so no socket
        # outlives the test's event loop
        await asyncio.gather(*(w.wait_closed() for w in self._writers), return_exceptions=True)
        await self._server.wait_closed()

    async def _http_target(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str | None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            writer.close()
            return None
        return target

    async def _socks5_target(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str | None:
        version, n_methods = await reader.readexactly(2)
        methods = await reader.readexactly(n_methods)
        if version != 5 or 0 not in methods:
            writer.write(b"\x05\xff")
            writer.close()
            return None
        writer.write(b"\x05\x00")  # no authentication
        _, command, _, address_type = await reader.readexactly(4)
        if address_type == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif address_type == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        port = int.from_bytes(await reader.readexactly(2), "big")
        if command != 1:  # CONNECT only
            writer.write(b"\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00")
            writer.close()
            return None
        return f"{host}:{port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if self.kind == "http":
            target = await self._http_target(reader, writer)
        else:
            target = await self._socks5_target(reader, writer)
        if target is None:
            return
        self.targets.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        self._writers.append(up_writer)
        if self.kind == "http":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            writer.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")  # succeeded

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.mark.parametrize(
    ("variable", "scheme", "kind"),
    [("http_proxy", "http", "http"), ("socks_proxy", "socks5h", "socks5"), ("ws_proxy", "socks5", "socks5")],
)
async def test_the_socket_goes_through_the_proxy_the_environment_names(
    server: EmbeddedServer,
    make_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    scheme: str,
    kind: str,
) -> None:
    # both clients' REST (httpx reads the environment when a client is made) predates the proxy
    client, rec = await make_client("superhero1", manual=True)
    sender, _ = await make_client("superhero2", manual=True)
    async with TunnelProxy(kind) as proxy:
        for name in ("no_proxy", "all_proxy", "ws_proxy", "socks_proxy", "https_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.setenv(variable, f"{scheme}://127.0.0.1:{proxy.port}")
        await client.connect()
        assert client.get_connection_status() == "connected"
        assert proxy.targets == [f"127.0.0.1:{server.ws_port}"]
        await sender.send_message(TextMessage("superhero1", "through the tunnel", "user"))
        (got,) = await rec.wait_for("onTextMessageReceived")
        assert got.text == "through the tunnel"
        await client.disconnect()
