"""Routes of threads (a message's replies) and the history parameters of this
feature set: ``POST``/``GET messages/{id}/thread`` and the query flags every
history route reads beyond the cursor (:func:`history_filters`,
:func:`view_options`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..params import query_bool, query_list, query_optional_int
from ..service import Service, messages, threads
from ..service.views import ViewOptions
from ..store import HistoryFilters
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES", "history_filters", "view_options"]


def history_filters(query: Mapping[str, str], *, parent_id: int | None = None) -> HistoryFilters:
    """The filters of ``MessagesRequestBuilder`` as the JS SDK sends them
    (protocol.md §3.4): ``searchKey``, ``tags``, ``hasAttachments``, ``hasLinks``,
    ``hasMentions``, ``hasReactions``, ``mentionedUids``, ``attachmentTypes``,
    ``hideReplies``, ``withParent``, ``updatedAt`` + ``onlyUpdates``. Flags
    owned elsewhere (``unread``, ``hideMessagesFromBlockedUsers``) and those with
    nothing to select here (``hideQuotedMessages``, ``onlyInteractionGoalCompleted``,
    ``withTags``: tags are always included) are accepted and left to their owners."""
    search = (query.get("searchKey") or "").strip()
    return HistoryFilters(
        parent_id=parent_id,
        with_parent=query_bool(query, "withParent"),
        hide_replies=query_bool(query, "hideReplies"),
        search=search or None,
        tags=tuple(query_list(query, "tags")),
        has_attachments=query_bool(query, "hasAttachments"),
        has_links=query_bool(query, "hasLinks"),
        has_mentions=query_bool(query, "hasMentions"),
        has_reactions=query_bool(query, "hasReactions"),
        mentioned_uids=tuple(query_list(query, "mentionedUids")),
        attachment_types=tuple(query_list(query, "attachmentTypes")),
        updated_after=query_optional_int(query, "updatedAt"),
        only_updates=query_bool(query, "onlyUpdates"),
    )


def view_options(query: Mapping[str, str]) -> ViewOptions:
    """``mentionsWithTagInfo`` / ``mentionsWithBlockedInfo``: how mentions look."""
    return ViewOptions(
        mentions_with_tag_info=query_bool(query, "mentionsWithTagInfo"),
        mentions_with_blocked_info=query_bool(query, "mentionsWithBlockedInfo"),
    )


def reply(svc: Service, call: Call) -> Reply:
    """``POST messages/{id}/thread``: a reply (JSON or multipart body), stored and pushed."""
    return (
        messages.post_message(
            svc, call.uid, call.body, call.device_id, uploads=call.files, parent=call.params["id"]
        ),
        None,
    )


def thread_messages(svc: Service, call: Call) -> Reply:
    """``GET messages/{id}/thread``: a page of the thread (``setParentMessageId``)."""
    from .messages import history_query, history_reply

    parent = svc.message_or_fail(call.params["id"])
    query = history_query(call.query, parent_id=int(parent["id"]))
    page = threads.thread_history(svc, call.uid, parent["id"], query)
    return history_reply(svc, call, query, page)


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "messages/{id}/thread", reply),
    route("GET", "messages/{id}/thread", thread_messages),
)
