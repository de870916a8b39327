"""``LiveFrame``: every SDK event as one row of a typed pandas DataFrame.

A :class:`LiveFrame` is an *event sink* (``CometChat.addEventSink(live)`` or
``live.attach(CometChat)``): the client calls ``live(event)`` for each
:class:`~cometchat_nb.client.dispatch.Event` as it emits it (an inline sink,
on the SDK's event loop), and notebooks read :attr:`LiveFrame.df`, a
snapshot DataFrame. Its columns and their dtypes are described in
:mod:`.rows` (:data:`~.rows.COLUMNS`); their Arrow types in :mod:`.arrow`.

How it stays cheap
------------------

* :meth:`LiveFrame.append_event` turns the event into a row, a tuple of plain
  values (:func:`~.rows.event_row`, no pandas), and appends it to a list under a
  lock: O(1) per event whatever the size of the frame.
* Every ``chunk_rows`` rows the list is frozen into one ``pyarrow.RecordBatch``
  (dictionary-encoded low-cardinality columns), so the buffer is compact; with
  ``max_rows`` whole old batches are dropped as new ones arrive (a rolling
  window; the snapshot is sliced to exactly ``max_rows``).
* :attr:`LiveFrame.df` converts the batches once and caches the DataFrame of
  the frozen part; later reads convert only the batches frozen since and the
  unfrozen tail, and reads with no new event return the cached snapshot.
  The snapshot is a new DataFrame each time (copy-on-write), so changing it
  never changes the LiveFrame.

``counts`` (events per event name), ``total`` (all events ever appended) and
``version`` (bumped on every change, for widgets) are maintained incrementally;
:meth:`LiveFrame.wait_for` blocks on a condition variable so notebooks and
tests wait for events deterministically instead of sleeping.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from html import escape as html_escape
from typing import TYPE_CHECKING, Any, ClassVar, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..client.client import Client
from ..client.dispatch import Event
from ..errors import InvalidArgumentError
from ..errors import TimeoutError as SdkTimeoutError
from ..models import TextMessage
from .arrow import MAX_CHUNK_ROWS, SCHEMA, concat_frames, empty_table, freeze, to_pandas
from .config import DEFAULT_MAX_ROWS, check_max_rows
from .rows import COLUMN_INDEX, COLUMNS, Row, event_name, event_row, text_message_row, unreadable_row

if TYPE_CHECKING:
    from ..sdk import CometChat

__all__ = ["LiveFrame"]

_RECEIVED_AT: Final = COLUMN_INDEX["received_at"]
_EVENT: Final = COLUMN_INDEX["event"]
_SOURCE: Final = COLUMN_INDEX["source"]
RATE_WINDOW: Final = 120
"""Seconds of per-second event counts a LiveFrame keeps (for the panel's plot)."""


@dataclasses.dataclass(slots=True)
class _FrozenCache:
    """The frozen batches ``first``..``last`` (by sequence number) converted to ``df``."""

    first: int
    last: int
    sizes: dict[int, int]
    df: pd.DataFrame


class _Attachment:
    __slots__ = ("kind", "target")

    def __init__(self, kind: str, target: Any) -> None:
        self.kind = kind
        self.target = target


class _RateCounter:
    """Events per second by event name over the last :data:`RATE_WINDOW` seconds.

    Not locked: the LiveFrame calls it under its own lock.
    """

    __slots__ = ("_bucket", "_buckets", "_second")

    def __init__(self) -> None:
        self._buckets: dict[int, dict[str, int]] = {}
        self._second = -1  # the second of the newest bucket, which is _bucket
        self._bucket: dict[str, int] = {}

    def add(self, second: int, name: str) -> None:
        if second == self._second:  # nearly always: one lookup
            bucket = self._bucket
        else:
            found = self._buckets.get(second)
            if found is None:
                bucket = self._buckets[second] = {}
                if len(self._buckets) > RATE_WINDOW:  # a new second: forget the oldest ones
                    for old in [s for s in self._buckets if s < second - RATE_WINDOW]:
                        del self._buckets[old]
            else:
                bucket = found
            if second > self._second:
                self._second, self._bucket = second, bucket
        bucket[name] = bucket.get(name, 0) + 1

    def series(self, seconds: list[int]) -> dict[str, list[int]]:
        """``{event name: [count in each of seconds]}`` for the names seen in ``seconds``."""
        buckets = [self._buckets.get(s, {}) for s in seconds]
        names = sorted({n for b in buckets for n in b})
        return {n: [b.get(n, 0) for b in buckets] for n in names}

    def clear(self) -> None:
        self._buckets.clear()
        self._second, self._bucket = -1, {}


class LiveFrame:
    """A thread-safe event sink that keeps every event as a row (see the module docstring).

    ``max_rows``: keep only the newest rows (None: unbounded); ``keep_raw``:
    fill the ``raw`` column; ``chunk_rows``: rows per frozen Arrow batch
    (smaller when ``max_rows`` is smaller, so a small window stays small).

    Calling the object (``live(event)``) is :meth:`append_event`, so the
    LiveFrame itself is the sink given to ``addEventSink``. It is an *inline*
    sink (:attr:`inline_sink`): the client appends each event where it is
    emitted, on its event loop, so an event no listener wants never crosses to
    the dispatch thread. Appending is O(1) and holds the lock only briefly;
    readers copy what they need under the lock and convert outside it.
    """

    inline_sink: ClassVar[bool] = True

    def __init__(
        self, max_rows: int | None = DEFAULT_MAX_ROWS, keep_raw: bool = False, chunk_rows: int = 8192
    ) -> None:
        if (
            isinstance(chunk_rows, bool)
            or not isinstance(chunk_rows, int)
            or not 1 <= chunk_rows <= MAX_CHUNK_ROWS
        ):
            raise InvalidArgumentError(
                f"chunk_rows must be an integer in 1..{MAX_CHUNK_ROWS}, got {chunk_rows!r}"
            )
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._waiters = 0
        self._keep_raw = bool(keep_raw)
        self._chunk_rows_wanted = chunk_rows
        self._max_rows: int | None = None
        self._chunk_rows = chunk_rows
        # the rows not frozen yet (newest last); whole rows, not columns: one append per
        # event, and freeze() transposes a whole batch at once in C
        self._rows: list[Row] = []
        self._batches: collections.deque[tuple[int, pa.RecordBatch]] = collections.deque()
        self._batch_seq = 0
        self._frozen_rows = 0
        self._counts: dict[str, int] = {}
        self._sources: dict[str, int] = {}
        self._rates = _RateCounter()
        self._total = 0
        self._version = 0
        self._attachments: list[_Attachment] = []
        # caches: the frozen part as a DataFrame (key: first/last batch seq), the last snapshot
        self._frozen_cache: _FrozenCache | None = None
        self._snapshot_cache: tuple[int, pd.DataFrame] | None = None
        self._cache_lock = threading.Lock()
        self.max_rows = max_rows

    # -- configuration ------------------------------------------------------------------
    @property
    def max_rows(self) -> int | None:
        """The rolling bound (None: unbounded). Setting it trims at once."""
        return self._max_rows

    @max_rows.setter
    def max_rows(self, value: int | None) -> None:
        value = check_max_rows(value)
        with self._lock:
            self._max_rows = value
            self._chunk_rows = (
                min(self._chunk_rows_wanted, value) if value is not None else self._chunk_rows_wanted
            )
            if len(self._rows) >= self._chunk_rows:
                self._freeze_locked()
            self._trim_locked()
            self._changed_locked()

    @property
    def keep_raw(self) -> bool:
        """Whether new rows get the ``raw`` column (about 300 bytes per message event)."""
        return self._keep_raw

    @keep_raw.setter
    def keep_raw(self, value: bool) -> None:
        self._keep_raw = bool(value)

    @property
    def chunk_rows(self) -> int:
        """Rows per frozen Arrow batch (``min(chunk_rows, max_rows)``)."""
        return self._chunk_rows

    # -- appending (any thread) ---------------------------------------------------------
    def append_event(self, event: Event) -> None:
        """Add one event as one row. O(1), thread-safe, never raises on odd payloads."""
        # the row is built outside the lock: concurrent appenders only serialise on the list append
        try:
            row = event_row(event, self._keep_raw)
        except Exception as exc:  # a payload we do not understand must not lose the event
            row = unreadable_row(event, exc)
        self._add_row(row, row[_EVENT], row[_SOURCE])

    def on_text_message(self, message: TextMessage, received_at: float) -> None:
        """``append_event(Event("message", "onTextMessageReceived", (message,), received_at))``
        without the event: the client calls this for text messages (see ``add_sink``)."""
        try:
            row = text_message_row(message, received_at, self._keep_raw)
        except Exception:  # append_event() keeps what it can of it
            self.append_event(Event("message", "onTextMessageReceived", (message,), received_at))
            return
        self._add_row(row, "text_message_received", row[_SOURCE])

    def _add_row(self, row: Row, name: str, source: str | None) -> None:
        second = int(row[_RECEIVED_AT])
        with self._lock:
            rows = self._rows
            rows.append(row)
            counts = self._counts
            counts[name] = counts.get(name, 0) + 1
            if source is not None:
                sources = self._sources
                sources[source] = sources.get(source, 0) + 1
            self._total += 1
            self._rates.add(second, name)
            if len(rows) >= self._chunk_rows:
                self._freeze_locked()
                self._trim_locked()
            self._version += 1
            if self._waiters:  # notify_all costs about a microsecond even with nobody waiting
                self._cond.notify_all()

    __call__ = append_event

    def extend(self, events: Iterable[Event]) -> None:
        """Append several events (same as calling :meth:`append_event` on each)."""
        for event in events:
            self.append_event(event)

    def _changed_locked(self) -> None:
        self._version += 1
        if self._waiters:  # notify_all costs about a microsecond even with nobody waiting
            self._cond.notify_all()

    def _freeze_locked(self) -> None:
        batch = freeze(self._rows)
        self._rows = []
        self._batch_seq += 1
        self._batches.append((self._batch_seq, batch))
        self._frozen_rows += batch.num_rows

    def _trim_locked(self) -> None:
        limit = self._max_rows
        if limit is None:
            return
        tail = len(self._rows)
        while self._batches and self._frozen_rows - self._batches[0][1].num_rows + tail >= limit:
            _, old = self._batches.popleft()
            self._frozen_rows -= old.num_rows

    # -- reading --------------------------------------------------------------------------
    def __len__(self) -> int:
        """Rows currently kept (at most ``max_rows``)."""
        with self._lock:
            n = self._frozen_rows + len(self._rows)
            return n if self._max_rows is None else min(n, self._max_rows)

    @property
    def total(self) -> int:
        """Events appended since creation (including rows dropped by the rolling bound)."""
        return self._total

    @property
    def version(self) -> int:
        """A counter bumped on every append, clear or resize (cheap change detection)."""
        return self._version

    @property
    def counts(self) -> dict[str, int]:
        """Events seen per ``event`` name since creation or :meth:`clear` (a copy)."""
        with self._lock:
            return dict(self._counts)

    @property
    def source_counts(self) -> dict[str, int]:
        """Events seen per ``source`` (live, catchup, history …) since creation or :meth:`clear`."""
        with self._lock:
            return dict(self._sources)

    def rates(self, window: int = 60, now: float | None = None) -> tuple[list[int], dict[str, list[int]]]:
        """Events per second over the last ``window`` seconds: ``(seconds, {event: counts})``."""
        window = max(1, min(int(window), RATE_WINDOW))
        end = int(time.time() if now is None else now)
        seconds = list(range(end - window + 1, end + 1))
        with self._lock:
            series = self._rates.series(seconds)
        return seconds, series

    def _parts_locked(self) -> tuple[list[tuple[int, pa.RecordBatch]], list[Row], int | None, int]:
        return list(self._batches), list(self._rows), self._max_rows, self._version

    def to_arrow(self) -> pa.Table:
        """The kept rows as an Arrow table with :data:`~.arrow.SCHEMA` (a snapshot)."""
        with self._lock:
            batches, tail, limit, _ = self._parts_locked()
        record_batches = [b for _, b in batches]
        if tail:
            record_batches.append(freeze(tail))
        table = pa.Table.from_batches(record_batches, schema=SCHEMA)
        if limit is not None and table.num_rows > limit:
            table = table.slice(table.num_rows - limit)
        return table

    @property
    def df(self) -> pd.DataFrame:
        """A typed snapshot DataFrame of the kept rows (schema in :mod:`.rows`).

        Repeated reads with no new event return (a cheap copy of) the cached
        snapshot; after new events only the new batches and the unfrozen tail
        are converted.
        """
        with self._lock:
            batches, tail, limit, version = self._parts_locked()
        with self._cache_lock:
            cached = self._snapshot_cache
            if cached is not None and cached[0] == version:
                return cached[1].copy(deep=False)
            parts = [self._frozen_df(batches)]
            if tail:
                parts.append(to_pandas(pa.Table.from_batches([freeze(tail)], schema=SCHEMA)))
            df = concat_frames(parts)
            if limit is not None and len(df) > limit:
                df = df.iloc[len(df) - limit :].reset_index(drop=True)
            self._snapshot_cache = (version, df)
            return df.copy(deep=False)

    def _frozen_df(self, batches: list[tuple[int, pa.RecordBatch]]) -> pd.DataFrame:
        """The frozen batches as one DataFrame, reusing the cached conversion (cache lock held).

        Batches only ever leave at the front (rolling bound) and arrive at the
        back, so the cached frame is trimmed and extended instead of rebuilt.
        """
        if not batches:
            self._frozen_cache = None
            return to_pandas(empty_table())
        first, last = batches[0][0], batches[-1][0]
        cache = self._frozen_cache
        df: pd.DataFrame | None = None
        if cache is not None and cache.first <= first <= cache.last and last >= cache.last:
            dropped = sum(n for s, n in cache.sizes.items() if s < first)
            head = cache.df.iloc[dropped:].reset_index(drop=True) if dropped else cache.df
            new = [b for s, b in batches if s > cache.last]
            df = concat_frames([head, to_pandas(pa.Table.from_batches(new, schema=SCHEMA))]) if new else head
        if df is None:
            df = to_pandas(pa.Table.from_batches([b for _, b in batches], schema=SCHEMA))
        self._frozen_cache = _FrozenCache(first, last, {s: b.num_rows for s, b in batches}, df)
        return df

    def tail(self, n: int = 10) -> pd.DataFrame:
        """The newest ``n`` rows as a typed DataFrame (converts only those rows)."""
        if n < 0:
            raise InvalidArgumentError("tail(n) needs n >= 0")
        with self._lock:
            tail = self._rows[-n:] if n else []
            need = n - len(tail)
            limit = self._max_rows
            batches: list[pa.RecordBatch] = []
            for _, batch in reversed(self._batches):
                if need <= 0:
                    break
                batches.append(batch)
                need -= batch.num_rows
        batches.reverse()
        record_batches = [*batches, freeze(tail)] if tail else batches
        table = pa.Table.from_batches(record_batches, schema=SCHEMA)
        keep = min(n, limit) if limit is not None else n
        if table.num_rows > keep:
            table = table.slice(table.num_rows - keep)
        return to_pandas(table)

    def tail_records(self, n: int = 10) -> list[dict[str, Any]]:
        """The newest ``n`` rows as plain dicts, oldest first (no pandas; for widgets).

        ``received_at`` is epoch seconds (float) and ``sent_at`` an int or None
        for unfrozen rows; rows read back from Arrow batches carry the same
        plain types.
        """
        n = max(0, int(n))
        if self._max_rows is not None:
            n = min(n, self._max_rows)
        with self._lock:
            rows = self._rows[-n:] if n else []
            need = n - len(rows)
            older: list[pa.RecordBatch] = []
            for _, batch in reversed(self._batches):
                if need <= 0:
                    break
                older.append(batch.slice(max(0, batch.num_rows - need)))
                need -= batch.num_rows
        out: list[dict[str, Any]] = []
        for batch in reversed(older):
            for record in batch.to_pylist():
                received, sent = record["received_at"], record["sent_at"]
                record["received_at"] = received.timestamp() if received is not None else None
                record["sent_at"] = int(sent.timestamp()) if sent is not None else None
                out.append(record)
        out.extend(dict(zip(COLUMNS, row, strict=True)) for row in rows)
        return out

    # -- persistence ----------------------------------------------------------------------
    def to_parquet(self, path: str | os.PathLike[str], **kwargs: Any) -> None:
        """Write the kept rows to a Parquet file (dictionary columns stay dictionary-encoded).

        :meth:`read_parquet` reads it back with the same dtypes as :attr:`df`.
        Extra keyword arguments go to ``pyarrow.parquet.write_table``.
        """
        pq.write_table(self.to_arrow(), os.fspath(path), **kwargs)

    @staticmethod
    def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
        """Read a file written by :meth:`to_parquet` into the dtypes of :attr:`df`."""
        table = pq.read_table(os.fspath(path), schema=SCHEMA)
        return to_pandas(table)

    # -- housekeeping ---------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every row and reset :attr:`counts` (``total`` keeps counting)."""
        with self._lock:
            self._rows = []
            self._batches.clear()
            self._frozen_rows = 0
            self._counts.clear()
            self._sources.clear()
            self._rates.clear()
            self._changed_locked()
        with self._cache_lock:
            self._frozen_cache = None
            self._snapshot_cache = None

    def memory_usage(self) -> dict[str, int]:
        """Bytes held by the buffer: ``batches`` (Arrow), ``lists`` (an estimate of the rows
        not frozen yet: the list, its tuples and their distinct values), ``total``, ``rows``."""
        with self._lock:
            # the buffers' real size: an all-null column (the message features in plain
            # traffic) shares one zeroed buffer, which ``nbytes`` would count per column
            batch_bytes = sum(b.get_total_buffer_size() for _, b in self._batches)
            list_bytes = sys.getsizeof(self._rows)
            seen: set[int] = set()
            for row in self._rows:
                list_bytes += sys.getsizeof(row)
                for value in row:
                    if value is not None and id(value) not in seen:
                        seen.add(id(value))
                        list_bytes += sys.getsizeof(value)
            return {
                "batches": batch_bytes,
                "lists": list_bytes,
                "total": batch_bytes + list_bytes,
                "rows": self._frozen_rows + len(self._rows),
            }

    def wait_for(
        self,
        count: int | None = None,
        predicate: Callable[[LiveFrame], bool] | None = None,
        timeout: float = 10.0,
        *,
        event: str | Iterable[str] | None = None,
    ) -> LiveFrame:
        """Block until enough events arrived; returns ``self``.

        ``count``: until :attr:`total` ``>= count`` — or, with ``event`` (an
        event name such as ``"text_message_received"``, a callback name such as
        ``"onTextMessageReceived"``, or several), until that many of those
        events were seen. ``predicate(live)`` must also hold (it runs under the
        LiveFrame's lock each time an event arrives: keep it quick). Raises
        :class:`~cometchat_nb.errors.TimeoutError` after ``timeout`` seconds,
        saying what was seen.
        """
        names: tuple[str, ...] | None = None
        if event is not None:
            names = (event,) if isinstance(event, str) else tuple(event)
            names = tuple(event_name(n) for n in names)

        def seen() -> int:
            if names is None:
                return self._total
            return sum(self._counts.get(n, 0) for n in names)

        def done() -> bool:
            if count is not None and seen() < count:
                return False
            return predicate is None or bool(predicate(self))

        with self._cond:
            self._waiters += 1
            try:
                if self._cond.wait_for(done, timeout):
                    return self
            finally:
                self._waiters -= 1
            got = seen()
            counts = dict(self._counts)
        what = f"{count} {'/'.join(names) if names else 'events'}" if count is not None else "the predicate"
        raise SdkTimeoutError(
            f"LiveFrame.wait_for: no {what} within {timeout:g} s (seen {got}; counts {counts})"
        )

    # -- attaching ------------------------------------------------------------------------
    def attach(self, target: Client | type[CometChat] | Any) -> LiveFrame:
        """Receive the events of ``target``: the ``CometChat`` facade (survives re-init)
        or an async :class:`~cometchat_nb.client.Client`. Idempotent; returns ``self``."""
        from ..sdk import CometChat

        with self._lock:
            if any(a.target is target for a in self._attachments):
                return self
            if isinstance(target, type) and issubclass(target, CometChat):
                target.addEventSink(self)
                self._attachments.append(_Attachment("facade", target))
            elif isinstance(target, Client) or hasattr(target, "add_event_sink"):
                target.add_event_sink(self)
                self._attachments.append(_Attachment("client", target))
            else:
                raise InvalidArgumentError(
                    f"attach() takes the CometChat facade or a Client, got {type(target).__name__}"
                )
        return self

    def detach(self, target: Any = None) -> None:
        """Stop receiving events from ``target`` (default: from everything attached)."""
        with self._lock:
            keep: list[_Attachment] = []
            for a in self._attachments:
                if target is not None and a.target is not target:
                    keep.append(a)
                    continue
                if a.kind == "facade":
                    a.target.removeEventSink(self)
                else:
                    a.target.remove_event_sink(self)
            self._attachments = keep

    @property
    def attached(self) -> list[Any]:
        """What this LiveFrame receives events from."""
        with self._lock:
            return [a.target for a in self._attachments]

    def __repr__(self) -> str:
        return (
            f"<LiveFrame rows={len(self)} total={self._total} max_rows={self._max_rows} "
            f"keep_raw={self._keep_raw}>"
        )

    def _repr_html_(self) -> str:
        html: str = self.tail(10).to_html(max_rows=10)
        return f"<p>{html_escape(repr(self))}</p>{html}"
