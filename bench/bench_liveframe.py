"""Benchmark: LiveFrame ingestion cost and memory (not a test).

Appends ``--n`` synthetic but realistic events (mostly text messages between
50 users and 10 groups, with typing indicators, receipts, presence and a few
state changes; messages decoded from CometChat-shaped JSON exactly as the SDK
does) to an unbounded :class:`~cometchat_nb.notebook.LiveFrame`, then reports

* bytes/event of the materialised DataFrame (``memory_usage(deep=True)``),
* bytes/event of the buffer (Arrow batch ``nbytes`` + the unfrozen lists),
* the append cost (thread CPU time, median over ten slices) of the first vs
  the last block of ``--block`` events (flat = ratio ≈ 1), next to a raw
  baseline measured in the same run (the same events appended to a plain
  list under a lock),
* the cost of reading ``.df`` cold, again with no new event (cached), and
  after a few more events (incremental),

and ends with ``RESULT liveframe_bytes_per_event=... append_ratio_last_first=...``
(plus ``buffer_bytes_per_event`` and the append costs in µs).
Events are generated block by block outside the timed region.

    python bench/bench_liveframe.py            # 1 000 000 events
    python bench/bench_liveframe.py --n 2000   # smoke run (or --smoke)
    python bench/bench_liveframe.py --keep-raw # the cost of the raw column
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import threading
import time
from typing import Any

from cometchat_nb.client.dispatch import Event
from cometchat_nb.models import MessageReceipt, TypingIndicator, User, message_from_wire
from cometchat_nb.notebook.live_frame import LiveFrame
from cometchat_nb.protocol.states import ConnectionState, ConnectionStateChange

TEXTS = [
    "hi",
    "hey, how are you?",
    "good morning team",
    "can you review my PR when you get a chance?",
    "lunch at 12:30?",
    "sure, sounds good",
    "I'll be 5 minutes late",
    "did the deploy go through?",
    "yes, all green on CI",
    "thanks!",
    "let's sync tomorrow about the roadmap",
    "ok 👍",
    "where is the meeting room?",
    "the build is broken again, looking into it",
    "lol",
    "see you later",
    "can someone share the notebook link?",
    "pushed a fix, please pull",
    "who's on call this weekend?",
    "happy birthday!! 🎉",
]
USERS = [f"superhero{i}" for i in range(1, 51)]
GROUPS = [f"group-{i}" for i in range(1, 11)]


def _message(i: int, rnd: random.Random, now: float) -> Any:
    sender = rnd.choice(USERS)
    if rnd.random() < 0.3:
        receiver, rtype = rnd.choice(GROUPS), "group"
        conversation = f"group_{receiver}"
    else:
        receiver, rtype = rnd.choice([u for u in USERS[:10] if u != sender]), "user"
        a, b = sorted((sender, receiver))
        conversation = f"{a}_user_{b}"
    data: dict[str, Any] = {"text": rnd.choice(TEXTS)}
    if rnd.random() < 0.05:
        data["metadata"] = {"priority": "high"}
    body = {
        "id": str(10_000_000 + i),
        "muid": f"_{i:x}",
        "conversationId": conversation,
        "sender": sender,
        "receiver": receiver,
        "receiverType": rtype,
        "category": "message",
        "type": "text",
        "data": data,
        "sentAt": int(now),
        "updatedAt": int(now),
    }
    return message_from_wire(body, source="live")


def make_block(start: int, size: int, rnd: random.Random) -> list[Event]:
    """``size`` events with ids from ``start`` (≈88% messages)."""
    events: list[Event] = []
    now = time.time()
    for i in range(start, start + size):
        t = now + i * 1e-5
        r = rnd.random()
        if r < 0.88:
            events.append(Event("message", "onTextMessageReceived", (_message(i, rnd, t),), t))
        elif r < 0.93:
            ind = TypingIndicator(rnd.choice(USERS), "user", sender=User(rnd.choice(USERS)))
            name = "onTypingStarted" if r < 0.91 else "onTypingEnded"
            events.append(Event("message", name, (ind,), t))
        elif r < 0.98:
            receipt = MessageReceipt(
                message_id=str(10_000_000 + max(0, i - 3)),
                sender=User(rnd.choice(USERS)),
                receiver_id=rnd.choice(USERS),
                receiver_type="user",
                receipt_type="delivery" if r < 0.96 else "read",
                timestamp=int(t),
            )
            events.append(Event("message", "onMessagesDelivered", (receipt,), t))
        elif r < 0.999:
            events.append(Event("user", "onUserOnline", (User(rnd.choice(USERS), status="online"),), t))
        else:
            change = ConnectionStateChange(
                previous=ConnectionState.CONNECTED,
                current=ConnectionState.DISCONNECTED,
                reason="server asked to reconnect",
                attempt=1,
                retry_in=0.5,
                at=t,
            )
            events.append(Event("connection", "onStateChange", (change,), t))
    return events


def _timed(fn: Any, events: list[Event], parts: int = 10) -> float:
    """Median per-event cost of ``fn(ev)`` over ``parts`` slices of ``events``.

    Thread CPU time, not wall time: the machines are shared, and other
    processes stealing the CPU must not look like a slower append. The median
    of the slices keeps a single GC pause or chunk freeze from dominating.
    """
    step = max(1, len(events) // parts)
    costs: list[float] = []
    for k in range(0, len(events), step):
        part = events[k : k + step]
        t0 = time.thread_time()
        for ev in part:
            fn(ev)
        costs.append((time.thread_time() - t0) / len(part))
    return statistics.median(costs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="events to append (default 1 000 000)")
    parser.add_argument("--block", type=int, default=100_000, help="events per timed block (default 100 000)")
    parser.add_argument("--chunk-rows", type=int, default=8192)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-raw", action="store_true", help="fill the raw column (its cost)")
    parser.add_argument(
        "--smoke", action="store_true", help="3 000 events in blocks of 1 000 (the test suite)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.n, args.block = 3000, 1000
    n = args.n
    block = max(1, min(args.block, n))
    rnd = random.Random(args.seed)
    live = LiveFrame(max_rows=None, chunk_rows=args.chunk_rows, keep_raw=args.keep_raw)
    baseline: list[Event] = []
    lock = threading.Lock()
    block_times: list[float] = []
    base_times: list[float] = []
    appended = 0
    while appended < n:
        size = min(block, n - appended)
        events = make_block(appended, size, rnd)
        gc.collect()
        block_times.append(_timed(live.append_event, events))

        def base(ev: Event) -> None:
            with lock:
                baseline.append(ev)

        base_times.append(_timed(base, events))
        baseline.clear()
        appended += size
        del events
    gc.collect()
    buffer = live.memory_usage()

    t0 = time.perf_counter()
    df = live.df
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    live.df  # noqa: B018 - timing the cached read
    cached = time.perf_counter() - t0
    live.extend(make_block(n, 10, rnd))
    t0 = time.perf_counter()
    live.df  # noqa: B018 - timing the incremental read
    incremental = time.perf_counter() - t0

    df_bytes = int(df.memory_usage(deep=True).sum())
    per_event = df_bytes / max(1, len(df))
    buffer_per_event = buffer["total"] / max(1, buffer["rows"])
    first, last = block_times[0], block_times[-1]
    ratio = last / first if first else float("nan")
    raw = ", keep_raw" if args.keep_raw else ""
    print(f"events appended            {n:,} (blocks of {block:,}; chunk_rows {args.chunk_rows}{raw})")
    print(f"DataFrame                  {len(df):,} rows, {df_bytes / 1e6:.1f} MB, {per_event:.1f} B/event")
    for name, value in df.memory_usage(deep=True).items():
        print(f"    {name:<16} {value / max(1, len(df)):6.1f} B/event   {df.dtypes.get(name, '')}")
    print(
        f"buffer                     {buffer['total'] / 1e6:.1f} MB, {buffer_per_event:.1f} B/event "
        f"(batches {buffer['batches'] / 1e6:.1f} MB, unfrozen lists {buffer['lists'] / 1e3:.1f} kB)"
    )
    print(
        f"append                     first block {first * 1e6:.2f} µs/event, "
        f"last block {last * 1e6:.2f} µs/event (ratio {ratio:.2f}); "
        f"all blocks: {', '.join(f'{t * 1e6:.2f}' for t in block_times)}"
    )
    print(
        f"baseline (list + lock)     first {base_times[0] * 1e6:.2f} µs/event, "
        f"last {base_times[-1] * 1e6:.2f} µs/event"
    )
    print(
        f"read .df                   cold {cold * 1e3:.1f} ms, cached {cached * 1e3:.2f} ms, "
        f"+10 events {incremental * 1e3:.1f} ms"
    )
    print(
        f"RESULT liveframe_bytes_per_event={per_event:.1f} append_ratio_last_first={ratio:.2f} "
        f"buffer_bytes_per_event={buffer_per_event:.1f} append_first_us={first * 1e6:.2f} "
        f"append_last_us={last * 1e6:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
