"""The socket layer (picows under :class:`Connection`) against scripted WebSocket peers.

picows parses frames and leaves the message layer to us: these tests pin what
``Connection`` owns — reassembling fragmented messages, refusing oversized ones
with 1009, answering the server's close frame and reporting its code, waiting
while the send buffer is full, and closing the socket of a handshake that did
not finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import psutil
import pytest
from websockets.asyncio.server import ServerConnection, serve

from cometchat_nb.client.connection import CloseInfo, Connection
from cometchat_nb.errors import AuthError, ErrorCode, InvalidArgumentError, TransportError
from cometchat_nb.errors import TimeoutError as SdkTimeoutError
from cometchat_nb.protocol.frames import AuthRequest, Frame, PresenceFrame

WAIT = 10.0
AUTH_OK = json.dumps({"type": "auth", "body": {"code": "200", "status": "OK"}})

Peer = Callable[[ServerConnection], Awaitable[None]]


def presence(uid: str, pad: int = 0) -> str:
    user = {"uid": uid, **({"name": "x" * pad} if pad else {})}
    return json.dumps({"type": "presence", "body": {"action": "online", "user": user}})


class Scripted:
    """A ``websockets`` server running ``peer`` for each connection, and the frames we got."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer
        self.port = 0
        self.received: list[Frame] = []
        self.got = asyncio.Event()

    def on_frame(self, frame: Frame) -> None:
        self.received.append(frame)
        self.got.set()

    async def open(self, **knobs: object) -> Connection:
        options: dict[str, object] = {
            "open_timeout": 5.0,
            "ping_interval": 60.0,
            "pong_timeout": 5.0,
            **knobs,
        }
        return await Connection.open(
            f"ws://127.0.0.1:{self.port}",
            AuthRequest(jwt="x", sender="me", device_id="dev"),
            ssl_context=None,
            on_frame=self.on_frame,
            proxy=None,
            **options,  # type: ignore[arg-type]
        )

    async def wait_for(self, n: int) -> list[Frame]:
        async with asyncio.timeout(WAIT):
            while len(self.received) < n:
                self.got.clear()
                await self.got.wait()
        return self.received


@contextlib.asynccontextmanager
async def running(peer: Peer) -> AsyncIterator[Scripted]:
    script = Scripted(peer)
    async with serve(script.peer, "127.0.0.1", 0, compression=None, ping_interval=None) as server:
        script.port = server.sockets[0].getsockname()[1]
        yield script


@pytest.fixture
async def scripted(request: pytest.FixtureRequest) -> AsyncIterator[Scripted]:
    async with running(request.param) as script:
        yield script


