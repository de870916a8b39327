"""LiveFrame: the documented schema and dtypes, one row per event, the rolling bound,
thread safety, cached/incremental snapshots, Parquet round trip and wait_for."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cometchat_nb import CometChat
from cometchat_nb import TimeoutError as SdkTimeoutError
from cometchat_nb.client.client import CatchupResult
from cometchat_nb.client.dispatch import Event
from cometchat_nb.errors import AuthError
from cometchat_nb.models import MessageReceipt, TypingIndicator, User, message_from_wire
from cometchat_nb.notebook import COLUMNS, DICTIONARY_COLUMNS, LiveFrame, event_name
from cometchat_nb.notebook.live_frame import SCHEMA, _table_to_pandas
from cometchat_nb.protocol.states import ConnectionState, ConnectionStateChange

T0 = 1_700_000_000.0

EXPECTED_DTYPES = {
    "received_at": "datetime64[ns, UTC]",
    "event": "category",
    "kind": "category",
    "category": "category",
    "type": "category",
    "message_id": "string[pyarrow]",
    "conversation_id": "category",
    "sender": "category",
    "receiver": "category",
    "receiver_type": "category",
    "text": "string[pyarrow]",
    "source": "category",
    "sent_at": "datetime64[ns, UTC]",
    "state": "category",
    "extra": "string[pyarrow]",
    "raw": "string[pyarrow]",
}


def text_event(i: int, text: str | None = None, *, sender: str = "superhero2", **data: Any) -> Event:
    body: dict[str, Any] = {
        "id": str(i),
        "conversationId": f"superhero1_user_{sender}",
        "sender": sender,
        "receiver": "superhero1",
        "receiverType": "user",
        "category": "message",
        "type": "text",
        "data": {"text": text if text is not None else f"message {i}", **data},
        "sentAt": int(T0) + i,
    }
    return Event("message", "onTextMessageReceived", (message_from_wire(body),), T0 + i)


def check_dtypes(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == EXPECTED_DTYPES
    assert not any(pd.api.types.is_object_dtype(t) for t in df.dtypes), "no object columns"
    for name in DICTIONARY_COLUMNS:
        assert not pd.api.types.is_object_dtype(df[name].cat.categories.dtype)
    assert isinstance(df["text"].dtype, pd.ArrowDtype)


def test_schema_and_dtypes_are_exactly_as_documented() -> None:
    live = LiveFrame()
    check_dtypes(live.df)  # empty
    assert len(live.df) == 0
    live(text_event(1, "hello"))
    check_dtypes(live.df)  # only the unfrozen tail
    small = LiveFrame(chunk_rows=2)
    for i in range(5):
        small(text_event(i))
    check_dtypes(small.df)  # batches + tail
    assert [f.name for f in SCHEMA] == list(COLUMNS)


def test_event_names_are_snake_case_without_prefix() -> None:
    assert event_name("onTextMessageReceived") == "text_message_received"
    assert event_name("onTypingStarted") == "typing_started"
    assert event_name("onMessagesDelivered") == "messages_delivered"
    assert event_name("onUserOnline") == "user_online"
    assert event_name("onGroupMemberJoined") == "group_member_joined"
    assert event_name("onMessageEdited") == "message_edited"
    assert event_name("onStateChange") == "state_change"
    assert event_name("inConnecting") == "connecting"
    assert event_name("onCatchupFinished") == "catchup_finished"
    assert event_name("loginSuccess") == "login_success"
    assert event_name("text_message_received") == "text_message_received"


def test_a_text_message_row() -> None:
    live = LiveFrame()
    live(text_event(7, "hi there", metadata={"mood": "happy"}))
    row = live.df.iloc[0]
    assert row["received_at"] == pd.Timestamp(T0 + 7, unit="s", tz="UTC")
    assert (row["event"], row["kind"], row["category"], row["type"]) == (
        "text_message_received",
        "message",
        "message",
        "text",
    )
    assert (row["message_id"], row["sender"], row["receiver"], row["receiver_type"]) == (
        "7",
        "superhero2",
        "superhero1",
        "user",
    )
    assert row["conversation_id"] == "superhero1_user_superhero2"
    assert (row["text"], row["source"]) == ("hi there", "live")
    assert row["sent_at"] == pd.Timestamp(int(T0) + 7, unit="s", tz="UTC")
    assert pd.isna(row["state"])
    assert json.loads(row["extra"]) == {"metadata": {"mood": "happy"}}
    assert pd.isna(row["raw"])  # keep_raw=False


def test_rows_of_other_payloads() -> None:
    live = LiveFrame(keep_raw=True)
    now = T0
    typing = TypingIndicator("superhero1", "user", sender=User("superhero2"))
    receipt = MessageReceipt(
        message_id="9",
        sender=User("superhero2"),
        receiver_id="superhero1",
        receiver_type="user",
        receipt_type="read",
        timestamp=int(T0),
    )
    change = ConnectionStateChange(
        previous=ConnectionState.CONNECTED,
        current=ConnectionState.DISCONNECTED,
        reason="server asked to reconnect",
        reason_code="4000",
        attempt=2,
        retry_in=1.5,
        at=now,
    )
    result = CatchupResult(delivered=3, pages=1, gap_possible=False, from_id="5", to_id="8")
    custom = message_from_wire(
        {
            "id": "12",
            "sender": "superhero3",
            "receiver": "supergroup",
            "receiverType": "group",
            "category": "custom",
            "type": "location",
            "data": {"customData": {"lat": 1.5}},
        }
    )
    events = [
        Event("message", "onTypingStarted", (typing,), now),
        Event("message", "onMessagesRead", (receipt,), now),
        Event("user", "onUserOnline", (User("superhero3", name="Spiderman", status="online"),), now),
        Event("connection", "onStateChange", (change,), now),
        Event("connection", "inConnecting", (), now),
        Event("connection", "onConnected", (), now),
        Event("connection", "onCatchupFinished", (result,), now),
        Event(
            "connection", "onConnectionError", (AuthError("bad key", code="AUTH_ERR_APIKEY_NOT_FOUND"),), now
        ),
        Event("login", "loginSuccess", (User("superhero1", name="Iron Man"),), now),
        Event("login", "logoutSuccess", (), now),
        Event("message", "onCustomMessageReceived", (custom,), now),
        Event("message", "onSomethingNew", (object(),), now),
    ]
    live.extend(events)
    df = live.df
    check_dtypes(df)
    rows = {r["event"]: r for r in df.to_dict("records")}
    t = rows["typing_started"]
    assert (t["sender"], t["receiver"], t["receiver_type"]) == ("superhero2", "superhero1", "user")
    r = rows["messages_read"]
    assert (r["message_id"], r["sender"]) == ("9", "superhero2")
    assert json.loads(r["extra"]) == {"receiptType": "read", "timestamp": int(T0)}
    u = rows["user_online"]
    assert u["sender"] == "superhero3" and json.loads(u["extra"])["status"] == "online"
    s = rows["state_change"]
    assert s["state"] == "disconnected"
    assert json.loads(s["extra"]) == {
        "previous": "connected",
        "reason": "server asked to reconnect",
        "reasonCode": "4000",
        "attempt": 2,
        "retryIn": 1.5,
    }
    assert rows["connecting"]["state"] == "connecting"
    assert rows["connected"]["state"] == "connected"
    c = json.loads(rows["catchup_finished"]["extra"])
    assert (c["delivered"], c["pages"], c["gapPossible"]) == (3, 1, False)
    e = json.loads(rows["connection_error"]["extra"])
    assert e == {"code": "AUTH_ERR_APIKEY_NOT_FOUND", "message": "bad key"}
    assert rows["login_success"]["sender"] == "superhero1"
    assert pd.isna(rows["logout_success"]["extra"])
    cu = rows["custom_message_received"]
    assert (cu["category"], cu["type"], cu["receiver_type"]) == ("custom", "location", "group")
    assert json.loads(cu["extra"]) == {"customData": {"lat": 1.5}}
    assert json.loads(cu["raw"])["data"]["customData"] == {"lat": 1.5}  # keep_raw=True
    assert rows["something_new"]["kind"] == "message"  # unknown payloads still make a row
    assert all(isinstance(v, str) for v in df["raw"].dropna())


def test_values_of_the_wrong_type_do_not_break_a_batch() -> None:
    live = LiveFrame(chunk_rows=2)
    odd_user = User(uid=12345)  # type: ignore[arg-type]  # models do not check types at runtime
    live(Event("user", "onUserOnline", (odd_user,), T0))
    live(text_event(1))
    live(Event("message", "onTextMessageReceived", (message_from_wire({"id": "2", "sentAt": 10**30}),), T0))
    df = live.df
    check_dtypes(df)
    assert df["sender"].iloc[0] == "12345" and pd.isna(df["sent_at"].iloc[2])


def test_rolling_bound_keeps_the_newest_rows() -> None:
    live = LiveFrame(max_rows=10, chunk_rows=4)
    for i in range(25):
        live(text_event(i))
    df = live.df
    assert len(live) == len(df) == 10
    assert list(df["message_id"]) == [str(i) for i in range(15, 25)]
    assert live.total == 25 and live.counts == {"text_message_received": 25}
    assert live.memory_usage()["rows"] <= 10 + 4  # whole old batches were dropped
    live.max_rows = 3
    assert list(live.df["message_id"]) == ["22", "23", "24"]
    live.max_rows = None
    live(text_event(25))
    assert len(live) >= 4


def test_small_max_rows_shrinks_the_chunks() -> None:
    live = LiveFrame(max_rows=5, chunk_rows=8192)
    assert live.chunk_rows == 5
    for i in range(1000):
        live(text_event(i))
    assert live.memory_usage()["rows"] <= 10
    assert list(live.df["message_id"]) == [str(i) for i in range(995, 1000)]


def test_snapshots_are_cached_incremental_and_independent() -> None:
    live = LiveFrame(chunk_rows=16)
    for i in range(40):
        live(text_event(i))
    first = live.df
    again = live.df
    pd.testing.assert_frame_equal(first, again)
    first.loc[0, "text"] = "changed by the user"
    assert live.df.loc[0, "text"] == "message 0"  # the snapshot is not the buffer
    for i in range(40, 100):
        live(text_event(i, sender=f"user{i % 7}"))  # new categories in later batches
        if i % 13 == 0:
            live.df  # noqa: B018 - interleave reads so the incremental path runs
    incremental = live.df
    fresh = _table_to_pandas(live.to_arrow())
    check_dtypes(incremental)
    pd.testing.assert_frame_equal(
        incremental.astype({c: str for c in DICTIONARY_COLUMNS}),
        fresh.astype({c: str for c in DICTIONARY_COLUMNS}),
    )
    assert list(incremental["message_id"]) == [str(i) for i in range(100)]


def test_rolling_window_with_cached_reads_matches_a_fresh_build() -> None:
    live = LiveFrame(max_rows=50, chunk_rows=8)
    for i in range(300):
        live(text_event(i, sender=f"u{i % 11}"))
        if i % 17 == 0:
            df = live.df
            assert list(df["message_id"]) == [str(k) for k in range(max(0, i - 49), i + 1)]
    assert list(live.df["message_id"]) == [str(k) for k in range(250, 300)]


def test_tail_and_tail_records() -> None:
    live = LiveFrame(chunk_rows=4)
    for i in range(10):
        live(text_event(i))
    tail = live.tail(6)
    check_dtypes(tail)
    assert list(tail["message_id"]) == [str(i) for i in range(4, 10)]
    records = live.tail_records(6)
    assert [r["message_id"] for r in records] == [str(i) for i in range(4, 10)]
    assert records[0]["received_at"] == pytest.approx(T0 + 4)
    assert records[0]["sent_at"] == int(T0) + 4
    assert live.tail(0).empty and live.tail_records(0) == []


def test_concurrent_appenders_and_readers() -> None:
    live = LiveFrame(max_rows=None, chunk_rows=64)
    threads_n, per_thread = 6, 1500
    start = threading.Barrier(threads_n + 1)
    stop_reading = threading.Event()
    read_errors: list[BaseException] = []

    def writer(k: int) -> None:
        start.wait()
        for i in range(per_thread):
            live(text_event(k * 100_000 + i, sender=f"writer{k}"))

    def reader() -> None:
        start.wait()
        try:
            while not stop_reading.is_set():
                df = live.df
                assert df["message_id"].notna().all()
                live.tail_records(5)
                live.counts  # noqa: B018
        except BaseException as exc:
            read_errors.append(exc)

    writers = [threading.Thread(target=writer, args=(k,)) for k in range(threads_n)]
    read_thread = threading.Thread(target=reader)
    for t in [*writers, read_thread]:
        t.start()
    for t in writers:
        t.join(60)
    stop_reading.set()
    read_thread.join(60)
    assert not read_errors
    df = live.df
    assert len(df) == live.total == threads_n * per_thread
    assert live.counts == {"text_message_received": threads_n * per_thread}
    for k in range(threads_n):
        ids = df.loc[df["sender"] == f"writer{k}", "message_id"].astype(int).tolist()
        assert ids == [k * 100_000 + i for i in range(per_thread)]  # each writer's order is kept


def test_parquet_round_trip(tmp_path: Path) -> None:
    live = LiveFrame(chunk_rows=3, keep_raw=True)
    for i in range(8):
        live(text_event(i, metadata={"i": i}) if i % 2 else text_event(i))
    live(Event("connection", "onConnected", (), T0 + 100))
    path = tmp_path / "events.parquet"
    live.to_parquet(path)
    back = LiveFrame.read_parquet(path)
    check_dtypes(back)
    pd.testing.assert_frame_equal(
        back.astype({c: str for c in DICTIONARY_COLUMNS}),
        live.df.astype({c: str for c in DICTIONARY_COLUMNS}),
    )
    assert pq.read_schema(path).field("event").type == pa.dictionary(pa.int16(), pa.string())


def test_wait_for_blocks_until_events_arrive() -> None:
    live = LiveFrame()
    gate = threading.Event()

    def produce() -> None:
        gate.wait(10)
        for i in range(3):
            live(text_event(i))
        live(Event("message", "onTypingStarted", (TypingIndicator("a", "user", sender=User("b")),), T0))

    thread = threading.Thread(target=produce)
    thread.start()
    gate.set()
    assert live.wait_for(count=3, event="onTextMessageReceived", timeout=10) is live
    live.wait_for(predicate=lambda lf: lf.counts.get("typing_started", 0) == 1, timeout=10)
    live.wait_for(count=4, timeout=10)
    thread.join(10)
    with pytest.raises(SdkTimeoutError) as info:
        live.wait_for(count=99, event="text_message_received", timeout=0.05)
    assert "seen 3" in str(info.value)


def test_clear_and_version() -> None:
    live = LiveFrame()
    v0 = live.version
    live(text_event(1))
    assert live.version > v0
    live.clear()
    assert len(live) == 0 and live.counts == {} and live.total == 1
    check_dtypes(live.df)


def test_append_is_o1_and_keeps_no_message_objects() -> None:
    live = LiveFrame(chunk_rows=100)
    event = text_event(1)
    for _ in range(250):
        live(event)
    # frozen batches hold Arrow data only; the unfrozen lists hold plain values
    usage = live.memory_usage()
    assert usage["rows"] == 250 and usage["batches"] > 0
    assert all(v is None or type(v) in (str, int, float) for col in live._cols for v in col)


def test_rates_for_the_plot() -> None:
    live = LiveFrame()
    for i in range(5):
        live(text_event(i))  # one per second from T0
    seconds, series = live.rates(10, now=T0 + 4)
    assert seconds[-1] == int(T0) + 4 and len(seconds) == 10
    assert series["text_message_received"][-5:] == [1, 1, 1, 1, 1]


def test_attach_and_detach() -> None:
    class FakeClient:
        def __init__(self) -> None:
            self.sinks: list[Any] = []

        def add_event_sink(self, sink: Any) -> None:
            self.sinks.append(sink)

        def remove_event_sink(self, sink: Any) -> None:
            self.sinks.remove(sink)

    live = LiveFrame()
    fake = FakeClient()
    live.attach(fake).attach(fake)  # idempotent
    assert fake.sinks == [live]
    live.attach(CometChat)
    assert live.attached == [fake, CometChat]
    live.detach(fake)
    assert fake.sinks == [] and live.attached == [CometChat]
    live.detach()
    assert live.attached == []
    with pytest.raises(ValueError):
        live.attach(42)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        LiveFrame(max_rows=0)
    with pytest.raises(ValueError):
        LiveFrame(chunk_rows=100_000)
    with pytest.raises(ValueError):
        LiveFrame().tail(-1)


def test_repr_html_shows_the_tail() -> None:
    live = LiveFrame()
    live(text_event(1, "<b>not bold</b>"))
    html = live._repr_html_()
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "LiveFrame" in html
