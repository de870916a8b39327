"""``%cometchat_history``: earlier messages of a conversation as a LiveFrame-shaped DataFrame.

A "table" command: pages fetched with :func:`~.tables.fetch_pages` (a progress
bar), rows built by the same code as the live events (:mod:`.rows`), so a
history frame and ``LiveFrame.df`` concatenate.
"""

from __future__ import annotations

import time

import pandas as pd

from ..client.dispatch import Event
from ..errors import InvalidArgumentError
from ..sdk import CometChat
from .live_frame import LiveFrame
from .progress import Mode
from .status import require_init
from .tables import fetch_pages

__all__ = ["fetch_history"]


def fetch_history(
    uid: str | None = None,
    guid: str | None = None,
    limit: int = 30,
    pages: int = 1,
    *,
    progress: Mode = "auto",
    parent: str | None = None,
    search: str | None = None,
    tags: list[str] | None = None,
    attachment_types: list[str] | None = None,
    mentioned_uids: list[str] | None = None,
    has_reactions: bool = False,
    hide_replies: bool = False,
) -> pd.DataFrame:
    """Fetch up to ``pages`` pages of ``limit`` earlier messages of a conversation, with a
    progress bar; returns them oldest first in the LiveFrame schema (``event`` and
    ``source`` are ``history``). They are not added to the kernel's live frame.

    ``parent``: the replies of that message instead (its thread; no uid/guid needed).
    The filters are ``MessagesRequestBuilder``'s: ``search`` (``setSearchKeyword``),
    ``tags``, ``attachment_types``, ``mentioned_uids``, ``has_reactions``, ``hide_replies``.
    """
    require_init("fetch_history")
    if parent is None and (uid is None) == (guid is None):
        raise InvalidArgumentError("fetch_history needs exactly one of uid= or guid= (or parent=)")
    builder = CometChat.MessagesRequestBuilder().setLimit(limit)
    if parent is not None:
        builder = builder.setParentMessageId(parent)
    elif uid is not None:
        builder = builder.setUID(uid)
    else:
        builder = builder.setGUID(guid or "")
    if search:
        builder = builder.setSearchKeyword(search)
    if tags:
        builder = builder.setTags(tags)
    if attachment_types:
        builder = builder.setAttachmentTypes(attachment_types)
    if mentioned_uids:
        builder = builder.setMentionedUIDs(mentioned_uids)
    if has_reactions:
        builder = builder.hasReactions(True)
    if hide_replies:
        builder = builder.hideReplies(True)
    request = builder.build()
    found = fetch_pages(
        request.fetchPrevious,
        limit=limit,
        pages=pages,
        description=f"replies to {parent}" if parent is not None else f"history of {uid or guid}",
        noun="messages",
        progress=progress,
    )
    frame = LiveFrame(max_rows=None)
    now = time.time()
    found.sort(key=lambda m: (m.sent_at or 0, int(m.id) if m.id and m.id.isdigit() else 0))
    frame.extend(Event("message", "history", (m,), now) for m in found)
    return frame.df
