"""Sample events and dtype checks shared by the LiveFrame tests (rows, arrow, live_frame)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cometchat_nb.client.dispatch import Event
from cometchat_nb.models import message_from_wire
from cometchat_nb.notebook.rows import COLUMNS, DICTIONARY_COLUMNS

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
    "parent_id": "category",
    "reply_count": "uint32[pyarrow]",
    "reactions": "category",
    "mentions": "category",
    "attachment_url": "category",
    "attachment_name": "category",
    "attachment_mime": "category",
    "attachment_size": "uint32[pyarrow]",
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
