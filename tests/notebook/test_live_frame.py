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
from cometchat_nb.client import CatchupResult
from cometchat_nb.client.dispatch import Event
from cometchat_nb.models import TextMessage, TypingIndicator, User
from cometchat_nb.notebook import COLUMNS, DICTIONARY_COLUMNS, SCHEMA, LiveFrame
from cometchat_nb.notebook.arrow import to_pandas

from .samples import T0, check_dtypes, text_event


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
    fresh = to_pandas(live.to_arrow())
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
    # frozen batches hold Arrow data only; the unfrozen rows hold plain values
    usage = live.memory_usage()
    assert usage["rows"] == 250 and usage["batches"] > 0 and usage["lists"] > 0
    unfrozen = live.tail_records(50)  # the 50 rows not frozen yet, as stored
    assert all(v is None or type(v) in (str, int, float) for r in unfrozen for v in r.values())


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


def test_an_unreadable_payload_still_makes_a_row() -> None:
    live = LiveFrame()
    broken = CatchupResult(  # finished_at is not a number: its extractor raises
        delivered=1,
        pages=1,
        gap_possible=False,
        from_id="1",
        to_id="2",
        finished_at="soon",  # type: ignore[arg-type]
    )
    live(Event("connection", "onCatchupFinished", (broken,), T0))
    live(text_event(1))
    df = live.df
    check_dtypes(df)
    assert list(df["event"]) == ["catchup_finished", "text_message_received"]
    assert "could not read the event" in json.loads(df["extra"].iloc[0])["error"]


def test_a_row_costs_little_memory() -> None:
    """The budget of bench/bench_liveframe.py (~75 B/event at 1 M events), loosely, on a
    small frame: well under 400 bytes per text message in the DataFrame and the buffer."""
    live = LiveFrame(max_rows=None, chunk_rows=1000)
    live.extend(text_event(i, sender=f"user{i % 50}") for i in range(5000))
    df = live.df
    assert int(df.memory_usage(deep=True).sum()) / len(df) < 400
    usage = live.memory_usage()
    assert usage["total"] / usage["rows"] < 400


def _varied_text_events() -> list[Event]:
    events = [
        text_event(1),
        text_event(2, "hi <@uid:superhero3> and <@uid:superhero4>"),
        text_event(3, metadata={"a": [1, 2]}),
        text_event(4, sender="superhero5"),
    ]
    edited = text_event(5).args[0]
    edited.edited_at, edited.edited_by, edited.tags = int(T0), "superhero2", ["x"]
    events.append(Event("message", "onTextMessageReceived", (edited,), T0 + 5))
    return events


@pytest.mark.parametrize("keep_raw", [False, True])
def test_on_text_message_makes_the_row_append_event_makes(keep_raw: bool) -> None:
    # the client's fast path for text messages (Dispatcher.emit_text) and the general one
    fast, general = LiveFrame(keep_raw=keep_raw, chunk_rows=3), LiveFrame(keep_raw=keep_raw, chunk_rows=3)
    for event in _varied_text_events():
        fast.on_text_message(event.args[0], event.received_at)
        general.append_event(event)
    general.append_event(Event("message", "onTypingStarted", (TypingIndicator("superhero1"),), T0 + 9))
    fast.append_event(Event("message", "onTypingStarted", (TypingIndicator("superhero1"),), T0 + 9))
    pd.testing.assert_frame_equal(fast.df, general.df)
    assert fast.counts == general.counts == {"text_message_received": 5, "typing_started": 1}
    assert fast.source_counts == general.source_counts
    assert fast.rates(20, now=T0 + 9) == general.rates(20, now=T0 + 9)
    assert fast.total == general.total == 6 and fast.version == general.version


def test_on_text_message_keeps_an_unreadable_message_as_a_row() -> None:
    odd = TextMessage("superhero2", "hi")
    odd.text = 5  # type: ignore[assignment]  # models do not check types at runtime
    live = LiveFrame()
    live.on_text_message(odd, T0)
    df = live.df
    assert list(df["event"]) == ["text_message_received"] and live.counts == {"text_message_received": 1}
    assert "could not read the event" in json.loads(df["extra"].iloc[0])["error"]


def test_rates_count_an_event_that_arrives_with_an_older_second() -> None:
    live = LiveFrame()
    for offset in (0, 1, 0, 2, 1):  # clocks step back; threads append out of order
        live.on_text_message(text_event(1).args[0], T0 + offset)
    _, series = live.rates(3, now=T0 + 2)
    assert series["text_message_received"] == [2, 2, 1]
