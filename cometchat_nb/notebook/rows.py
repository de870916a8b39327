"""Event → row: the columns of :attr:`LiveFrame.df <cometchat_nb.notebook.LiveFrame.df>` and
how each SDK event fills them. Pure: plain Python values, no pandas, no Arrow, no I/O.

Schema (fixed; :data:`COLUMNS` in this order, dtypes of ``LiveFrame.df``)
--------------------------------------------------------------------------

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
``parent_id``      category                  the thread's parent message id of a reply (and
                                             of a reaction to a reply)
``reply_count``    uint32[pyarrow]           replies in a message's thread, as the server
                                             counted them when it sent the message (history,
                                             catch-up; null for live messages, which are new,
                                             and when none)
``reactions``      category                  a message's reactions, compact: ``👍×2 🎉×1``;
                                             the reaction of a reaction event
``mentions``       category                  uids a message mentions, comma-separated
``attachment_url`` category                  a media message's (first) attachment: its url,
``attachment_name`` category                 file name,
``attachment_mime`` category                 MIME type
``attachment_size`` uint32[pyarrow]          and size in bytes (null when none)
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
the low-cardinality columns (:data:`DICTIONARY_COLUMNS`) are categoricals. The Arrow types
themselves live in :mod:`.arrow` (:data:`~.arrow.SCHEMA`).

A row is a tuple of plain values in :data:`COLUMNS` order: ``received_at`` is epoch
seconds (float), ``sent_at`` epoch seconds (int) or None, everything else a ``str`` or
None. :func:`event_row` builds it; the extractors below fill the columns between
``kind`` and ``raw`` from the event's first argument, chosen by its type
(:data:`_BY_BASE`).

Adding a column
---------------

1. Add its name to :data:`COLUMNS` (before ``raw``, which stays last) and a line to
   the table above; add it to :data:`DICTIONARY_COLUMNS` if it has few distinct values.
2. Add the keyword to :func:`_fields` and its value to the tuple :func:`_message`
   builds (both in :data:`COLUMNS` order); fill it in the extractors that know it.
3. A string or categorical column needs nothing else. A timestamp or number column
   gets its Arrow type in :data:`.arrow._TYPES`.

The LiveFrame, the Arrow buffer and the Parquet files follow :data:`COLUMNS`;
``tests/notebook/test_rows.py`` checks that every extractor fills every column.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
from typing import Any, Final

import orjson

from ..client.catchup import CatchupResult
from ..client.dispatch import Event
from ..errors import CometChatException
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

__all__ = [
    "COLUMNS",
    "COLUMN_INDEX",
    "DICTIONARY_COLUMNS",
    "Row",
    "compact_json",
    "event_name",
    "event_row",
    "text_message_row",
    "unreadable_row",
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
    "parent_id",
    "reply_count",
    "reactions",
    "mentions",
    "attachment_url",
    "attachment_name",
    "attachment_mime",
    "attachment_size",
    "state",
    "extra",
    "raw",
)
"""The columns of ``LiveFrame.df``, in order (see the module docstring)."""

COLUMN_INDEX: Final = {name: i for i, name in enumerate(COLUMNS)}
"""Position of each column in a row."""

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
        # the message features: null in most rows, so a categorical's 1-byte code is the
        # cheapest column (a string column costs a 4-byte offset per row)
        "parent_id",
        "reactions",
        "mentions",
        "attachment_url",
        "attachment_name",
        "attachment_mime",
    }
)
"""Low-cardinality columns: dictionary-encoded in the buffer, categoricals in the DataFrame."""

Row = tuple[Any, ...]
"""One row: plain values in :data:`COLUMNS` order."""

# the columns an extractor fills: everything between ``kind`` and ``raw``
_FIELDS: Final = COLUMNS[3:-1]
_STATE: Final = _FIELDS.index("state")
_EXTRA: Final = _FIELDS.index("extra")
_Fields = tuple[Any, ...]

# event_name runs once per event: a dict hit instead of a regex and snake_case() each time
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


def compact_json(fields: dict[str, Any]) -> str | None:
    """``fields`` without its empty values as compact JSON (the ``extra`` column); None if
    nothing is left."""
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


# ----------------------------------------------------------------------------------------
# extractors: the event's first argument → the values of _FIELDS (sent_at in epoch seconds)


def _fields(
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
    parent_id: str | None = None,
    reply_count: int | None = None,
    reactions: str | None = None,
    mentions: str | None = None,
    attachment_url: str | None = None,
    attachment_name: str | None = None,
    attachment_mime: str | None = None,
    attachment_size: int | None = None,
    state: str | None = None,
    extra: dict[str, Any] | None = None,
) -> _Fields:
    """The extractors' values in :data:`_FIELDS` order, by name (``extra`` as JSON)."""
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
        parent_id,
        reply_count,
        reactions,
        mentions,
        attachment_url,
        attachment_name,
        attachment_mime,
        attachment_size,
        state,
        compact_json(extra) if extra else None,
    )


