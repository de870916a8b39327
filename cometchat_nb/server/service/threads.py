"""Threads: replies to a message, the parent's ``replyCount``, and a reader's
unread replies.

A reply is an ordinary message whose ``parentId`` names a message of the same
conversation; the JS SDK posts it to ``POST messages/{parentId}/thread`` (its
``sendMessageInThread`` endpoint) and reads it back as ``parentMessageId``.
Rules kept here: the parent must exist (``ERR_MESSAGE_ID_NOT_FOUND``), be
readable by the sender (``ERR_PERMISSION_DENIED``), be in the conversation the
reply goes to and not be an action (``ERR_BAD_REQUEST``). The parent's
``replyCount`` counts its replies that are not deleted: a reply adds one, its
deletion takes one away, an edit changes nothing. ``unreadRepliesCount`` (per
reader) counts replies someone else sent that the reader has no read receipt
for.
"""

from __future__ import annotations

from typing import Any

from ..params import bad_request
from ..store import HistoryQuery, MessagePage
from .core import JSON, Service, permission_denied

__all__ = ["check_parent", "count_reply", "reply_parent", "thread_history", "unread_replies"]


def check_parent(svc: Service, uid: str, parent: Any, conversation: str) -> str | None:
    """The id of the message ``uid`` replies to (``None``: not a reply)."""
    if parent is None or parent == "" or parent == 0:
        return None
    message = svc.message_or_fail(parent)
    if not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message {parent}.")
    if message["conversationId"] != conversation:
        raise bad_request("'parentId' must name a message of the same conversation")
    if message["category"] == "action":
        raise bad_request("action messages cannot be replied to")
    return str(message["id"])


def count_reply(svc: Service, parent_id: Any, delta: int) -> None:
    """Add ``delta`` to a parent's ``replyCount`` (never below 0; call in the reply's transaction)."""
    parent = svc.store.message(int(parent_id))
    if parent is None:  # pragma: no cover - replies keep their parent
        return
    count = max(0, int(parent.get("replyCount") or 0) + delta)
    updated = dict(parent)
    if count:
        updated["replyCount"] = count
    else:
        updated.pop("replyCount", None)
    svc.store.replace_message(updated)


def unread_replies(svc: Service, reader: str, parent_ids: list[int]) -> dict[int, int]:
    """``parent id → replies`` ``reader`` has not read, for parents that have some."""
    return svc.store.unread_replies(parent_ids, reader) if parent_ids else {}


def thread_history(svc: Service, reader: str, parent: str, query: HistoryQuery) -> MessagePage:
    """A page of one thread, for those who can read its parent (the query's
    filters say ``parent_id``; ``with_parent`` includes the parent itself)."""
    message = svc.message_or_fail(parent)
    if not svc.can_read(reader, message):
        raise permission_denied(f"The user {reader} cannot read the message {parent}.")
    return svc.store.messages_page(query, conversation=message["conversationId"])


def reply_parent(message: JSON) -> str | None:
    """The parent id of a stored message, if it is a reply."""
    parent = message.get("parentId")
    return None if parent in (None, "") else str(parent)
