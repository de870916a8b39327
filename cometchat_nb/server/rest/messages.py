"""Routes of messages: send, get, edit, delete, and history (a conversation with a
user, a group's, or everything the caller can read). Threads, reactions and
files have their own modules; the history filters are read by
:func:`.history.history_filters`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import orjson

from ...protocol.rest import Cursor, Meta
from ..config import PER_PAGE_DEFAULT, PER_PAGE_MAX
from ..params import bad_request, pagination, query_bool, query_int, query_list, query_optional_int
from ..service import Service, conversations, messages
from ..service.views import page_view, view
from ..store import HistoryQuery, MessagePage
from .conversations import unread_count_reply
from .history import history_filters, view_options
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES", "history_query", "history_reply"]


def send_message(svc: Service, call: Call) -> Reply:
    """``POST messages`` (JSON, or multipart with files): stored and pushed; the stored message."""
    return messages.post_message(svc, call.uid, call.body, call.device_id, uploads=call.files), None


def get_message(svc: Service, call: Call) -> Reply:
    """``GET messages/{id}``: the message as the caller sees it (reactions, unread
    replies); its sender also gets its ``receipts`` (``getMessageReceipts``)."""
    message = view(svc, call.uid, messages.get_message(svc, call.uid, call.params["id"]))
    receipts = conversations.message_receipts(svc, call.uid, message)
    return (message if receipts is None else {**message, "receipts": receipts}), None


def edit_message(svc: Service, call: Call) -> Reply:
    """``PUT messages/{id}``: the ``edited`` action."""
    return messages.edit_message(svc, call.uid, call.params["id"], call.body, call.device_id), None


def delete_message(svc: Service, call: Call) -> Reply:
    """``DELETE messages/{id}``: the ``deleted`` action."""
    return messages.delete_message(svc, call.uid, call.params["id"], call.device_id), None


# -- history ------------------------------------------------------------------------
def history_query(
    query: Mapping[str, str], reader: str | None = None, *, parent_id: int | None = None
) -> HistoryQuery:
    """The history parameters: ``per_page``, ``affix`` (``prepend``: older than the
    cursor, ``append``: newer), cursors ``id`` / ``sentAt``, ``hideDeleted``,
    ``categories``, ``types``, the filters of :func:`.history.history_filters`
    (``parent_id``: a thread's page) and, with ``reader``,
    ``hideMessagesFromBlockedUsers`` (what users in a block with the reader sent is
    left out)."""
    per_page = query_int(query, "per_page", PER_PAGE_DEFAULT, hi=PER_PAGE_MAX)
    affix_raw = query.get("affix") or "prepend"
    if affix_raw not in ("prepend", "append"):
        raise bad_request("query parameter 'affix' must be 'prepend' or 'append'")
    affix: Literal["prepend", "append"] = "prepend" if affix_raw == "prepend" else "append"
    return HistoryQuery(
        affix=affix,
        cursor_id=query_optional_int(query, "id"),
        cursor_sent_at=query_optional_int(query, "sentAt"),
        limit=per_page,
        hide_deleted=query_bool(query, "hideDeleted"),
        categories=tuple(query_list(query, "categories")),
        types=tuple(query_list(query, "types")),
        filters=history_filters(query, parent_id=parent_id),
        hide_blocked_for=reader if query_bool(query, "hideMessagesFromBlockedUsers") else None,
    )


def history_reply(svc: Service, call: Call, query: HistoryQuery, page: MessagePage) -> Reply:
    """The page's messages as the caller sees them (spliced in as stored where
    nothing depends on the reader) and ``meta`` with the cursor of its edge in
    the paging direction (the request's when empty)."""
    if page.ids:
        edge = 0 if query.affix == "prepend" else -1
        cursor = Cursor(affix=query.affix, sent_at=page.sent_ats[edge], id=str(page.ids[edge]))
    else:
        cursor_id = query.cursor_id
        cursor = Cursor(
            affix=query.affix,
            sent_at=query.cursor_sent_at,
            id=str(cursor_id) if cursor_id is not None else None,
        )
    meta = Meta(pagination=pagination(page.remaining, len(page.ids), query.limit), cursor=cursor)
    items = page_view(svc, call.uid, page, view_options(call.query))
    return [orjson.Fragment(item) for item in items], meta.to_wire()


def list_messages(svc: Service, call: Call) -> Reply:
    """``GET messages``: everything the caller can read (catch-up after a reconnect);
    with ``unread=1&count=1`` the caller's unread counts."""
    counts = unread_count_reply(svc, call)
    if counts is not None:
        return counts
    query = history_query(call.query, call.uid)
    return history_reply(svc, call, query, messages.history(svc, query, reader=call.uid))


def user_messages(svc: Service, call: Call) -> Reply:
    """``GET users/{uid}/messages``: the caller's direct conversation with that user."""
    conversation = messages.user_conversation(svc, call.uid, call.params["uid"])
    counts = unread_count_reply(svc, call, conversation)
    if counts is not None:
        return counts
    query = history_query(call.query, call.uid)
    return history_reply(svc, call, query, messages.history(svc, query, conversation=conversation))


def group_messages(svc: Service, call: Call) -> Reply:
    """``GET groups/{guid}/messages``: a group's conversation, for members."""
    conversation = messages.group_conversation(svc, call.uid, call.params["guid"])
    counts = unread_count_reply(svc, call, conversation)
    if counts is not None:
        return counts
    query = history_query(call.query, call.uid)
    return history_reply(svc, call, query, messages.history(svc, query, conversation=conversation))


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "messages", send_message),
    route("GET", "messages", list_messages),
    route("GET", "messages/{id}", get_message),
    route("PUT", "messages/{id}", edit_message),
    route("DELETE", "messages/{id}", delete_message),
    route("GET", "users/{uid}/messages", user_messages),
    route("GET", "groups/{guid}/messages", group_messages),
)
