"""Event → row (notebook/rows.py), pure: the row of every payload kind, event names, the
fallback row, and that every extractor fills every column in COLUMNS order."""

from __future__ import annotations

import inspect
import json
from typing import Any

from cometchat_nb.client import CatchupResult
from cometchat_nb.client.dispatch import Event
from cometchat_nb.errors import AuthError
from cometchat_nb.models import MessageReceipt, TypingIndicator, User, message_from_wire
from cometchat_nb.notebook import rows
from cometchat_nb.notebook.rows import COLUMN_INDEX, COLUMNS, event_name, event_row, unreadable_row
from cometchat_nb.protocol.states import ConnectionState, ConnectionStateChange

from .samples import T0, text_event


def as_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    assert len(row) == len(COLUMNS)
    return dict(zip(COLUMNS, row, strict=True))


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


def test_a_text_message_row_is_plain_values() -> None:
    row = as_dict(event_row(text_event(7, "hi there", metadata={"mood": "happy"})))
    assert row["received_at"] == T0 + 7 and isinstance(row["received_at"], float)
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
    assert (row["text"], row["source"], row["sent_at"]) == ("hi there", "live", int(T0) + 7)
    assert row["state"] is None and row["raw"] is None  # keep_raw=False
    assert json.loads(row["extra"]) == {"metadata": {"mood": "happy"}}
    assert all(v is None or type(v) in (str, int, float) for v in row.values())


def test_rows_of_other_payloads() -> None:
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
    by_event = {r["event"]: r for r in (as_dict(event_row(e, keep_raw=True)) for e in events)}
    t = by_event["typing_started"]
    assert (t["sender"], t["receiver"], t["receiver_type"]) == ("superhero2", "superhero1", "user")
    r = by_event["messages_read"]
    assert (r["message_id"], r["sender"]) == ("9", "superhero2")
    assert json.loads(r["extra"]) == {"receiptType": "read", "timestamp": int(T0)}
    u = by_event["user_online"]
    assert u["sender"] == "superhero3" and json.loads(u["extra"])["status"] == "online"
    s = by_event["state_change"]
    assert s["state"] == "disconnected"
    assert json.loads(s["extra"]) == {
        "previous": "connected",
        "reason": "server asked to reconnect",
        "reasonCode": "4000",
        "attempt": 2,
        "retryIn": 1.5,
    }
    assert by_event["connecting"]["state"] == "connecting"
    assert by_event["connected"]["state"] == "connected"
    c = json.loads(by_event["catchup_finished"]["extra"])
    assert (c["delivered"], c["pages"], c["gapPossible"]) == (3, 1, False)
    e = json.loads(by_event["connection_error"]["extra"])
    assert e == {"code": "AUTH_ERR_APIKEY_NOT_FOUND", "message": "bad key"}
    assert by_event["login_success"]["sender"] == "superhero1"
    assert by_event["logout_success"]["extra"] is None
    cu = by_event["custom_message_received"]
    assert (cu["category"], cu["type"], cu["receiver_type"]) == ("custom", "location", "group")
    assert json.loads(cu["extra"]) == {"customData": {"lat": 1.5}}
    assert json.loads(cu["raw"])["data"]["customData"] == {"lat": 1.5}  # keep_raw=True
    assert by_event["something_new"]["kind"] == "message"  # unknown payloads still make a row
    assert all(isinstance(r["raw"], str) for r in by_event.values())


def test_the_fallback_row_keeps_the_event() -> None:
    row = as_dict(unreadable_row(text_event(3), RuntimeError("odd payload")))
    assert (row["received_at"], row["event"], row["kind"]) == (T0 + 3, "text_message_received", "message")
    assert json.loads(row["extra"]) == {"error": "could not read the event: RuntimeError('odd payload')"}
    assert sum(v is not None for v in row.values()) == 4


def test_columns_are_named_once_in_order() -> None:
    """Adding a column is one edit in rows.py: the extractors' keyword helper and the index
    follow COLUMNS (between ``kind`` and ``raw``), so a column added to one but not the
    other fails here."""
    assert COLUMNS[:3] == ("received_at", "event", "kind") and COLUMNS[-1] == "raw"
    assert list(inspect.signature(rows._fields).parameters) == list(COLUMNS[3:-1])
    assert [COLUMN_INDEX[c] for c in COLUMNS] == list(range(len(COLUMNS)))
    assert set(rows.DICTIONARY_COLUMNS) <= set(COLUMNS)
