"""``LiveFrame``: every SDK event as one row of a typed pandas DataFrame.

A :class:`LiveFrame` is an *event sink* (``CometChat.addEventSink(live)`` or
``live.attach(CometChat)``): the client calls ``live(event)`` for each
:class:`~cometchat_nb.client.dispatch.Event` as it emits it (an inline sink,
on the SDK's event loop), and notebooks read :attr:`LiveFrame.df`, a
snapshot DataFrame.

Schema (fixed; :data:`COLUMNS` in this order, dtypes of :attr:`LiveFrame.df`)
------------------------------------------------------------------------------

=================  ========================  ==================================================
column             dtype                     meaning
=================  ========================  ==================================================
``received_at``    datetime64[ns, UTC]       when the SDK got the event
``event``          category                  the callback name in snake_case without its
                                             ``on``/``in`` prefix: ``text_message_received``,
                                             ``typing_started``, ``messages_delivered``,
                                             ``user_online``, ``group_member_joined``,
                                             ``message_edited``, ``state_change``,
                                             ``connected``, ``connecting``, ``disconnected``,
                                             ``catchup_finished``, ``login_success`` …
``kind``           category                  listener kind: message, user, group, connection,
                                             login
``category``       category                  message category (message, custom, action, call)
``type``           category                  message type (text, image, groupMember …) or the
                                             custom type
``message_id``     string[pyarrow]           message id (messages, edits, receipts, reactions)
``conversation_id`` category                 CometChat conversation id
``sender``         category                  uid of the sender / typer / user whose presence
                                             changed / reactor / logged-in user
``receiver``       category                  uid or guid the event was addressed to
``receiver_type``  category                  ``user`` or ``group``
``text``           string[pyarrow]           text of text messages (caption of media)
``source``         category                  how a message arrived: ``live``, ``catchup``,
                                             ``history`` …
``sent_at``        datetime64[ns, UTC]       message ``sentAt``; NaT when absent
``state``          category                  connection state: the new state of a
                                             ``state_change``, ``connected``/``connecting``/
                                             ``disconnected`` for those callbacks
``extra``          string[pyarrow]           compact JSON of payload fields that have no
                                             column (metadata, customData, tags, edit/delete
                                             info, group action details, receipt type and
                                             timestamp, a state change's previous state /
                                             reason / code / attempt / retry_in, error code
                                             and message, catch-up result …); null when none
``raw``            string[pyarrow]           the full JSON payload (the message as received,
                                             or the callback arguments); filled only with
                                             ``keep_raw=True`` — about 300 bytes per message
                                             event more, so it is off by default
=================  ========================  ==================================================

No column has dtype ``object``: strings are Arrow-backed (``pd.ArrowDtype(pa.string())``),
the low-cardinality columns (:data:`DICTIONARY_COLUMNS`) are categoricals.

How it stays cheap
------------------

* :meth:`LiveFrame.append_event` turns the event into a tuple of plain values
  (no pandas), then appends each value to its column's Python list under a
  lock: O(1) per event whatever the size of the frame.
* Every ``chunk_rows`` rows the lists are frozen into one ``pyarrow.RecordBatch``
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
import enum
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from html import escape as html_escape
from typing import TYPE_CHECKING, Any, ClassVar, Final

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandas.api.types import union_categoricals

from ..client.client import CatchupResult, Client
from ..client.dispatch import Event
from ..errors import CometChatException, InvalidArgumentError
from ..errors import TimeoutError as SdkTimeoutError
from ..listeners import snake_case
from ..models import (
    Action,
    BaseMessage,
    Call,
    CustomMessage,
    Group,
    MediaMessage,
    MessageReceipt,
    ReactionEvent,
    TextMessage,
    TransientMessage,
    TypingIndicator,
    User,
)
from ..protocol.states import ConnectionStateChange

if TYPE_CHECKING:
    from ..sdk import CometChat

__all__ = [
    "COLUMNS",
    "DICTIONARY_COLUMNS",
    "MAX_CHUNK_ROWS",
    "SCHEMA",
    "LiveFrame",
    "event_name",
    "event_row",
]

COLUMNS: Final = (
    "received_at",
    "event",
    "kind",
    "category",
    "type",
    "message_id",
    "conversation_id",
    "sender",
    "receiver",
    "receiver_type",
    "text",
    "source",
    "sent_at",
    "state",
    "extra",
    "raw",
)
"""The columns of :attr:`LiveFrame.df`, in order (see the module docstring)."""

DICTIONARY_COLUMNS: Final = frozenset(
    {
        "event",
        "kind",
        "category",
        "type",
        "receiver_type",
        "source",
        "state",
        "sender",
        "receiver",
        "conversation_id",
    }
)
"""Low-cardinality columns: dictionary-encoded in the buffer, categoricals in the DataFrame."""

_TS: Final = pa.timestamp("ns", tz="UTC")
_TS_SECONDS: Final = pa.timestamp("s", tz="UTC")
# int16 indices: a batch never has more distinct values than rows, and chunk_rows <= MAX_CHUNK_ROWS
_DICT: Final = pa.dictionary(pa.int16(), pa.string())
MAX_CHUNK_ROWS: Final = 32_767


def _arrow_type(column: str) -> pa.DataType:
    if column in ("received_at", "sent_at"):
        return _TS
    return _DICT if column in DICTIONARY_COLUMNS else pa.string()


SCHEMA: Final = pa.schema([pa.field(name, _arrow_type(name)) for name in COLUMNS])
"""The Arrow schema of the buffer and of :meth:`LiveFrame.to_parquet` files."""

_STRING_DTYPE: Final = pd.ArrowDtype(pa.string())
_EMPTY_CATEGORIES: Final = pd.CategoricalDtype(pd.Index([], dtype="str"))
_I_RECEIVED, _I_EVENT, _I_SOURCE = 0, 1, 11
_RATE_WINDOW = 120  # seconds of per-second counts kept for the panel's plot


# ----------------------------------------------------------------------------------------
# event → row


_NAME_CACHE: dict[str, str] = {}
_PREFIX = re.compile(r"^(?:on|in)(?=[A-Z])")


def event_name(callback: str) -> str:
    """``onTextMessageReceived`` → ``text_message_received``; ``inConnecting`` → ``connecting``;
    ``loginSuccess`` → ``login_success`` (the ``event`` column)."""
    name = _NAME_CACHE.get(callback)
    if name is None:
        name = snake_case(_PREFIX.sub("", callback))
        _NAME_CACHE[callback] = name
    return name


def _json(value: Any) -> str:
    return orjson.dumps(value, default=_json_default).decode()


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseMessage):
        return value.raw or value.to_wire()
    if isinstance(value, (User, Group)):
        return value.to_wire()
    if isinstance(value, CometChatException):
        return value.to_dict()
    if isinstance(value, BaseException):
        return {"error": type(value).__name__, "message": str(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _compact(fields: dict[str, Any]) -> str | None:
    kept = {k: v for k, v in fields.items() if v is not None and v != {} and v != []}
    return _json(kept) if kept else None


def _entity_id(entity: Any) -> str | None:
    if isinstance(entity, User):
        return entity.uid
    if isinstance(entity, Group):
        return entity.guid
    if isinstance(entity, BaseMessage):
        return entity.id
    return None


# Each extractor returns the 12 middle values of a row (the columns between ``kind`` and
# ``raw``); sent_at is in epoch seconds. Messages build the tuple directly (the hot path),
# the others through _m() for readability.
_Middle = tuple[Any, ...]


def _m(
    *,
    category: str | None = None,
    type: str | None = None,  # noqa: A002 - the column name
    message_id: str | None = None,
    conversation_id: str | None = None,
    sender: str | None = None,
    receiver: str | None = None,
    receiver_type: str | None = None,
    text: str | None = None,
    source: str | None = None,
    sent_at: int | None = None,
    state: str | None = None,
    extra: dict[str, Any] | None = None,
) -> _Middle:
    return (
        category,
        type,
        message_id,
        conversation_id,
        sender,
        receiver,
        receiver_type,
        text,
        source,
        sent_at,
        state,
        _compact(extra) if extra else None,
    )


_NONE_MIDDLE: _Middle = _m()


def _message(msg: BaseMessage, args: tuple[Any, ...]) -> _Middle:
    extra: dict[str, Any] = {}
    text: str | None = None
    if isinstance(msg, TextMessage):
        text = msg.text
    elif isinstance(msg, MediaMessage):
        text = msg.caption
        extra["url"] = msg.url
        extra["attachments"] = msg.attachments or None
    elif isinstance(msg, CustomMessage):
        extra["customData"] = msg.custom_data or None
        extra["subType"] = msg.sub_type
    elif isinstance(msg, Action):
        extra["action"] = msg.action
        extra["by"] = _entity_id(msg.action_by)
        extra["on"] = _entity_id(msg.action_on)
        extra["for"] = _entity_id(msg.action_for)
        extra["oldScope"] = msg.old_scope
        extra["newScope"] = msg.new_scope
    elif isinstance(msg, Call):
        extra["status"] = msg.status
        extra["sessionId"] = msg.session_id
    if msg.metadata:
        extra["metadata"] = msg.metadata
    if msg.tags:
        extra["tags"] = msg.tags
    if msg.parent_message_id:
        extra["parentId"] = msg.parent_message_id
    # model fields, not msg.raw: a socket message parses its raw JSON again on first use
    if msg.edited_at is not None:
        extra["editedAt"] = msg.edited_at
    if msg.edited_by is not None:
        extra["editedBy"] = msg.edited_by
    if msg.deleted_at is not None:
        extra["deletedAt"] = msg.deleted_at
    if msg.deleted_by is not None:
        extra["deletedBy"] = msg.deleted_by
    return (
        msg.category,
        msg.type,
        msg.id,
        msg.conversation_id,
        msg.sender_uid,
        msg.receiver_id or None,
        msg.receiver_type,
        text,
        msg.source,
        msg.sent_at,
        None,
        _compact(extra) if extra else None,
    )


def _typing(ind: TypingIndicator, args: tuple[Any, ...]) -> _Middle:
    return _m(
        sender=ind.sender.uid if ind.sender is not None else None,
        receiver=ind.receiver_id,
        receiver_type=ind.receiver_type,
        extra={"metadata": ind.metadata, "lastTimestamp": ind.last_timestamp},
    )


def _receipt(rec: MessageReceipt, args: tuple[Any, ...]) -> _Middle:
    return _m(
        message_id=rec.message_id,
        sender=rec.sender.uid,
        receiver=rec.receiver_id,
        receiver_type=rec.receiver_type,
        extra={
            "receiptType": rec.receipt_type,
            "timestamp": rec.timestamp,
            "messageSender": rec.message_sender,
        },
    )


def _user(user: User, args: tuple[Any, ...]) -> _Middle:
    return _m(
        sender=user.uid,
        extra={"name": user.name, "status": user.status, "lastActiveAt": user.last_active_at},
    )


def _state_change(change: ConnectionStateChange, args: tuple[Any, ...]) -> _Middle:
    extra = {
        "previous": change.previous.value,
        "reason": change.reason,
        "reasonCode": change.reason_code,
        "attempt": change.attempt or None,
        "retryIn": change.retry_in,
        "update": True if change.is_update else None,
    }
    return _m(state=change.current.value, extra=extra)


def _error(exc: BaseException, args: tuple[Any, ...]) -> _Middle:
    if isinstance(exc, CometChatException):
        return _m(extra={"code": exc.code, "message": exc.message})
    return _m(extra={"error": type(exc).__name__, "message": str(exc)})


def _catchup(result: CatchupResult, args: tuple[Any, ...]) -> _Middle:
    extra = {
        "delivered": result.delivered,
        "pages": result.pages,
        "gapPossible": result.gap_possible,
        "fromId": result.from_id,
        "toId": result.to_id,
        "error": str(result.error) if result.error is not None else None,
        "seconds": round(result.finished_at - result.started_at, 6) if result.finished_at else None,
    }
    return _m(extra=extra)


def _transient(msg: TransientMessage, args: tuple[Any, ...]) -> _Middle:
    return _m(
        sender=msg.sender.uid if msg.sender is not None else None,
        receiver=msg.receiver_id,
        receiver_type=msg.receiver_type,
        extra={"data": msg.data},
    )


def _reaction(ev: ReactionEvent, args: tuple[Any, ...]) -> _Middle:
    return _m(
        message_id=ev.message_id,
        conversation_id=ev.conversation_id,
        sender=ev.uid,
        extra={"reaction": ev.reaction, "action": ev.action, "reactedAt": ev.reacted_at},
    )


_Extractor = Callable[[Any, tuple[Any, ...]], _Middle]
_BY_BASE: tuple[tuple[type[Any], _Extractor], ...] = (
    (BaseMessage, _message),
    (TypingIndicator, _typing),
    (MessageReceipt, _receipt),
    (User, _user),
    (ConnectionStateChange, _state_change),
    (CatchupResult, _catchup),
    (TransientMessage, _transient),
    (ReactionEvent, _reaction),
    (BaseException, _error),
)
_EXTRACTORS: dict[type[Any], _Extractor | None] = {}
_STATUS_STATE = {"onConnected": "connected", "inConnecting": "connecting", "onDisconnected": "disconnected"}


def _extractor(arg: Any) -> _Extractor | None:
    cls = type(arg)
    try:
        return _EXTRACTORS[cls]
    except KeyError:
        found = next((fn for base, fn in _BY_BASE if isinstance(arg, base)), None)
        _EXTRACTORS[cls] = found
        return found


def _raw_of(event: Event) -> str:
    args = event.args
    if len(args) == 1 and isinstance(args[0], BaseMessage):
        return _json(args[0])
    if len(args) >= 1 and isinstance(args[0], Action):  # group events: the action carries everything
        return _json(args[0])
    return _json({"kind": event.kind, "name": event.name, "args": list(args)})


def event_row(event: Event, keep_raw: bool = False) -> tuple[Any, ...]:
    """The row of ``event``: a tuple of plain Python values in :data:`COLUMNS` order.

    Timestamps are epoch seconds here (``received_at`` a float, ``sent_at`` an
    int or None); everything else is a ``str`` or None. Pure: no pandas, no I/O.
    """
    args = event.args
    middle = _NONE_MIDDLE
    if args:
        fn = _extractor(args[0])
        if fn is not None:
            middle = fn(args[0], args)
        elif len(args) == 1 and args[0] is not None:
            middle = _m(extra={"value": args[0]})
    name = event.name
    if name in _STATUS_STATE:
        middle = (*middle[:10], _STATUS_STATE[name], middle[11])
    return (
        event.received_at,
        event_name(name),
        event.kind,
        *middle,
        _raw_of(event) if keep_raw else None,
    )


# ----------------------------------------------------------------------------------------
# columns → Arrow → pandas


def _freeze(cols: list[list[Any]]) -> pa.RecordBatch:
    """Per-column Python lists → one RecordBatch with :data:`SCHEMA`.

    A value of the wrong type (a payload model carrying an int where a string
    belongs …) is converted instead of failing the whole batch.
    """
    arrays: list[pa.Array] = []
    for name, values in zip(COLUMNS, cols, strict=True):
        try:
            arrays.append(_column(name, values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            arrays.append(_column(name, _coerce(name, values)))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def _column(name: str, values: list[Any]) -> pa.Array:
    if name == "received_at":
        # microsecond resolution (what time.time() gives); avoids float noise in the ns digits
        ns = np.round(np.asarray(values, dtype=np.float64) * 1e6).astype(np.int64) * 1000
        return pa.array(ns, type=_TS)
    if name == "sent_at":
        return pa.array(values, type=_TS_SECONDS).cast(_TS)
    if name in DICTIONARY_COLUMNS:
        return pa.array(values, type=pa.string()).dictionary_encode().cast(_DICT)
    return pa.array(values, type=pa.string())


def _coerce(name: str, values: list[Any]) -> list[Any]:
    if name == "received_at":
        return [_as_float(v) for v in values]
    if name == "sent_at":
        return [_as_seconds(v) for v in values]
    return [None if v is None else v if isinstance(v, str) else str(v) for v in values]


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _as_seconds(value: Any) -> int | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if 0 <= seconds < 253_402_300_800 else None  # before year 10000


def _types_mapper(t: pa.DataType) -> Any:
    return _STRING_DTYPE if t == pa.string() or t == pa.large_string() else None


def _table_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow table (schema :data:`SCHEMA`) → the typed DataFrame of :attr:`LiveFrame.df`."""
    df: pd.DataFrame = table.to_pandas(types_mapper=_types_mapper)
    for name in DICTIONARY_COLUMNS:
        col = df[name]
        if len(col.cat.categories) == 0:  # an all-null column has object categories: normalise
            df[name] = col.astype(_EMPTY_CATEGORIES)
    return df


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate typed frames, unioning categories (plain concat would give object columns)."""
    parts = [p for p in parts if len(p)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    data: dict[str, Any] = {}
    for name in COLUMNS:
        series = [p[name] for p in parts]
        if name in DICTIONARY_COLUMNS:
            data[name] = pd.Series(union_categoricals(series), copy=False)
        else:
            data[name] = pd.concat(series, ignore_index=True)
    return pd.DataFrame(data, copy=False)


def _empty_table() -> pa.Table:
    return pa.Table.from_batches([], schema=SCHEMA)


@dataclasses.dataclass(slots=True)
class _FrozenCache:
    first: int
    last: int
    sizes: dict[int, int]
    df: pd.DataFrame


class _Attachment:
    __slots__ = ("kind", "target")

    def __init__(self, kind: str, target: Any) -> None:
        self.kind = kind
        self.target = target


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
        self, max_rows: int | None = 100_000, keep_raw: bool = False, chunk_rows: int = 8192
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
        self._cols: list[list[Any]] = [[] for _ in COLUMNS]
        self._appenders = [c.append for c in self._cols]
        self._batches: collections.deque[tuple[int, pa.RecordBatch]] = collections.deque()
        self._batch_seq = 0
        self._frozen_rows = 0
        self._counts: dict[str, int] = {}
        self._sources: dict[str, int] = {}
        self._total = 0
        self._version = 0
        self._rates: dict[int, dict[str, int]] = {}
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
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise InvalidArgumentError(f"max_rows must be a positive integer or None, got {value!r}")
        with self._lock:
            self._max_rows = value
            self._chunk_rows = (
                min(self._chunk_rows_wanted, value) if value is not None else self._chunk_rows_wanted
            )
            if len(self._cols[0]) >= self._chunk_rows:
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
        try:
            row = event_row(event, self._keep_raw)
        except Exception as exc:  # a payload we do not understand must not lose the event
            row = (
                event.received_at,
                event_name(event.name),
                event.kind,
                *((None,) * 11),
                _compact({"error": f"could not read the event: {exc!r}"}),
                None,
            )
        name: str = row[_I_EVENT]
        source: str | None = row[_I_SOURCE]
        second = int(row[_I_RECEIVED])
        with self._lock:
            a = self._appenders
            a[0](row[0])
            a[1](row[1])
            a[2](row[2])
            a[3](row[3])
            a[4](row[4])
            a[5](row[5])
            a[6](row[6])
            a[7](row[7])
            a[8](row[8])
            a[9](row[9])
            a[10](row[10])
            a[11](row[11])
            a[12](row[12])
            a[13](row[13])
            a[14](row[14])
            a[15](row[15])
            self._counts[name] = self._counts.get(name, 0) + 1
            if source is not None:
                self._sources[source] = self._sources.get(source, 0) + 1
            self._total += 1
            bucket = self._rates.get(second)
            if bucket is None:
                bucket = self._rates[second] = {}
                if len(self._rates) > _RATE_WINDOW:
                    for old in [s for s in self._rates if s < second - _RATE_WINDOW]:
                        del self._rates[old]
            bucket[name] = bucket.get(name, 0) + 1
            if len(self._cols[0]) >= self._chunk_rows:
                self._freeze_locked()
                self._trim_locked()
            self._changed_locked()

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
        batch = _freeze(self._cols)
        for col in self._cols:
            col.clear()  # in place: the bound append methods stay valid
        self._batch_seq += 1
        self._batches.append((self._batch_seq, batch))
        self._frozen_rows += batch.num_rows

    def _trim_locked(self) -> None:
        limit = self._max_rows
        if limit is None:
            return
        tail = len(self._cols[0])
        while self._batches and self._frozen_rows - self._batches[0][1].num_rows + tail >= limit:
            _, old = self._batches.popleft()
            self._frozen_rows -= old.num_rows

    # -- reading --------------------------------------------------------------------------
    def __len__(self) -> int:
        """Rows currently kept (at most ``max_rows``)."""
        with self._lock:
            n = self._frozen_rows + len(self._cols[0])
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
        window = max(1, min(int(window), _RATE_WINDOW))
        end = int(time.time() if now is None else now)
        seconds = list(range(end - window + 1, end + 1))
        with self._lock:
            buckets = [self._rates.get(s, {}) for s in seconds]
            names = sorted({n for b in buckets for n in b})
            series = {n: [b.get(n, 0) for b in buckets] for n in names}
        return seconds, series

    def _parts_locked(self) -> tuple[list[tuple[int, pa.RecordBatch]], list[list[Any]], int | None, int]:
        return list(self._batches), [list(c) for c in self._cols], self._max_rows, self._version

    def to_arrow(self) -> pa.Table:
        """The kept rows as an Arrow table with :data:`SCHEMA` (a snapshot)."""
        with self._lock:
            batches, tail, limit, _ = self._parts_locked()
        rbs = [b for _, b in batches]
        if tail[0]:
            rbs.append(_freeze(tail))
        table = pa.Table.from_batches(rbs, schema=SCHEMA)
        if limit is not None and table.num_rows > limit:
            table = table.slice(table.num_rows - limit)
        return table

    @property
    def df(self) -> pd.DataFrame:
        """A typed snapshot DataFrame of the kept rows (schema in the module docstring).

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
            frozen = self._frozen_df(batches)
            parts = [frozen]
            if tail[0]:
                parts.append(_table_to_pandas(pa.Table.from_batches([_freeze(tail)], schema=SCHEMA)))
            df = _concat(parts)
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
            return _table_to_pandas(_empty_table())
        first, last = batches[0][0], batches[-1][0]
        cache = self._frozen_cache
        df: pd.DataFrame | None = None
        if cache is not None and cache.first <= first <= cache.last and last >= cache.last:
            dropped = sum(n for s, n in cache.sizes.items() if s < first)
            head = cache.df.iloc[dropped:].reset_index(drop=True) if dropped else cache.df
            new = [b for s, b in batches if s > cache.last]
            df = _concat([head, _table_to_pandas(pa.Table.from_batches(new, schema=SCHEMA))]) if new else head
        if df is None:
            df = _table_to_pandas(pa.Table.from_batches([b for _, b in batches], schema=SCHEMA))
        self._frozen_cache = _FrozenCache(first, last, {s: b.num_rows for s, b in batches}, df)
        return df

    def tail(self, n: int = 10) -> pd.DataFrame:
        """The newest ``n`` rows as a typed DataFrame (converts only those rows)."""
        if n < 0:
            raise InvalidArgumentError("tail(n) needs n >= 0")
        with self._lock:
            tail = [c[-n:] if n else [] for c in self._cols]
            need = n - len(tail[0])
            limit = self._max_rows
            batches: list[pa.RecordBatch] = []
            for _, b in reversed(self._batches):
                if need <= 0:
                    break
                batches.append(b)
                need -= b.num_rows
        batches.reverse()
        rbs = [*batches, _freeze(tail)] if tail[0] else batches
        table = pa.Table.from_batches(rbs, schema=SCHEMA)
        keep = min(n, limit) if limit is not None else n
        if table.num_rows > keep:
            table = table.slice(table.num_rows - keep)
        return _table_to_pandas(table)

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
            rows = list(zip(*(c[-n:] if n else [] for c in self._cols), strict=True))
            need = n - len(rows)
            older: list[pa.RecordBatch] = []
            for _, b in reversed(self._batches):
                if need <= 0:
                    break
                older.append(b.slice(max(0, b.num_rows - need)))
                need -= b.num_rows
        out: list[dict[str, Any]] = []
        for b in reversed(older):
            for rec in b.to_pylist():
                rec["received_at"] = (
                    rec["received_at"].timestamp() if rec["received_at"] is not None else None
                )
                rec["sent_at"] = int(rec["sent_at"].timestamp()) if rec["sent_at"] is not None else None
                out.append(rec)
        out.extend(dict(zip(COLUMNS, r, strict=True)) for r in rows)
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
        return _table_to_pandas(table)

    # -- housekeeping ---------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every row and reset :attr:`counts` (``total`` keeps counting)."""
        with self._lock:
            for col in self._cols:
                col.clear()
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
        """Bytes held by the buffer: Arrow batches and an estimate of the unfrozen lists."""
        with self._lock:
            batch_bytes = sum(b.nbytes for _, b in self._batches)
            list_bytes = 0
            for col in self._cols:
                list_bytes += sys.getsizeof(col)
                seen: set[int] = set()
                for v in col:
                    if v is not None and id(v) not in seen:
                        seen.add(id(v))
                        list_bytes += sys.getsizeof(v)
            return {
                "batches": batch_bytes,
                "lists": list_bytes,
                "total": batch_bytes + list_bytes,
                "rows": self._frozen_rows + len(self._cols[0]),
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
