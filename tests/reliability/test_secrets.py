"""Secrets: the auth key, auth tokens and JWTs never show up where they should not —
session files are private, logs (client and server, every level) and reprs never
contain them, in process and in the server CLI's own log output.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import picows
import pytest

from cometchat_nb import (
    AuthError,
    Client,
    ConnectionState,
    FileSessionStore,
    MemorySessionStore,
    TextMessage,
    TypingIndicator,
)
from cometchat_nb.protocol.frames import AuthRequest
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.server.app import ServerConfig

from ..support import RESTART_WAIT, Recorder, settings_at
from .procs import ServerProcess


def _pieces(jwt: str) -> list[str]:
    """A JWT and the parts of it that are secret (claims, signature)."""
    return [jwt, *[p for p in jwt.split(".")[1:] if len(p) > 8]]


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("permissive_umask")
def test_session_files_are_0600_in_a_0700_directory(tmp_path: Path) -> None:
    store = FileSessionStore("app", directory=tmp_path)
    store.save({"authToken": "tok", "jwt": "a.b.c", "deviceId": "d"})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    # a directory someone else created too open is made private before a secret goes in
    other = FileSessionStore("app2", directory=tmp_path / "shared")
    other.path.parent.mkdir(parents=True, mode=0o755)
    os.chmod(other.path.parent, 0o755)
    other.save({"authToken": "tok2"})
    assert stat.S_IMODE(other.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(other.path.stat().st_mode) == 0o600
    # an existing file with loose permissions is replaced by a private one
    os.chmod(store.path, 0o644)
    store.save({"authToken": "tok3", "deviceId": "d"})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.clear()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "tok" not in store.path.read_text()
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers


async def test_no_secret_in_any_log_record_or_repr(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, clients: list[Client]
) -> None:
    """A whole life — login, connect, send, typing, receipts, history, a dropped socket,
    refused credentials, revocation, logout — with every logger at
    DEBUG (ours, httpx's, aiohttp's, websockets', and picows' — the SDK's socket — down to
    its own level below DEBUG, where it logs the upgrade request and every read): no record
    holds a secret."""
    caplog.set_level(min(logging.DEBUG, picows.PICOWS_DEBUG_LL))
    key = "sk-live-4f9a0c2e7d1b8a6f"
    with EmbeddedServer(auth_key=key) as server:
        store = FileSessionStore(server.app_id, directory=tmp_path)
        alice = Client(server.app_id, settings_at(server.url), store=store, backoff=lambda _n: 0.0)
        bob = Client(
            server.app_id, settings_at(server.url), store=MemorySessionStore(), backoff=lambda _n: 0.0
        )
        rec = Recorder()
        bob.add_event_sink(rec)
        clients.extend([alice, bob])
        for client, uid in ((alice, "superhero1"), (bob, "superhero2")):
            await client.init()
            await client.login(uid, key)
            await client.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
            await client.wait_for_catchup(RESTART_WAIT)
        saved = store.load()
        assert saved is not None
        secrets = [key, saved["authToken"], *_pieces(saved["jwt"])]
        bob_saved = bob._saver.store.load()
        assert bob_saved is not None
        secrets += [bob_saved["authToken"], *_pieces(bob_saved["jwt"])]

        sent = await alice.send_message(TextMessage("superhero2", "hello bob", "user"))
        got = await rec.wait_for("onTextMessageReceived")
        await alice.start_typing(TypingIndicator("superhero2", "user"))
        await bob.mark_as_read(got[0])
        await alice.messages_request().setUID("superhero2").setLimit(10).build().fetchPrevious()
        session_repr = repr(alice._session)  # the internal session object too
        server.drop_all_sockets()  # reconnect: a second auth frame
        await rec.wait(lambda r: r.count("onDisconnected") >= 1)
        await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
        stranger = Client(server.app_id, settings_at(server.url), store=MemorySessionStore())
        clients.append(stranger)
        with pytest.raises(AuthError) as wrong_key:
            await stranger.login("superhero3", key[:-1] + "X")
        with pytest.raises(AuthError) as wrong_token:
            await stranger.login(saved["authToken"][::-1])
        server.revoke_tokens("superhero2")
        await bob.wait_for_state(ConnectionState.FAILED, timeout=RESTART_WAIT)
        await alice.logout()

        records = caplog.records
        # the socket's library logged below DEBUG (its upgrade requests, every read)
        assert any(r.name.startswith("picows") and r.levelno < logging.DEBUG for r in records)
        assert any(r.name.startswith("cometchat_nb") for r in records)
        for r in records:
            text = r.getMessage() + (r.exc_text or "")
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{r.name} {r.levelname}: {text[:300]}"

        # reprs and strs of everything a user may print
        shown = [
            repr(alice), repr(bob), repr(server), str(server), repr(server._config),
            repr(ServerConfig(auth_key=key)), repr(store), repr(alice.settings), str(alice.status()),
            str(bob.status()), repr(bob.state_log), repr(alice.last_catchup), repr(sent), repr(got[0]),
            str(wrong_key.value), repr(wrong_key.value), str(wrong_token.value), repr(wrong_token.value),
            repr(AuthRequest(jwt=saved["jwt"], device_id="d", sender="superhero1")),
            repr(bob._supervisor.last_error), session_repr,
        ]  # fmt: skip
        for text in shown:
            assert not [s for s in secrets if s in text], text[:300]


def test_server_process_logs_no_secret_at_debug(tmp_path: Path) -> None:
    """The CLI's own log (stderr) at --log-level debug, through logins, sockets, refusals."""
    srv = ServerProcess(tmp_path / "chat.sqlite", auth_key="sk-cli-91d2e0b7c4a3f5e6")
    srv.extra = ("--log-level", "debug")
    try:
        srv.start()

        async def flow() -> list[str]:
            client = Client(
                srv.app_id, settings_at(srv.url), store=MemorySessionStore(), backoff=lambda _n: 0.0
            )
            try:
                await client.init()
                await client.login("superhero1", srv.auth_key)
                await client.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
                await client.send_message(TextMessage("superhero2", "hi", "user"))
                saved = client._saver.store.load()
                assert saved is not None
                async with httpx.AsyncClient(base_url=srv.url + "/v3.0", timeout=RESTART_WAIT) as http:
                    await http.get(
                        "/me", headers={"appId": srv.app_id, "authToken": saved["authToken"] + "x"}
                    )
                    await http.post(
                        "/users", headers={"appId": srv.app_id, "apiKey": srv.auth_key + "x"}, json={}
                    )
                await client.logout()
                return [srv.auth_key, saved["authToken"], *_pieces(saved["jwt"])]
            finally:
                await client.close()

        secrets = asyncio.run(flow())
    finally:
        srv.stop()
    log = srv.stderr_path.read_text()
    assert "DEBUG" in log  # the server did log at debug level
    leaked = [s for s in secrets if s in log]
    assert not leaked, [line for line in log.splitlines() if any(s in line for s in leaked)][:5]


def test_notebook_key_field_is_a_password_widget() -> None:
    """The notebook layer's own tests check that ``%cometchat_login`` output never shows a
    key or token (tests/notebook/test_magics.py::test_secrets_never_appear_in_output);
    here: the panel's key field is a masked Password widget."""
    widgets = pytest.importorskip("ipywidgets")
    panel_mod = pytest.importorskip("cometchat_nb.notebook.panel")
    panel = panel_mod.ControlPanel(plot=False)
    try:
        assert isinstance(panel.auth_key_field, widgets.Password)
    finally:
        close = getattr(panel, "close", None)
        if close is not None:
            close()
