"""One load-test client process: many users, each with one socket, in one event loop.

Run by ``test_load.py`` (``python -m tests.reliability.load_worker CONFIG.json``).
Part of the users are real SDK :class:`~cometchat_nb.Client` objects (auto mode:
login opens the socket; listeners record every text message), the rest are
light raw sockets (websockets + the wire protocol by hand). The worker talks to
the test over stdin/stdout, one command per line, every step bounded:

* prints ``READY <sockets>`` once all its users are connected;
* on ``GO`` sends its share of messages over REST (as its own users, each with
  the ``resource`` of that user's socket, so echoes are dropped as the SDK
  does), writes them to ``<out>.sent.json`` and prints ``SENT <n> <failed>``;
* on ``CHECK <file>`` (expected message ids per uid) waits until every user got
  them, writes what each user received, in order, to ``<out>.got.json`` and
  prints ``DONE``;
* on ``EXIT`` (or stdin closed, or the watchdog) closes everything and exits.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from websockets.asyncio.client import ClientConnection, connect

from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore, MessageListener, TextMessage
from cometchat_nb.protocol.states import ConnectionState

STEP_TIMEOUT = 600.0


@dataclass
class User:
    uid: str
    sdk: bool
    group: str
    resource: str = ""
    token: str = ""
    client: Client | None = None
    ws: ClientConnection | None = None
    got: list[str] = field(default_factory=list)


class Tally:
    """Counts received messages across threads; wakes the loop when a target is reached."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.count = 0
        self.target: int | None = None
        self.reached = asyncio.Event()

    def add(self, user: User, mid: str) -> None:
        with self.lock:
            user.got.append(mid)
            self.count += 1
            hit = self.target is not None and self.count >= self.target
        if hit:
            self.loop.call_soon_threadsafe(self.reached.set)

    def expect(self, target: int) -> None:
        with self.lock:
            self.target = target
            if self.count >= target:
                self.reached.set()


async def _admin_token(http: aiohttp.ClientSession, cfg: dict[str, Any], uid: str) -> tuple[str, str]:
    base, app = cfg["url"] + "/v3.0", cfg["app_id"]
    async with http.post(
        f"{base}/users/{uid}/auth_tokens", headers={"appId": app, "apiKey": cfg["auth_key"]}, json={}
    ) as r:
        token = (await r.json())["data"]["authToken"]
    async with http.put(f"{base}/me", headers={"appId": app, "authToken": token}, json={}) as r:
        jwt = (await r.json())["data"]["jwt"]
    return token, jwt


async def _raw_reader(user: User, tally: Tally) -> None:
    assert user.ws is not None
    async for raw in user.ws:
        frame = orjson.loads(raw)
        if frame.get("type") != "message" or frame.get("deviceId") == user.resource:
            continue
        body = frame["body"]
        if body.get("category") == "message" and body.get("type") == "text":
            tally.add(user, body["id"])


async def _open_raw(user: User, cfg: dict[str, Any], http: aiohttp.ClientSession, tally: Tally) -> None:
    user.token, jwt = await _admin_token(http, cfg, user.uid)
    user.resource = f"raw-{user.uid}"
    ws = await connect(cfg["ws_url"], compression=None, open_timeout=60, ping_interval=None, max_queue=None)
    auth = {"appId": cfg["app_id"], "type": "auth", "sender": user.uid, "deviceId": user.resource,
            "body": {"auth": jwt, "deviceId": user.resource, "presenceSubscription": "NONE"}}  # fmt: skip
    await ws.send(orjson.dumps(auth).decode())
    answer = orjson.loads(await asyncio.wait_for(ws.recv(), 60))
    assert answer["body"]["status"] == "OK", answer
    user.ws = ws


async def _open_sdk(user: User, cfg: dict[str, Any], http: aiohttp.ClientSession, tally: Tally) -> None:
    settings = (
        AppSettingsBuilder()
        .setRegion("eu")
        .overrideClientHost(cfg["url"])
        .overrideAdminHost(cfg["url"])
        .setTimeouts(connect=60, request=60)
        .build()
    )
    client = Client(
        cfg["app_id"], settings, store=MemorySessionStore(), backoff=lambda n: 0.05, name=user.uid
    )
    client.add_message_listener(
        "load", MessageListener(onTextMessageReceived=lambda m: tally.add(user, m.id))
    )
    user.client = client
    user.token, _ = await _admin_token(http, cfg, user.uid)  # for the light REST sender
    await client.init()
    await client.login(user.uid, cfg["auth_key"])
    await client.wait_for_state(ConnectionState.CONNECTED, timeout=120)
    await client.wait_for_catchup(120)
    user.resource = client.resource  # REST sends carry it, so the SDK drops their echo


