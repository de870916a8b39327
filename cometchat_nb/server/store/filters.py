"""The history filters of ``MessagesRequestBuilder`` beyond the cursor: what each
one selects, as SQL over ``messages`` and the tables of :mod:`.annotations`.

Each filter narrows the page's ``WHERE``; the page is still read along an
index in id order (``messages_conversation``, ``messages_thread`` for a thread,
the partial indexes for attachments and reactions, ``mentions`` and
``message_tags`` by value), so paging through a large history with a filter
reads the matching rows, not the whole conversation. ``updated_after`` changes
the order (and the cursor) to ``updated_at``: the JS SDK pages updates by
``updatedAt`` and its id cursor would hide old messages edited since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .annotations import FLAG_ATTACHMENTS, FLAG_LINKS, FLAG_MENTIONS, FLAG_REACTIONS, MEDIA_TYPES
from .base import like

__all__ = ["HistoryFilters", "filter_sql"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryFilters:
    """Filters of one history page (all optional; the defaults select everything).

    ``parent_id``: only the replies of that message (``with_parent``: and the
    message itself); ``hide_replies``: no replies; ``search``: a case-insensitive
    substring of the text, caption or attachment names; ``tags``: messages with
    any of these tags; ``has_*``: with attachments, links, mentions, reactions;
    ``mentioned_uids``: mentioning any of these users; ``attachment_types``:
    media messages of these types; ``updated_after``: updated strictly after
    (ordered by update time); ``only_updates``: edited or deleted messages only
    (with ``updated_after``).
    """

    parent_id: int | None = None
    with_parent: bool = False
    hide_replies: bool = False
    search: str | None = None
    tags: tuple[str, ...] = ()
    has_attachments: bool = False
    has_links: bool = False
    has_mentions: bool = False
    has_reactions: bool = False
    mentioned_uids: tuple[str, ...] = ()
    attachment_types: tuple[str, ...] = ()
    updated_after: int | None = None
    only_updates: bool = False


def _marks(values: tuple[str, ...]) -> str:
    return ",".join("?" * len(values))


def filter_sql(f: HistoryFilters) -> tuple[list[str], list[Any]]:
    """The ``WHERE`` terms (ANDed) and their arguments for ``f``."""
    where: list[str] = []
    args: list[Any] = []
    if f.parent_id is not None:
        if f.with_parent:
            where.append("(parent_id=? OR id=?)")
            args += [f.parent_id, f.parent_id]
        else:
            where.append("parent_id=?")
            args.append(f.parent_id)
    elif f.hide_replies:
        where.append("parent_id IS NULL")
    if f.search:
        where.append("search_text LIKE ? ESCAPE '\\'")
        args.append(like(f.search.lower()))
    if f.tags:
        where.append(f"id IN (SELECT message_id FROM message_tags WHERE tag IN ({_marks(f.tags)}))")
        args += list(f.tags)
    # ``flags & N`` spelled exactly as in the partial indexes' WHERE, so SQLite can use them
    if f.has_attachments:
        where.append(f"flags & {FLAG_ATTACHMENTS}")
    if f.has_links:
        where.append(f"flags & {FLAG_LINKS}")
    if f.has_mentions:
        where.append(f"flags & {FLAG_MENTIONS}")
    if f.has_reactions:
        where.append(f"flags & {FLAG_REACTIONS}")
    if f.mentioned_uids:
        where.append(f"id IN (SELECT message_id FROM mentions WHERE uid IN ({_marks(f.mentioned_uids)}))")
        args += list(f.mentioned_uids)
    if f.attachment_types:
        types = tuple(t for t in f.attachment_types if t in MEDIA_TYPES) or ("",)
        where.append(f"flags & {FLAG_ATTACHMENTS} AND type IN ({_marks(types)})")
        args += list(types)
    if f.updated_after is not None:
        where.append("updated_at > ?")
        args.append(f.updated_after)
        if f.only_updates:
            where.append("(edited_at IS NOT NULL OR deleted_at IS NOT NULL)")
    return where, args
