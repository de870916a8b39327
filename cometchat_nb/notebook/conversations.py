"""``%cometchat_conversations``: the logged-in user's conversations as a typed DataFrame.

A "table" command (:mod:`.tables`): pages of ``ConversationsRequestBuilder`` fetched
with a progress bar, newest conversation first, one row per conversation:

==================  ======================  =================================================
column              dtype                   meaning
==================  ======================  =================================================
``id``              string[pyarrow]         ``conversationId``
``type``            category                ``user`` or ``group``
``with``            string[pyarrow]         the other user's uid or the group's guid
``with_name``       string[pyarrow]         their name
``unread``          Int64                   unread messages (others', after the read mark)
``unread_mentions`` Int64                   unread messages that mention the user
``last_text``       string[pyarrow]         the last message's text (None if not a text)
``last_sender``     string[pyarrow]         who sent it
``last_sent_at``    datetime64[ns, UTC]     when
``tags``            string[pyarrow]         the user's tags on the conversation, comma-joined
``updated_at``      datetime64[ns, UTC]     when the conversation last changed
==================  ======================  =================================================
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from ..errors import ErrorCode, InvalidArgumentError
from ..models import Conversation
from ..sdk import CometChat
from .progress import Mode
from .status import require_init
from .tables import Column, fetch_pages, typed_frame

__all__ = ["CONVERSATION_COLUMNS", "fetch_conversations"]


def _last_text(c: Conversation) -> str | None:
    text = getattr(c.last_message, "text", None)
    return text if isinstance(text, str) else None


CONVERSATION_COLUMNS: Final = (
    Column("id", "string", lambda c: c.conversation_id),
    Column("type", "category", lambda c: c.conversation_type),
    Column("with", "string", lambda c: c.with_id),
    Column("with_name", "string", lambda c: c.conversation_with.name),
    Column("unread", "int", lambda c: c.unread_message_count),
    Column("unread_mentions", "int", lambda c: c.unread_mentions_count),
    Column("last_text", "string", _last_text),
    Column(
        "last_sender",
        "string",
        lambda c: c.last_message.sender.uid if c.last_message and c.last_message.sender else None,
    ),
    Column("last_sent_at", "timestamp", lambda c: c.last_message.sent_at if c.last_message else None),
    Column("tags", "string", lambda c: ",".join(c.tags) if c.tags else None),
    Column("updated_at", "timestamp", lambda c: c.updated_at),
)


def fetch_conversations(
    *,
    unread: bool = False,
    type: str | None = None,  # noqa: A002 - the magic's flag
    limit: int = 30,
    pages: int = 1,
    progress: Mode = "auto",
) -> pd.DataFrame:
    """Up to ``pages`` pages of ``limit`` conversations of the logged-in user (newest
    first) with a progress bar; ``unread``: only those with unread messages; ``type``:
    only ``"user"`` or only ``"group"`` conversations. Columns: the module docstring."""
    require_init("fetch_conversations")
    builder = CometChat.ConversationsRequestBuilder().setLimit(limit).withTags(True)
    if type is not None:
        if type not in ("user", "group"):
            raise InvalidArgumentError(
                f"type must be 'user' or 'group', got {type!r}", code=ErrorCode.INVALID_PARAMETER
            )
        builder.setConversationType(type)
    if unread:
        builder.setUnread(True)
    request = builder.build()
    found: list[Conversation] = fetch_pages(
        request.fetchNext,
        limit=limit,
        pages=pages,
        description="conversations",
        noun="conversations",
        progress=progress,
    )
    return typed_frame(found, CONVERSATION_COLUMNS)