# mentions and the four attachment columns of a row without them
_NO_MEDIA: Final = (None, None, None, None, None)


def _reactions_summary(msg: BaseMessage) -> str | None:
    counts = msg.reactions
    return " ".join(f"{c.reaction}×{c.count}" for c in counts) if counts else None


_NO_FIELDS: Final = _fields()


def _message(msg: BaseMessage) -> _Fields:
    # the hot path (most events are messages): the tuple is built directly, in _FIELDS order,
    # without _fields()'s keyword call; `extra` gets only the keys that are set
    extra: dict[str, Any] = {}
    text: str | None = None
    media: tuple[Any, ...] = _NO_MEDIA
    if isinstance(msg, TextMessage):
        text = msg.text
        if "<@uid:" in text:  # a mention is written so (README "Mentions"): no lookup otherwise
            media = (",".join(msg.mentioned_uids) or None, None, None, None, None)
    elif isinstance(msg, MediaMessage):
        text = msg.caption
        mentions = msg.mentioned_uids if text and "<@uid:" in text else None
        first = msg.get_attachment()
        media = (
            ",".join(mentions) if mentions else None,
            first.url if first is not None else msg.url,
            first.name if first is not None else None,
            first.mime_type if first is not None else None,
            first.size if first is not None else None,
        )
        if len(msg.attachments) > 1:
            extra["attachments"] = [a.to_wire() for a in msg.attachments]
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
        msg.parent_message_id,
        # the server's count when it sent the message: history and catch-up messages (a live
        # message is new; looking for replyCount in its frame costs a fifth of the row)
        None if msg.source == "live" else msg.reply_count or None,
        # a live message is new: its frame (the same bytes for everyone) has no reactions;
        # live reactions are rows of their own (message_reaction_added / _removed)
        None if msg.source == "live" else _reactions_summary(msg),
        *media,
        None,
        compact_json(extra) if extra else None,
    )


def _typing(ind: TypingIndicator) -> _Fields:
    return _fields(
        sender=ind.sender.uid if ind.sender is not None else None,
        receiver=ind.receiver_id,
        receiver_type=ind.receiver_type,
        extra={"metadata": ind.metadata, "lastTimestamp": ind.last_timestamp},
    )


def _receipt(receipt: MessageReceipt) -> _Fields:
    return _fields(
        message_id=receipt.message_id,
        sender=receipt.sender.uid,
        receiver=receipt.receiver_id,
        receiver_type=receipt.receiver_type,
        extra={
            "receiptType": receipt.receipt_type,
            "timestamp": receipt.timestamp,
            "messageSender": receipt.message_sender,
        },
    )


def _user(user: User) -> _Fields:
    return _fields(
        sender=user.uid,
        extra={"name": user.name, "status": user.status, "lastActiveAt": user.last_active_at},
    )