async def _send_all(
    users: list[User], cfg: dict[str, Any], http: aiohttp.ClientSession
) -> tuple[list[dict[str, str]], int]:
    rng = random.Random(cfg["seed"])
    all_uids: list[str] = cfg["all_uids"]
    plan = []
    for i in range(cfg["messages"]):
        sender = users[rng.randrange(len(users))]
        if rng.random() < cfg["group_share"]:
            plan.append((i, sender, sender.group, "group"))
        else:
            receiver = all_uids[rng.randrange(len(all_uids))]
            while receiver == sender.uid:
                receiver = all_uids[rng.randrange(len(all_uids))]
            plan.append((i, sender, receiver, "user"))
    sent: list[dict[str, str]] = []
    failed = 0
    queue: asyncio.Queue[tuple[int, User, str, str]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    url = cfg["url"] + "/v3.0/messages"

    async def worker() -> None:
        nonlocal failed
        while not queue.empty():
            i, sender, receiver, rtype = queue.get_nowait()
            text = f"{cfg['worker']}-{i}"
            try:
                if sender.client is not None and i % 10 == 0:  # some through the SDK itself
                    msg = await sender.client.send_message(TextMessage(receiver, text, rtype))
                    mid = str(msg.id)
                else:
                    body = {"receiver": receiver, "receiverType": rtype, "category": "message",
                            "type": "text", "data": {"text": text}}  # fmt: skip
                    headers = {"appId": cfg["app_id"], "authToken": sender.token, "resource": sender.resource}
                    async with http.post(url, headers=headers, json=body) as r:
                        mid = (await r.json())["data"]["id"]
            except Exception as exc:  # reported, and the test fails on any
                failed += 1
                print(f"send failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                continue
            sent.append({"id": mid, "sender": sender.uid, "receiver": receiver, "type": rtype})

    await asyncio.gather(*(worker() for _ in range(cfg["concurrency"])))
    return sent, failed


def _write(path: str, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj))


def _read(path: str) -> Any:
    return json.loads(Path(path).read_text())


async def _readline(reader: asyncio.StreamReader) -> str:
    line = await asyncio.wait_for(reader.readline(), STEP_TIMEOUT)
    if not line:
        raise SystemExit("stdin closed: the test is gone")
    return line.decode().strip()


async def main(cfg: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tally = Tally(loop)
    users = [User(uid, sdk, group) for uid, sdk, group in cfg["users"]]
    connector = aiohttp.TCPConnector(limit=cfg["concurrency"] + 8)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:
        gate = asyncio.Semaphore(16)

        async def open_one(user: User) -> None:
            async with gate:
                if user.sdk:
                    await _open_sdk(user, cfg, http, tally)
                else:
                    await _open_raw(user, cfg, http, tally)

        t0 = time.monotonic()
        await asyncio.gather(*(open_one(u) for u in users))
        readers = [asyncio.create_task(_raw_reader(u, tally)) for u in users if u.ws is not None]
        print(f"READY {len(users)} {time.monotonic() - t0:.2f}", flush=True)
        try:
            assert await _readline(reader) == "GO"
            t0 = time.monotonic()
            sent, failed = await _send_all(users, cfg, http)
            await asyncio.to_thread(_write, cfg["out"] + ".sent.json", sent)
            print(f"SENT {len(sent)} {failed} {time.monotonic() - t0:.2f}", flush=True)
            command, path = (await _readline(reader)).split(" ", 1)
            assert command == "CHECK"
            expected: dict[str, list[str]] = await asyncio.to_thread(_read, path)
            tally.expect(sum(len(v) for v in expected.values()))
            try:
                await asyncio.wait_for(tally.reached.wait(), cfg["drain_timeout"])
            except TimeoutError:
                pass  # the test compares and reports what is missing
            for u in users:  # the SDK's listeners run on dispatch threads: let them finish
                if u.client is not None:
                    await asyncio.to_thread(u.client.wait_listeners_idle, 30)
            stats = {
                u.uid: {
                    "duplicates_dropped": u.client.duplicates_dropped,
                    "reconnects": u.client.status()["reconnects"],
                }
                for u in users
                if u.client is not None
            }
            with tally.lock:
                report = {"got": {u.uid: list(u.got) for u in users}, "sdk": stats}
            await asyncio.to_thread(_write, cfg["out"] + ".got.json", report)
            print("DONE", flush=True)
            await _readline(reader)  # EXIT
        finally:
            for task in readers:
                task.cancel()
            for u in users:
                if u.ws is not None:
                    await u.ws.close()
                if u.client is not None:
                    await u.client.close()


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        config = json.load(fh)
    asyncio.run(main(config))
