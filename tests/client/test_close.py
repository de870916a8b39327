"""``Client.close()`` needs no executor or new thread, delivers what is queued, and
leaves no socket open — also when a REST call was cancelled mid TLS handshake."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator

import psutil
import pytest

from cometchat_nb import (
    AppSettings,
    AppSettingsBuilder,
    Client,
    ConnectionListener,
    MemorySessionStore,
    MessageListener,
    TextMessage,
)
from cometchat_nb.client.dispatch import Dispatcher
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT, settings_for


def client_sockets_to(port: int) -> list[str]:
    """This process's TCP sockets connected to ``port`` (the client side)."""
    return [
        f"{c.laddr} -> {c.raddr} {c.status}"
        for c in psutil.Process().net_connections("tcp")
        if c.raddr and c.raddr.port == port
    ]


def test_close_needs_no_executor_and_delivers_what_is_queued(server: EmbeddedServer) -> None:
    # At interpreter exit Python refuses new executor work and new threads; here the
    # loop's default executor is shut down before close(), which must not need it.
    loop = asyncio.new_event_loop()
    executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="test-default")
    loop.set_default_executor(executor)
    seen: list[str] = []
    release = threading.Event()

    async def on_text(message: TextMessage) -> None:  # a coroutine listener: runs on the loop
        seen.append(f"async {message.text}")

    def slow_on_text(message: TextMessage) -> None:
        release.wait(WAIT)
        seen.append(f"sync {message.text}")

    async def scenario() -> Client:
        client = Client(server.app_id, settings_for(server), store=MemorySessionStore(), backoff=lambda n: 0)
        client.add_connection_listener("c", ConnectionListener(onDisconnected=lambda: seen.append("closed")))
        client.add_message_listener("slow", MessageListener(onTextMessageReceived=slow_on_text))
        client.add_message_listener("coro", MessageListener(onTextMessageReceived=on_text))
        arrived = asyncio.Event()  # an inline sink runs on the loop, before the listeners' thread
        client.add_event_sink(
            lambda e: arrived.set() if e.name == "onTextMessageReceived" else None, inline=True
        )
        await client.login("superhero1", server.auth_key)
        await client.wait_for_catchup(WAIT)
        server.send_message("superhero2", "superhero1", "queued at close")
        await arrived.wait()
        return client

    try:
        client = loop.run_until_complete(asyncio.wait_for(scenario(), WAIT))
        executor.shutdown(wait=True)
        with pytest.raises(RuntimeError):  # what any executor use would now meet
            loop.run_until_complete(loop.run_in_executor(None, print))
        threads = {t.name for t in threading.enumerate()}
        release.set()
        loop.run_until_complete(asyncio.wait_for(client.close(), WAIT))
        assert seen == ["sync queued at close", "async queued at close", "closed"]
        left = {t.name for t in threading.enumerate()} - threads
        assert not left, f"close() started threads: {left}"
        dispatch = f"cometchat-dispatch-{client.name}"
        assert dispatch not in {t.name for t in threading.enumerate()}, "the dispatch thread is still running"
    finally:
        loop.close()


def test_the_dispatch_thread_starts_with_the_first_listener_not_at_the_first_event() -> None:
    # events emitted while closing (onDisconnected …) may come at interpreter exit,
    # when Python refuses to start a thread
    dispatcher = Dispatcher("early")
    try:
        dispatcher.add("connection", "c", ConnectionListener(onDisconnected=lambda: None))
        assert dispatcher._thread is not None and dispatcher._thread.is_alive()
    finally:
        dispatcher.close()
    assert not dispatcher._thread.is_alive()


@pytest.fixture
async def tls_silence() -> AsyncIterator[tuple[int, asyncio.Event, asyncio.Event]]:
    """A TCP listener that reads a TLS ClientHello and never answers: ``(port,
    hello_received, peer_closed)``."""
    hello, closed = asyncio.Event(), asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readexactly(1)  # 0x16: a TLS handshake record
        hello.set()
        while await reader.read(65536):
            pass
        closed.set()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield listener.sockets[0].getsockname()[1], hello, closed
    finally:
        listener.close()
        for writer in writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
        await listener.wait_closed()


async def test_a_rest_call_cancelled_during_the_tls_handshake_leaves_no_socket(
    tls_silence: tuple[int, asyncio.Event, asyncio.Event],
) -> None:
    port, hello, peer_closed = tls_silence
    url = f"https://127.0.0.1:{port}"
    client = Client("app", tls_settings(url), store=MemorySessionStore(), backoff=lambda n: 0)
    try:
        login = asyncio.create_task(client.login("superhero1", "key"))
        async with asyncio.timeout(WAIT):
            await hello.wait()  # the client is inside its TLS handshake
        login.cancel()  # e.g. Client.close() cancelling a catch-up, or Ctrl-C on a blocking call
        with pytest.raises(asyncio.CancelledError):
            await login
    finally:
        await client.close()
    assert client_sockets_to(port) == []
    async with asyncio.timeout(WAIT):
        await peer_closed.wait()


def tls_settings(url: str) -> AppSettings:
    return AppSettingsBuilder().overrideClientHost(url).overrideAdminHost(url).setVerify(False).build()


async def test_a_late_background_save_never_overwrites_a_newer_state(server: EmbeddedServer) -> None:
    # The persist loop saves in an executor thread; close() and logout() write on the
    # loop. A save still in flight when they run must not land after them.
    store = MemorySessionStore()
    client = Client(server.app_id, settings_for(server, manual=True), store=store, backoff=lambda n: 0)
    try:
        await client.login("superhero1", server.auth_key)
        stale = client._saver.snapshot()  # what a background save took, before the state moved on
        client._ledger.last_id += 1
        client._saver.save_now()
        client._saver.write(*stale)  # ... and that save finishing late
        saved = store.load()
        assert saved is not None and saved["lastMessageId"] == client._ledger.last_id

        stale = client._saver.snapshot()
        await client.logout()
        client._saver.write(*stale)
        assert not (store.load() or {}).get("authToken"), "a late save brought the session back after logout"
    finally:
        await client.close()


async def test_concurrent_closes_both_return_once_the_client_is_closed(server: EmbeddedServer) -> None:
    """A second ``close()`` while the first is under way waits for the same close: when
    either returns, queued events were delivered and the socket is gone."""
    seen: list[str] = []
    release = threading.Event()

    def slow_on_text(message: TextMessage) -> None:
        release.wait(WAIT)
        seen.append(message.text)

    client = Client(server.app_id, settings_for(server), store=MemorySessionStore(), backoff=lambda n: 0)
    client.add_connection_listener("c", ConnectionListener(onDisconnected=lambda: seen.append("closed")))
    client.add_message_listener("slow", MessageListener(onTextMessageReceived=slow_on_text))
    arrived = asyncio.Event()
    client.add_event_sink(lambda e: arrived.set() if e.name == "onTextMessageReceived" else None, inline=True)
    await client.login("superhero1", server.auth_key)
    await client.wait_for_catchup(WAIT)
    server.send_message("superhero2", "superhero1", "queued at close")
    await asyncio.wait_for(arrived.wait(), WAIT)

    async def close_and_look() -> list[str]:
        await client.close()
        return [*seen, *client_sockets_to(server.port)]

    first = asyncio.create_task(close_and_look())
    second = asyncio.create_task(close_and_look())
    for _ in range(100):  # loop iterations, not wall time: both calls are under way
        await asyncio.sleep(0)
    release.set()
    results = await asyncio.wait_for(asyncio.gather(first, second), WAIT)
    assert results == [["queued at close", "closed"]] * 2
