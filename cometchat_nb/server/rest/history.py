"""The history parameters of the message features, read by every history route
beyond the cursor: the filters (:func:`history_filters`) and how mentions look
(:func:`view_options`)."""

from __future__ import annotations

from collections.abc import Mapping

from ..params import query_bool, query_list, query_optional_int
from ..service.views import ViewOptions
from ..store import HistoryFilters

__all__ = ["history_filters", "view_options"]


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
