"""Routes of conversations: the list, one conversation with a user or a group
(get, tag, delete), its read/delivered/unread marks, and the unread counts the
history routes answer for ``unread=1&count=1``.

The query parameters are those the official JS SDK 4.2 sends (``ConversationsRequest.getNextData``):
``per_page`` (at most 50), ``page``, ``conversationType``, ``searchKey``,
``tags``, ``withTags``, ``userTags``, ``groupTags``, ``withUserAndGroupTags``,
``includeBlockedUsers``, ``withBlockedInfo``, ``unread``, ``hideAgentic``,
``onlyAgentic`` and the pin filter; the agentic and pin flags are accepted and
have no effect (this server has no AI agents and no pins), and
``withUserAndGroupTags`` too (users and groups always carry their tags here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ...protocol.rest import Meta
from ..params import bad_request, page_offset, pagination, query_bool, query_int, query_list
from ..service import Service, conversations, relays
from ..service.conversations import BlockedOptions, ConversationQuery
from .routing import Call, Reply, Route, route

__all__ = ["PER_PAGE_MAX", "ROUTES", "unread_count_reply"]

#: The most conversations one page holds (the official SDK refuses a larger limit).
PER_PAGE_MAX: Final = 50


def _kind(call: Call) -> tuple[str, str]:
    """``(uid or guid, "user" or "group")`` of a ``users/{uid}/…`` or ``groups/{guid}/…`` route."""
    if "uid" in call.params:
        return call.params["uid"], "user"
    return call.params["guid"], "group"


def list_conversations(svc: Service, call: Call) -> Reply:
    """``GET conversations``: a page of the caller's conversations, newest first."""
    q = call.query
    per_page = query_int(q, "per_page", 30, hi=PER_PAGE_MAX)
    page = query_int(q, "page", 1)
    kind = q.get("conversationType") or None
    if kind is not None and kind not in ("user", "group"):
        raise bad_request("query parameter 'conversationType' must be 'user' or 'group'")
    query = ConversationQuery(
        limit=per_page,
        offset=page_offset(page, per_page),
        conversation_type=kind,
        unread_only=query_bool(q, "unread"),
        tags=tuple(query_list(q, "tags")),
        user_tags=tuple(query_list(q, "userTags")),
        group_tags=tuple(query_list(q, "groupTags")),
        search=(q.get("searchKey") or "").strip() or None,
    )
    found, total = conversations.list_conversations(
        svc,
        call.uid,
        query,
        with_tags=query_bool(q, "withTags"),
        blocked=BlockedOptions(
            include_blocked_users=query_bool(q, "includeBlockedUsers"),
            with_blocked_info=query_bool(q, "withBlockedInfo"),
        ),
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def get_conversation(svc: Service, call: Call) -> Reply:
    """``GET users/{uid}/conversation`` / ``groups/{guid}/conversation``."""
    return conversations.get_conversation(svc, call.uid, *_kind(call)), None


def tag_conversation(svc: Service, call: Call) -> Reply:
    """``PUT …/conversation`` with ``{"tags": [...]}``: the conversation with its new tags."""
    return conversations.tag_conversation(svc, call.uid, *_kind(call), call.body.get("tags")), None


def delete_conversation(svc: Service, call: Call) -> Reply:
    """``DELETE …/conversation``: gone from the caller's list until a newer message."""
    return conversations.delete_conversation(svc, call.uid, *_kind(call)), None


def mark_read(svc: Service, call: Call) -> Reply:
    """``POST …/conversation/read`` (body ``{}``): everything in it is read."""
    relays.mark_conversation(svc, call.uid, *_kind(call), "read", call.device_id)
    return conversations.get_conversation(svc, call.uid, *_kind(call), listed_only=False), None


def mark_delivered(svc: Service, call: Call) -> Reply:
    """``POST …/conversation/delivered`` (body ``{}``): everything in it is delivered."""
    relays.mark_conversation(svc, call.uid, *_kind(call), "delivery", call.device_id)
    return conversations.get_conversation(svc, call.uid, *_kind(call), listed_only=False), None


def mark_unread(svc: Service, call: Call) -> Reply:
    """``DELETE …/conversation/read`` with ``{"messageId": …}``: that message and
    everything newer from others is unread; answers ``{"conversation": …}``."""
    message_id = call.body.get("messageId")
    if message_id is None or message_id == "":
        raise bad_request("'messageId' is required")
    return conversations.mark_unread(svc, call.uid, *_kind(call), message_id), None


# -- unread counts, answered by the history routes -------------------------------------
def _blocked(query: Mapping[str, str]) -> BlockedOptions:
    return BlockedOptions(hide_messages_from_blocked=query_bool(query, "hideMessagesFromBlockedUsers"))


def unread_count_reply(svc: Service, call: Call, conversation_id: str | None = None) -> Reply | None:
    """The answer to ``unread=1&count=1`` on a history route (``getUnreadMessageCount*``):
    ``[{entityId, entityType, count}]`` for the caller's conversations with unread
    messages — all of them (``receiverType=user|group`` narrows), or the one of
    ``users/{uid}/messages`` / ``groups/{guid}/messages`` (``conversation_id``).
    ``None`` when the query does not ask for counts."""
    q = call.query
    if not (query_bool(q, "unread") and query_bool(q, "count")):
        return None
    kind = None
    if conversation_id is None:
        kind = q.get("receiverType") or None
        if kind is not None and kind not in ("user", "group"):
            raise bad_request("query parameter 'receiverType' must be 'user' or 'group'")
    counts = conversations.unread_counts(
        svc, call.uid, conversation_type=kind, conversation_id=conversation_id, blocked=_blocked(q)
    )
    return counts, None


ROUTES: Final[tuple[Route, ...]] = (
    route("GET", "conversations", list_conversations),
    route("GET", "users/{uid}/conversation", get_conversation),
    route("GET", "groups/{guid}/conversation", get_conversation),
    route("PUT", "users/{uid}/conversation", tag_conversation),
    route("PUT", "groups/{guid}/conversation", tag_conversation),
    route("DELETE", "users/{uid}/conversation", delete_conversation),
    route("DELETE", "groups/{guid}/conversation", delete_conversation),
    route("POST", "users/{uid}/conversation/read", mark_read),
    route("POST", "groups/{guid}/conversation/read", mark_read),
    route("DELETE", "users/{uid}/conversation/read", mark_unread),
    route("DELETE", "groups/{guid}/conversation/read", mark_unread),
    route("POST", "users/{uid}/conversation/delivered", mark_delivered),
    route("POST", "groups/{guid}/conversation/delivered", mark_delivered),
)
