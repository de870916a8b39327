"""Catch-up that stops half-way (a REST outage while the socket stays up) must not move
the cursor past the gap: the rest arrives later — from a follow-up run on the same
connection once REST answers again, or on the next reconnect — exactly once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cometchat_nb import Client, ConnectionState, MemorySessionStore, TypingIndicator
from cometchat_nb.client.catchup import CATCHUP_FOLLOWUPS
from cometchat_nb.server import EmbeddedServer

from ..support import RESTART_WAIT, FlakyTransport, Recorder, idle, new_client, settings_at


def _is_catchup_page(request: httpx.Request) -> bool:
    return request.url.path.endswith("/messages") and request.url.params.get("affix") == "append"


class FailAfterFirstPage:
    """Let the first catch-up page through, then fail every catch-up page."""

    def __init__(self) -> None:
        self.pages = 0

    def __call__(self, request: httpx.Request) -> bool:
        if not _is_catchup_page(request):
            return False
        self.pages += 1
        return self.pages > 1


async def _bob_with_missed(
    server: EmbeddedServer, clients: list[Client], transport: FlakyTransport, n: int
) -> tuple[Client, Recorder, list[str]]:
    bob, rec = new_client(server.app_id, settings_at(server.url, manual=True), transport=transport)
    clients.append(bob)
    await bob.init()
    await bob.login("superhero2", server.auth_key)
    await bob.connect(timeout=RESTART_WAIT)
    await bob.wait_for_catchup(RESTART_WAIT)
    await bob.disconnect()
    missed = [server.send_message("superhero1", "superhero2", f"missed {i}")["id"] for i in range(n)]
    return bob, rec, missed


async def _exactly(rec: Recorder, bob: Client, want: list[str]) -> None:
    await rec.wait(lambda r: set(want) <= {m.id for m in r.args("onTextMessageReceived")})
    assert await idle(bob)
    got = [m.id for m in rec.args("onTextMessageReceived")]
    assert sorted(got, key=int) == sorted(want, key=int), "lost or duplicated"


async def test_interrupted_catchup_holds_the_cursor_until_a_reconnect_completes_it(
    server: EmbeddedServer, clients: list[Client]
) -> None:
    transport = FlakyTransport()
    bob, rec, missed = await _bob_with_missed(server, clients, transport, 250)
    transport.fail = FailAfterFirstPage()  # REST stays broken for catch-up pages
    await bob.connect(timeout=RESTART_WAIT)
    first = await bob.wait_for_catchup(RESTART_WAIT)
    assert first is not None and first.gap_possible and first.error is not None
    assert first.delivered == 100
    # every follow-up run on this connection fails too, and says so
    await rec.wait(lambda r: r.count("onCatchupFinished") >= 2 + CATCHUP_FOLLOWUPS)

    live = server.send_message("superhero1", "superhero2", "live while the gap is open")["id"]
    await rec.wait(lambda r: live in {m.id for m in r.args("onTextMessageReceived")})
    # live messages still arrive, but the cursor stays at the gap
    assert bob.get_last_delivered_message_id() == missed[99]
    assert bob.status()["catchup_gap"] is True

    transport.fail = None
    server.drop_all_sockets()  # the next connection's catch-up starts at the gap
    await rec.wait(lambda r: r.count("onDisconnected") >= 2)
    await bob.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
    done = await bob.wait_for_catchup(RESTART_WAIT)
    assert done is not None and not done.gap_possible and done.error is None
    await _exactly(rec, bob, [*missed, live])
    assert bob.get_last_delivered_message_id() == live
    assert bob.status()["catchup_gap"] is False


async def test_interrupted_catchup_is_completed_on_the_same_connection(
    server: EmbeddedServer, clients: list[Client]
) -> None:
    transport = FlakyTransport()
    bob, rec, missed = await _bob_with_missed(server, clients, transport, 250)
    flaky = FailAfterFirstPage()
    transport.fail = flaky
    await bob.connect(timeout=RESTART_WAIT)
    first = await bob.wait_for_catchup(RESTART_WAIT)
    assert first is not None and first.gap_possible
    transport.fail = None  # REST answers again: a follow-up run fills the gap
    await _exactly(rec, bob, missed)
    assert bob.status()["catchup_gap"] is False
    assert bob.get_last_delivered_message_id() == missed[-1]
    assert [c.current for c in bob.state_log].count(ConnectionState.CONNECTED) == 2  # no reconnect was needed


@pytest.mark.parametrize("restart", [False, True], ids=["same-process", "after-restore"])
async def test_live_ids_above_a_gap_are_not_delivered_twice(
    server: EmbeddedServer, clients: list[Client], restart: bool
) -> None:
    """Messages delivered live while the gap is open are skipped by the catch-up that
    closes it — also by a new process restoring the saved session."""
    transport = FlakyTransport()
    store = MemorySessionStore()
    bob = Client(
        server.app_id, settings_at(server.url, manual=True), store=store, backoff=lambda _n: 0.0,
        transport=transport,
    )  # fmt: skip
    rec = Recorder()
    bob.add_event_sink(rec)
    clients.append(bob)
    await bob.init()
    await bob.login("superhero2", server.auth_key)
    await bob.connect(timeout=RESTART_WAIT)
    await bob.wait_for_catchup(RESTART_WAIT)
    await bob.disconnect()
    missed = [server.send_message("superhero1", "superhero2", f"missed {i}")["id"] for i in range(150)]
    transport.fail = FailAfterFirstPage()
    await bob.connect(timeout=RESTART_WAIT)
    await rec.wait(lambda r: r.count("onCatchupFinished") >= 2 + CATCHUP_FOLLOWUPS)
    live = [server.send_message("superhero1", "superhero2", f"live {i}")["id"] for i in range(5)]
    await rec.wait(lambda r: set(live) <= {m.id for m in r.args("onTextMessageReceived")})
    await bob.disconnect()
    seen = [m.id for m in rec.args("onTextMessageReceived")]
    if restart:
        await bob.close()  # saves the session, including the ids above the gap
        bob = Client(  # a new process restoring the saved session
            server.app_id, settings_at(server.url, manual=True), store=store, backoff=lambda _n: 0.0
        )
        rec2 = Recorder()
        bob.add_event_sink(rec2)
        clients.append(bob)
        await bob.init()
    else:
        rec2 = rec
        transport.fail = None
    await bob.connect(timeout=RESTART_WAIT)
    done = await bob.wait_for_catchup(RESTART_WAIT)
    assert done is not None and done.error is None
    want = [*missed, *live]
    await rec2.wait(lambda r: set(want) <= set(seen) | {m.id for m in r.args("onTextMessageReceived")})
    assert await idle(bob)
    later = [m.id for m in rec2.args("onTextMessageReceived")]
    total = later if not restart else seen + later
    assert sorted(total, key=int) == want, "lost or duplicated across the gap"


async def test_frames_held_during_any_catchup_run_go_out_when_it_ends(
    server: EmbeddedServer, clients: list[Client]
) -> None:
    """Typing sent while a catch-up run is in flight is held, and released as soon as
    that run ends — a failed run followed by a re-armed one, and the run that finally
    succeeds — never left behind for the rest of the connection (issue 11, item 3)."""
    alice, arec = new_client(server.app_id, settings_at(server.url))
    clients.append(alice)
    await alice.init()
    await alice.login("superhero1", server.auth_key)
    await alice.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
    bob, _brec = new_client(server.app_id, settings_at(server.url, manual=True))
    clients.append(bob)
    await bob.init()
    await bob.login("superhero2", server.auth_key)
    server.rest_outage("GET messages", hold=True)  # every catch-up page waits, then fails
    await bob.connect(timeout=RESTART_WAIT)

    def typed(n: int) -> bool:
        return len(arec.args("onTypingStarted")) >= n

    for run in range(4):
        # The run's page request is in flight (a request of the previous run was
        # answered before its frame reached alice, so this is the next run's).
        assert await asyncio.to_thread(server.wait_rest_held, 1, RESTART_WAIT), f"run {run} never asked"
        assert bob.status()["catchup_pending"] is True
        await bob.start_typing(TypingIndicator("superhero1", "user", {"run": run}))
        assert bob.status()["queued_out"] == 1  # held behind the run in flight
        if run < 3:
            server.release_rest()  # this run fails; a follow-up run is re-armed
        else:
            server.rest_outage(None)  # REST is back: this run succeeds
        await arec.wait(lambda r, n=run + 1: typed(n))
    done = await bob.wait_for_catchup(RESTART_WAIT)
    assert done is not None and done.error is None
    assert bob.connection_state is ConnectionState.CONNECTED and bob.status()["queued_out"] == 0
    await bob.start_typing(TypingIndicator("superhero1", "user", {"run": "none"}))
    assert bob.status()["queued_out"] == 0  # connected, nothing in flight: sent at once
    await arec.wait(lambda r: typed(5))
    got = [t.metadata for t in arec.args("onTypingStarted")]
    assert got == [{"run": 0}, {"run": 1}, {"run": 2}, {"run": 3}, {"run": "none"}]
    finished = [r.error is not None for r in _brec.args("onCatchupFinished")]
    assert finished == [True, True, True, False]