def _state_change(change: ConnectionStateChange) -> _Fields:
    extra = {
        "previous": change.previous.value,
        "reason": change.reason,
        "reasonCode": change.reason_code,
        "attempt": change.attempt or None,
        "retryIn": change.retry_in,
        "update": True if change.is_update else None,
    }
    return _fields(state=change.current.value, extra=extra)


def _error(exc: BaseException) -> _Fields:
    if isinstance(exc, CometChatException):
        return _fields(extra={"code": exc.code, "message": exc.message})
    return _fields(extra={"error": type(exc).__name__, "message": str(exc)})


def _catchup(result: CatchupResult) -> _Fields:
    extra = {
        "delivered": result.delivered,
        "pages": result.pages,
        "gapPossible": result.gap_possible,
        "fromId": result.from_id,
        "toId": result.to_id,
        "error": str(result.error) if result.error is not None else None,
        "seconds": round(result.finished_at - result.started_at, 6) if result.finished_at else None,
    }
    return _fields(extra=extra)


def _transient(msg: TransientMessage) -> _Fields:
    return _fields(
        sender=msg.sender.uid if msg.sender is not None else None,
        receiver=msg.receiver_id,
        receiver_type=msg.receiver_type,
        extra={"data": msg.data},
    )


def _reaction(event: ReactionEvent) -> _Fields:
    return _fields(
        message_id=event.message_id,
        conversation_id=event.conversation_id,
        sender=event.uid,
        receiver=event.receiver_id,
        receiver_type=event.receiver_type,
        parent_id=event.parent_message_id,
        reactions=event.reaction,
        extra={"action": event.action, "reactedAt": event.reacted_at},
    )


_Extractor = Callable[[Any], _Fields]
# first match wins, so subclasses come before their bases
_BY_BASE: Final[tuple[tuple[type[Any], _Extractor], ...]] = (
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
# the extractor of each concrete type seen so far: one dict lookup per event instead of
# an isinstance() ladder (None: no extractor for that type)
_EXTRACTORS: dict[type[Any], _Extractor | None] = {}
# the connection callbacks that have no argument but name a state
_STATUS_STATE: Final = {
    "onConnected": "connected",
    "inConnecting": "connecting",
    "onDisconnected": "disconnected",
}


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


def event_row(event: Event, keep_raw: bool = False) -> Row:
    """The row of ``event``: a tuple of plain Python values in :data:`COLUMNS` order.

    Timestamps are epoch seconds here (``received_at`` a float, ``sent_at`` an
    int or None); everything else is a ``str`` or None. ``raw`` is filled only
    with ``keep_raw``. Pure: no pandas, no I/O. May raise on a payload it cannot
    read (a model whose properties raise); :func:`unreadable_row` is the fallback.
    """
    args = event.args
    fields = _NO_FIELDS
    if args:
        fn = _extractor(args[0])
        if fn is not None:
            fields = fn(args[0])
        elif len(args) == 1 and args[0] is not None:
            fields = _fields(extra={"value": args[0]})
    name = event.name
    state = _STATUS_STATE.get(name)
    if state is not None:
        fields = (*fields[:_STATE], state, *fields[_STATE + 1 :])
    return (
        event.received_at,
        event_name(name),
        event.kind,
        *fields,
        _raw_of(event) if keep_raw else None,
    )


def text_message_row(message: TextMessage, received_at: float, keep_raw: bool = False) -> Row:
    """:func:`event_row` of ``Event("message", "onTextMessageReceived", (message,), received_at)``,
    without the event (the LiveFrame's ``on_text_message``: most events are these)."""
    return (
        received_at,
        "text_message_received",
        "message",
        *_message(message),
        _json(message) if keep_raw else None,
    )


def unreadable_row(event: Event, exc: BaseException) -> Row:
    """The row kept for an event :func:`event_row` could not read: its time, name and kind,
    and the error in ``extra`` (the event is not lost)."""
    fields: list[Any] = [None] * len(_FIELDS)
    fields[_EXTRA] = compact_json({"error": f"could not read the event: {exc!r}"})
    return (event.received_at, event_name(event.name), event.kind, *fields, None)
