"""Sample wire objects (protocol.md), written once: the users and the text message the
frame, model and raw-text tests all start from. Change a copy (:func:`text_body`), never these."""

from __future__ import annotations

import copy
from typing import Any, Final

__all__ = ["HIM", "ME", "TEXT_BODY", "text_body"]

#: the logged-in user of the samples (``PUT me`` answers it, §2.3)
ME: Final[dict[str, Any]] = {
    "uid": "superhero1",
    "name": "Iron Man",
    "status": "online",
    "role": "default",
    "lastActiveAt": 1795889786,
}
#: the other user of the samples
HIM: Final[dict[str, Any]] = {"uid": "superhero2", "name": "Captain America", "status": "online"}
#: §3.5: a text message as the server pushes it (the body of a ``message`` frame, or a REST item)
TEXT_BODY: Final[dict[str, Any]] = {
    "id": "100",
    "muid": "srv-a5fd3d46",
    "conversationId": "superhero1_user_superhero2",
    "sender": "superhero2",
    "receiver": "superhero1",
    "receiverType": "user",
    "category": "message",
    "type": "text",
    "data": {
        "text": "hello",
        "metadata": {},
        "entities": {
            "sender": {"entity": HIM, "entityType": "user"},
            "receiver": {"entity": {"uid": "superhero1", "name": "Iron Man"}, "entityType": "user"},
        },
    },
    "sentAt": 1795889915,
    "updatedAt": 1795889915,
}


def text_body(
    *, text: str | None = None, metadata: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    """A deep copy of :data:`TEXT_BODY` with ``data.text``/``data.metadata`` and top-level fields changed."""
    body = copy.deepcopy(TEXT_BODY)
    if text is not None:
        body["data"]["text"] = text
    if metadata is not None:
        body["data"]["metadata"] = metadata
    body.update(changes)
    return body