async def _fragments_then_oversized(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.send(AUTH_OK)
    await ws.ping()  # a protocol ping: picows answers it
    text = presence("fragmented")
    await ws.send([text[:10], text[10:25], text[25:]])  # one message in three frames
    await ws.send(presence("whole"))
    await ws.send(["[", " " * 1500, " " * 1500, "]"])  # 3 kB in fragments: over the client's 2 kB
    await ws.wait_closed()


@pytest.mark.parametrize("scripted", [_fragments_then_oversized], indirect=True)
async def test_fragmented_messages_are_reassembled_and_an_oversized_one_closes_1009(
    scripted: Scripted,
) -> None:
    conn = await scripted.open(max_size=2048)
    try:
        got = await scripted.wait_for(2)
        assert [f.user.uid for f in got if isinstance(f, PresenceFrame)] == ["fragmented", "whole"]
        info = await asyncio.wait_for(asyncio.shield(conn.closed), WAIT)
        assert info == CloseInfo(1009, "message over 2048 bytes", by_client=True)
        assert len(scripted.received) == 2 and conn.bad_frames == 0
    finally:
        conn.abort()


async def _one_big_frame(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.send(AUTH_OK)
    await ws.recv()  # the first keepalive ping: the client is running
    await ws.send(presence("big", pad=5000))
    await ws.wait_closed()


@pytest.mark.parametrize("scripted", [_one_big_frame], indirect=True)
async def test_a_single_frame_over_max_size_closes_1009(scripted: Scripted) -> None:
    conn = await scripted.open(max_size=2048, ping_interval=0.01)
    try:
        info = await asyncio.wait_for(asyncio.shield(conn.closed), WAIT)
        assert info.code == 1009 and info.by_client and not info.dead_link
        assert scripted.received == []
    finally:
        conn.abort()


def _closing_with(code: int) -> Peer:
    async def peer(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(AUTH_OK)
        await ws.send(presence("before the close"))
        await ws.close(code, f"closing with {code}")

    return peer


@pytest.mark.parametrize(
    "scripted", [_closing_with(1000), _closing_with(4000), _closing_with(4003)], indirect=True
)
async def test_the_servers_close_code_and_reason_are_reported(scripted: Scripted) -> None:
    conn = await scripted.open()
    info = await asyncio.wait_for(asyncio.shield(conn.closed), WAIT)
    code = int(info.reason.rsplit(" ", 1)[1])
    assert info == CloseInfo(code, f"closing with {code}")
    # the frame sent before the close was delivered, before the connection ended
    assert [f.user.uid for f in scripted.received if isinstance(f, PresenceFrame)] == ["before the close"]


async def _dropping_the_tcp_connection(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.send(AUTH_OK)
    ws.transport.abort()


@pytest.mark.parametrize("scripted", [_dropping_the_tcp_connection], indirect=True)
async def test_a_link_broken_without_a_close_frame_is_1006(scripted: Scripted) -> None:
    conn = await scripted.open()
    info = await asyncio.wait_for(asyncio.shield(conn.closed), WAIT)
    assert info == CloseInfo(1006, "the connection broke without a close frame")
    with pytest.raises(TransportError):
        await conn.send("{}")


async def _refusing_with_4001(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.close(4001, "bad JWT")


async def _closing_with_1011_during_auth(ws: ServerConnection) -> None:
    await ws.recv()
    await ws.close(1011, "busy")


@pytest.mark.parametrize("scripted", [_refusing_with_4001], indirect=True)
async def test_a_4001_close_during_auth_is_a_refusal(scripted: Scripted) -> None:
    with pytest.raises(AuthError):
        await scripted.open()


@pytest.mark.parametrize("scripted", [_closing_with_1011_during_auth], indirect=True)
async def test_another_close_during_auth_is_retryable(scripted: Scripted) -> None:
    with pytest.raises(TransportError) as info:
        await scripted.open()
    assert "1011" in info.value.message


async def test_send_waits_while_the_send_buffer_is_full_and_resumes() -> None:
    read_again = asyncio.Event()

    async def stops_reading(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(AUTH_OK)
        await read_again.wait()
        async for _ in ws:  # drain everything the client queued
            pass

    async with running(stops_reading) as scripted:
        await _fill_and_resume(scripted, read_again)


async def _fill_and_resume(scripted: Scripted, read_again: asyncio.Event) -> None:
    conn = await scripted.open()
    chunk = json.dumps({"action": "x", "pad": "y" * 65536})
    blocked: asyncio.Task[None] | None = None
    try:
        for _ in range(2000):  # bounded: 128 MB at most; loopback buffers hold a few MB
            task = asyncio.create_task(conn.send(chunk))
            for _ in range(3):
                await asyncio.sleep(0)  # loop iterations, not wall time
            if not task.done():
                blocked = task
                break
            task.result()
        assert blocked is not None, "send never waited although the peer stopped reading"
        read_again.set()
        await asyncio.wait_for(blocked, WAIT)  # the peer reads again: the send completes
        assert not conn.closed.done()
    finally:
        read_again.set()
        await conn.close()


def _client_sockets_to(port: int) -> list[int]:
    """The fds of our sockets connected (or connecting) to ``port``."""
    return [c.fd for c in psutil.Process().net_connections("tcp") if c.raddr and c.raddr.port == port]


async def _no_socket_left_to(port: int, besides: socket.socket | None = None) -> bool:
    """Our side of every connection to ``port`` is closed (an fd, not just a shut-down socket)."""
    keep = {besides.fileno()} if besides is not None else set()
    for _ in range(2000):  # loop iterations, no wall-clock wait: the transport closes on EOF
        if not [fd for fd in _client_sockets_to(port) if fd not in keep]:
            return True
        await asyncio.sleep(0)
    return False


async def test_a_handshake_that_times_out_or_is_cancelled_leaves_no_socket() -> None:
    """picows keeps the socket of a cancelled handshake open; ``Connection.open`` must not."""
    peers: list[asyncio.StreamWriter] = []
    arrived = asyncio.Event()
    eof = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peers.append(writer)
        arrived.set()
        while await reader.read(65536):
            pass
        eof.set()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    script = Scripted(_refusing_with_4001)
    script.port = port
    try:
        with pytest.raises(SdkTimeoutError):  # the upgrade is never answered
            await script.open(open_timeout=0.2)
        await asyncio.wait_for(eof.wait(), WAIT)
        assert await _no_socket_left_to(port)
        eof.clear()
        arrived.clear()
        opening = asyncio.create_task(script.open(open_timeout=WAIT))
        await asyncio.wait_for(arrived.wait(), WAIT)
        opening.cancel()  # disconnect() during the handshake
        with pytest.raises(asyncio.CancelledError):
            await opening
        await asyncio.wait_for(eof.wait(), WAIT)
        assert await _no_socket_left_to(port)
    finally:
        server.close()
        for writer in peers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in peers), return_exceptions=True)
        await server.wait_closed()


@pytest.mark.filterwarnings("error::ResourceWarning", "error::pytest.PytestUnraisableExceptionWarning")
async def test_a_connect_still_in_progress_times_out_or_is_cancelled_without_a_socket_left() -> None:
    """``Connection.open`` starts the TCP connect before anything else (to an IP address)
    and waits for it when picows asks for the socket. A listener whose accept queue is
    full drops the SYN, so that connect stays in progress: a timeout or a cancel then
    closes the socket."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # a queue of one
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=WAIT)  # fills it
    script = Scripted(_refusing_with_4001)
    script.port = port
    try:
        with pytest.raises(SdkTimeoutError):
            await script.open(open_timeout=0.2)
        assert await _no_socket_left_to(port, besides=filler)
        opening = asyncio.create_task(script.open(open_timeout=WAIT))
        for _ in range(10):  # a few loop iterations: the connect was started and is pending
            await asyncio.sleep(0)
        assert not opening.done()
        opening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await opening
        assert await _no_socket_left_to(port, besides=filler)
    finally:
        filler.close()
        listener.close()


@pytest.mark.filterwarnings("error::ResourceWarning", "error::pytest.PytestUnraisableExceptionWarning")
async def test_a_refused_connect_is_a_retryable_transport_error() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    script = Scripted(_refusing_with_4001)
    script.port = port
    with pytest.raises(TransportError) as info:
        await script.open()
    assert info.value.code == ErrorCode.WS_CONNECTION_FAIL
    assert "refused" in info.value.message.lower()
    assert await _no_socket_left_to(port)


@pytest.mark.parametrize(
    ("url", "proxy"),
    [
        ("ws://127.0.0.1:99999", None),
        ("http://127.0.0.1:1", None),
        ("ws://", None),
        ("ws://127.0.0.1:1", "ftp://user:secret@127.0.0.1:21"),
    ],
)
async def test_an_invalid_url_or_proxy_is_a_clear_error_without_a_connection(
    url: str, proxy: str | None
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await Connection.open(
            url,
            AuthRequest(jwt="x", sender="me", device_id="dev"),
            ssl_context=None,
            open_timeout=WAIT,
            on_frame=lambda frame: None,
            ping_interval=60.0,
            pong_timeout=5.0,
            proxy=proxy,
        )
    assert "secret" not in info.value.message
