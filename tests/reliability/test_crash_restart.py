"""Crash and restart: the server is a separate process that is SIGKILLed mid-stream and
restarted on the same SQLite file and ports.

Promise checked: every message whose ``POST messages`` returned (acknowledged)
reaches every recipient exactly once — live or by catch-up — in auto mode and
in manual mode (where catch-up happens on the next ``connect()``); clients
reconnect within the backoff bound; states and listener calls tell the truth
(``connected → disconnected (reason) → connecting … → connected``, never
"connected" while the server is dead); sends made while it is down raise
``TransportError`` (``FAILED_TO_FETCH``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cometchat_nb import Client, ConnectionState, TextMessage, TransportError
from cometchat_nb.errors import ErrorCode

from ..support import RESTART_WAIT, Recorder, check_truthful, idle, new_client, settings_at
from .procs import ServerProcess

BACKOFF = 0.05  # injected constant reconnect delay (seconds)
#: reconnect bound after the server is back: the backoff plus generous room for a loaded CI box
RECONNECT_BOUND = BACKOFF + 5.0
KNOBS = {"ping_interval": 0.5, "pong_timeout": 0.5, "connect_timeout": 3.0, "request_timeout": 3.0}
GROUP = "supergroup"  # seeded: superhero1..5 are members


class Progress:
    """A counter coroutines can wait on (bounded), without polling."""

    def __init__(self) -> None:
        self._cond = asyncio.Condition()

    async def notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def wait(self, predicate: Callable[[], bool], timeout: float = RESTART_WAIT) -> None:
        async with asyncio.timeout(timeout), self._cond:
            await self._cond.wait_for(predicate)


@dataclass
class Sender:
    """Keeps POSTing messages (DMs to two users and group messages) over REST."""

    client: Client
    targets: list[tuple[str, str]]
    acked: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (text, receiver, type)
    failed: dict[str, BaseException] = field(default_factory=dict)  # text -> error
    progress: Progress = field(default_factory=Progress)
    up: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = 0

    async def run(self, worker: int, limit: int) -> None:
        n = 0
        while not self.stop.is_set() and n < limit:
            n += 1
            receiver, receiver_type = self.targets[(n + worker) % len(self.targets)]
            text = f"w{worker}-m{n}"
            try:
                msg = await self.client.send_message(TextMessage(receiver, text, receiver_type))
            except TransportError as exc:
                self.failed[text] = exc
                await self.progress.notify()
                await asyncio.wait_for(self.up.wait(), RESTART_WAIT)  # bounded: the test restarts the server
                continue
            assert msg.id is not None
            self.acked[msg.id] = (text, receiver, receiver_type)
            self.sent += 1
            await self.progress.notify()


def expected_for(uid: str, acked: dict[str, tuple[str, str, str]], sender: str) -> set[str]:
    return {
        mid
        for mid, (_, receiver, rtype) in acked.items()
        if (rtype == "group" and uid != sender) or (rtype == "user" and receiver == uid)
    }


def listener_calls(rec: Recorder) -> list[str]:
    return [e.name for e in rec.named("inConnecting", "onConnected", "onDisconnected")]


@pytest.mark.parametrize(
    ("mode", "cycles", "per_cycle"),
    [
        pytest.param("auto", 1, 60, id="auto"),
        pytest.param("manual", 1, 60, id="manual"),
        pytest.param("auto", 3, 600, id="auto-3-crashes", marks=pytest.mark.slow),
        pytest.param("manual", 3, 600, id="manual-3-crashes", marks=pytest.mark.slow),
    ],
)
async def test_sigkill_mid_stream_loses_and_duplicates_nothing(
    tmp_path: Path, clients: list[Client], mode: str, cycles: int, per_cycle: int
) -> None:
    srv = ServerProcess(tmp_path / "chat.sqlite")
    try:
        srv.start()
        manual = mode == "manual"
        settings = settings_at(srv.url, manual=manual, **KNOBS)
        # superhero2..4 stay connected through the crashes (they reconnect by
        # themselves in both modes: the app wanted a socket); superhero5 is a
        # manual app that disconnect()s before the first crash and connect()s
        # after the last one, so it gets everything by catch-up.
        live: dict[str, tuple[Client, Recorder]] = {}
        for uid in ("superhero2", "superhero3", "superhero4"):
            live[uid] = new_client(srv.app_id, settings, backoff=lambda _n: BACKOFF, name=uid)
        late = new_client(
            srv.app_id, settings_at(srv.url, manual=True, **KNOBS), backoff=lambda _n: BACKOFF, name="late"
        )
        alice, _ = new_client(srv.app_id, settings_at(srv.url, manual=True, **KNOBS), name="sender")
        everyone = {**live, "superhero5": late}
        clients.extend(c for c, _ in everyone.values())
        clients.append(alice)
        for uid, (client, _) in everyone.items():
            await client.init()
            await client.login(uid, srv.auth_key)
            if manual or uid == "superhero5":
                await client.connect(timeout=RESTART_WAIT)
        await alice.init()
        await alice.login("superhero1", srv.auth_key)
        for client, _ in everyone.values():
            await client.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
            await client.wait_for_catchup(RESTART_WAIT)

        sender = Sender(alice, [("superhero2", "user"), ("superhero3", "user"), (GROUP, "group")])
        sender.up.set()
        workers = [asyncio.create_task(sender.run(w, per_cycle * (cycles + 1))) for w in range(3)]
        try:
            late_client = late[0]
            cut = 0
            for cycle in range(cycles):
                await sender.progress.wait(lambda c=cycle: sender.sent >= per_cycle * (c + 1))
                if cycle == 0:
                    await late_client.disconnect()
                    cut = int(late_client.get_last_delivered_message_id() or 0)
                    assert late_client.get_connection_status() == "disconnected"

                # --- crash: SIGKILL our server process mid-stream --------------------------
                failures_before = len(sender.failed)
                sender.up.clear()
                killed_at = time.time()
                srv.kill()
                for uid, (client, _) in live.items():
                    state = await client.wait_for_state(
                        ConnectionState.DISCONNECTED,
                        ConnectionState.CONNECTING,
                        ConnectionState.SUSPENDED,
                        timeout=KNOBS["ping_interval"] + 5.0,
                    )
                    assert state is not ConnectionState.CONNECTED, uid
                # sends while it is down fail clearly (and were not acknowledged)
                await sender.progress.wait(lambda fb=failures_before: len(sender.failed) > fb)
                for text, exc in sender.failed.items():
                    assert isinstance(exc, TransportError), (text, exc)
                    assert exc.code == ErrorCode.FAILED_TO_FETCH, exc
                    assert exc.message
                # nobody claims to be connected while the server is dead
                for uid, (client, _) in live.items():
                    assert client.get_connection_status() != "connected", uid
                    assert client.status()["last_error"] or client.state_log[-1].reason, uid

                # --- restart on the same file and ports ---------------------------------------
                up_mono = srv.start()
                up_at = time.time()
                sender.up.set()
                for uid, (client, _) in live.items():
                    await client.wait_for_state(ConnectionState.CONNECTED, timeout=RECONNECT_BOUND)
                    took = time.monotonic() - up_mono
                    assert took <= RECONNECT_BOUND, f"{uid} reconnected {took:.2f}s after the restart"
                for uid, (client, _) in live.items():
                    log = client.state_log
                    dead = [c for c in log if killed_at <= c.at <= up_at]
                    assert not [c for c in dead if c.current is ConnectionState.CONNECTED], (
                        f"{uid} reported connected while the server was dead: {dead}"
                    )
                    drops = [c for c in dead if c.previous is ConnectionState.CONNECTED]
                    assert drops and drops[0].current is ConnectionState.DISCONNECTED, (uid, dead)
                    assert drops[0].reason and drops[0].reason_code, drops[0]
            await sender.progress.wait(lambda: sender.sent >= per_cycle * (cycles + 1))
        finally:
            sender.stop.set()
            sender.up.set()
            outcomes = await asyncio.gather(*workers, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

        # the manual app comes back: catch-up on connect()
        await late_client.connect(timeout=RESTART_WAIT)
        for client, _ in everyone.values():
            await client.wait_for_state(ConnectionState.CONNECTED, timeout=RESTART_WAIT)
            await client.wait_for_catchup(RESTART_WAIT)

        assert sender.failed, "no send failed while the server was down"
        failed_texts = set(sender.failed)
        for uid, (client, rec) in everyone.items():
            want = expected_for(uid, sender.acked, "superhero1")
            await rec.wait(
                lambda r, w=want: w <= {m.id for m in r.args("onTextMessageReceived")}, timeout=RESTART_WAIT
            )
            assert await idle(client)
            got = rec.args("onTextMessageReceived")
            ids = [m.id for m in got]
            assert len(ids) == len(set(ids)), f"{uid}: duplicated {len(ids) - len(set(ids))} messages"
            missing = want - set(ids)
            assert not missing, f"{uid}: lost {len(missing)} acknowledged messages"
            extra = [m for m in got if m.id not in want]
            # only sends whose answer was lost in the crash may show up unacknowledged
            assert all(m.getText() in failed_texts for m in extra), [m.getText() for m in extra]
            check_truthful(client.state_log, listener_calls(rec))
        assert len(sender.acked) >= per_cycle * (cycles + 1)
        assert late_client.last_catchup is not None and late_client.last_catchup.delivered > 0
        after_cut = [m for m in everyone["superhero5"][1].args("onTextMessageReceived") if int(m.id) > cut]
        assert after_cut and all(m.source == "catchup" for m in after_cut)
    finally:
        srv.kill()
