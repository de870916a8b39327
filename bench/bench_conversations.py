"""Benchmark: the conversation list and the unread counts of a user with 1 000
conversations, in a database of 100 000 and of 1 000 000 messages.

For each size a SQLite database is built with the store's own schema (its
migrations and triggers, so the conversations and counters are kept exactly as
a running server keeps them) by bulk inserts, not REST calls: users, groups and
their members, then the messages, spread at random over 10 000 conversations of
which ``--conversations`` (1 000) are the measured user's (90 % direct, 10 %
groups of 10), and a random read mark in half of that user's conversations.
Every conversation thus holds ten times more messages in the larger database.

An :class:`~cometchat_nb.server.EmbeddedServer` then serves that file and the
user's REST calls are timed one after the other over a kept-alive HTTP
connection (loopback, the server on its own thread): ``GET conversations``
(``per_page=30&page=1``, what ``ConversationsRequestBuilder().fetchNext()``
sends) and ``GET messages?unread=1&count=1&hideMessagesFromBlockedUsers=0``
(what ``CometChat.getUnreadMessageCount()`` sends), interleaved, after a
warm-up. Reported: p50/p99 of each at both sizes, and the growth (p50 at the
larger size ÷ p50 at the smaller) — the cost must not follow the number of
messages.

    python bench/bench_conversations.py            # 100 000 and 1 000 000 messages (≈2 min)
    python bench/bench_conversations.py --smoke    # 2 000 and 20 000 messages, 50 conversations
    python bench/bench_conversations.py --keep DIR # build into DIR, reuse what is there
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from _common import median, percentile, result_line

from cometchat_nb.server import EmbeddedServer
from cometchat_nb.server.store import ConversationQuery, Store

ME = "me"
MEMBERS_PER_GROUP = 10
SEED = 13


def _user(uid: str) -> dict[str, Any]:
    return {"uid": uid, "name": f"User {uid}", "role": "default", "status": "offline"}


def build(path: Path, messages: int, mine: int, total_conversations: int) -> dict[str, Any]:
    """Write the database at ``path`` (see the module docstring); returns what it holds."""
    rnd = random.Random(SEED)
    started = time.monotonic()
    store = Store(path)  # the schema as the server makes it: migrations, tables, triggers
    store.close()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # a one-off bulk load: no journal, a large page cache (the Store reopens it in WAL mode)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")
        others = [f"u{i:05d}" for i in range(max(2 * total_conversations // 10, mine + 100))]
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO users(uid, name, role, created_at) VALUES(?, ?, 'default', 1)",
            [(uid, f"User {uid}") for uid in [ME, *others]],
        )
        # conversations: (conversation id, receiver type, receiver, members)
        conversations: list[tuple[str, str, str, list[str]]] = []
        my_groups = max(1, mine // 10)
        partners = rnd.sample(others, mine - my_groups)
        for uid in partners:
            a, b = sorted((ME, uid))
            conversations.append((f"{a}_user_{b}", "user", uid, [ME, uid]))
        background = total_conversations - mine
        for i in range(my_groups + background // 10):
            guid = f"g{i:05d}"
            members = ([ME] if i < my_groups else []) + rnd.sample(
                others, MEMBERS_PER_GROUP - (i < my_groups)
            )
            db.execute(
                "INSERT INTO chat_groups(guid, name, type, owner, created_at, updated_at)"
                " VALUES(?, ?, 'public', ?, 1, 1)",
                (guid, f"Group {guid}", members[0]),
            )
            db.executemany(
                "INSERT INTO members(guid, uid, scope, joined_at) VALUES(?, ?, 'participant', 1)",
                [(guid, uid) for uid in members],
            )
            conversations.append((f"group_{guid}", "group", guid, members))
        seen: set[str] = {c[0] for c in conversations}
        while len(conversations) < total_conversations:
            x, y = sorted(rnd.sample(others, 2))
            cid = f"{x}_user_{y}"
            if cid not in seen:
                seen.add(cid)
                conversations.append((cid, "user", y, [x, y]))
        db.execute("COMMIT")

        my_ids: dict[str, list[int]] = {c[0]: [] for c in conversations[:mine]}
        mine_index = {c[0] for c in conversations[:mine]}
        texts = ["hello there", "see you at five", "ok!", "what about the report?", "thanks, got it"]
        batch: list[tuple[Any, ...]] = []
        db.execute("BEGIN")
        for mid in range(1, messages + 1):
            cid, kind, receiver, members = conversations[rnd.randrange(total_conversations)]
            sender = rnd.choice(members)
            if kind == "user":
                receiver = members[0] if sender == members[1] else members[1]
            at = 1_700_000_000 + mid // 10
            body = {
                "id": str(mid),
                "conversationId": cid,
                "sender": sender,
                "receiver": receiver,
                "receiverType": kind,
                "category": "message",
                "type": "text",
                "data": {
                    "text": rnd.choice(texts),
                    "entities": {
                        "sender": {"entity": _user(sender), "entityType": "user"},
                        "receiver": {
                            "entity": _user(receiver)
                            if kind == "user"
                            else {"guid": receiver, "name": receiver},
                            "entityType": kind,
                        },
                    },
                },
                "sentAt": at,
                "updatedAt": at,
            }
            batch.append((mid, cid, sender, receiver, kind, orjson.dumps(body), at))
            if cid in mine_index:
                my_ids[cid].append(mid)
            if len(batch) == 50_000:
                _insert(db, batch)
                batch = []
        _insert(db, batch)
        db.execute("COMMIT")
    finally:
        db.close()
    store = Store(path)
    try:
        for cid, ids in my_ids.items():
            if ids and rnd.random() < 0.5:
                store.set_read(ME, cid, rnd.choice(ids), 1_700_000_000)
        store.set_meta("bench_conversations", f"{messages},{mine},{total_conversations}")
        unread = sum(count for _, _, count in store.unread_counts(ME))
        listed = store.conversations_page(ME, ConversationQuery(limit=30))[1]
    finally:
        store.close()
    return {"seconds": time.monotonic() - started, "unread": unread, "listed": listed}


def _insert(db: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
    db.executemany(
        "INSERT INTO messages(id, conversation_id, sender, receiver, receiver_type, category, type, json,"
        " sent_at, updated_at) VALUES(?, ?, ?, ?, ?, 'message', 'text', ?, ?, ?)",
        [(*row[:6], row[6], row[6]) for row in batch],
    )


def ready_database(directory: Path, messages: int, mine: int, total: int) -> tuple[Path, dict[str, Any]]:
    """The database for this size: reused from ``directory`` when it was built with the same parameters."""
    path = directory / f"conversations-{messages}.sqlite"
    if path.exists():
        with sqlite3.connect(path) as db:
            row = db.execute("SELECT value FROM meta WHERE key='bench_conversations'").fetchone()
        if row is not None and row[0] == f"{messages},{mine},{total}":
            return path, {"seconds": 0.0, "reused": True}
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path, build(path, messages, mine, total)


def measure(path: Path, requests: int, warmup: int) -> dict[str, list[float]]:
    """Latencies (ms) of the two calls against a server on ``path``."""
    out: dict[str, list[float]] = {"list": [], "count": []}
    calls = {
        "list": "/v3.0/conversations?per_page=30&page=1",
        "count": "/v3.0/messages?unread=1&count=1&hideMessagesFromBlockedUsers=0",
    }
    with EmbeddedServer(db=path, seed=False) as server:
        headers = {
            "appId": server.app_id,
            "authToken": server.issue_auth_token(ME),
            "Accept": "application/json",
        }
        with httpx.Client(base_url=server.url, headers=headers, timeout=30.0) as http:
            for i in range(warmup + requests):
                for name, url in calls.items():
                    t0 = time.perf_counter()
                    reply = http.get(url)
                    elapsed = (time.perf_counter() - t0) * 1000
                    body = reply.json()
                    if "data" not in body:
                        raise RuntimeError(f"{url}: {body}")
                    if i >= warmup:
                        out[name].append(elapsed)
            first = http.get(calls["list"]).json()
            if len(first["data"]) != 30 and first["meta"]["pagination"]["total"] >= 30:
                raise RuntimeError("the first page does not hold 30 conversations")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="message counts (smaller first)")
    parser.add_argument("--conversations", type=int, default=1000, help="the measured user's conversations")
    parser.add_argument("--total", type=int, default=10_000, help="conversations in the database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each call per size")
    parser.add_argument("--keep", type=Path, default=None, help="build the databases here and reuse them")
    parser.add_argument("--smoke", action="store_true", help="2 000 and 20 000 messages, 50 conversations")
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.conversations, args.total, args.requests = "2000,20000", 50, 500, 20
    sizes = [int(s) for s in args.sizes.split(",")]
    if len(sizes) != 2:
        parser.error("--sizes takes two message counts")
    figures: dict[str, Any] = {"conversations": args.conversations}
    with tempfile.TemporaryDirectory(prefix="bench-conv-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        for label, size in zip(("small", "large"), sizes, strict=True):
            path, built = ready_database(directory, size, args.conversations, args.total)
            how = "reused" if built.get("reused") else f"built in {built['seconds']:.1f} s"
            print(
                f"{size:,} messages: {how}, {path.stat().st_size / 2**20:.0f} MiB"
                + (
                    f"; {built['listed']} conversations listed, {built['unread']} unread"
                    if "listed" in built
                    else ""
                )
            )
            times = measure(path, args.requests, warmup=max(5, args.requests // 10))
            figures[f"{label}_messages"] = size
            for name, values in times.items():
                figures[f"{name}_p50_ms_{label}"] = round(median(values), 3)
                figures[f"{name}_p99_ms_{label}"] = round(percentile(values, 99), 3)
                print(
                    f"  {name:5}: p50 {median(values):.2f} ms, p99 {percentile(values, 99):.2f} ms"
                    f" ({len(values)} requests)"
                )
    for name in ("list", "count"):
        figures[f"{name}_growth"] = round(
            figures[f"{name}_p50_ms_large"] / figures[f"{name}_p50_ms_small"], 3
        )
    figures["growth"] = max(figures["list_growth"], figures["count_growth"])
    print(result_line(**figures))


if __name__ == "__main__":
    main()
