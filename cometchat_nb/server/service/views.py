"""What one reader sees of a stored message: the parts of a message JSON that
depend on who asks, added when it is read.

* ``data.reactions``: ``[{reaction, count, reactedByMe?}]`` (``reactedByMe``
  only where the reader reacted so), from the ``reactions`` table;
* ``unreadRepliesCount`` on a thread's parent: its replies the reader has not
  read (:func:`.threads.unread_replies`);
* ``data.mentions`` with tag and blocked information when a history asks for it
  (:func:`.mentions.view_mentions`).

Stored messages hold none of these, so a ``message`` frame (the same bytes for
the whole audience) never carries another user's view. History pages are
spliced from the stored bytes; only the rows whose ``flags`` say they have
reactions, replies or (when asked) mentions are decoded and re-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from ..store import MessagePage
from ..store.annotations import FLAG_MENTIONS, FLAG_REACTIONS, FLAG_REPLIES
from .core import JSON, Service
from .mentions import view_mentions
from .threads import unread_replies

__all__ = ["ViewOptions", "page_view", "view"]


@dataclass(frozen=True, slots=True)
class ViewOptions:
    """History options that change how messages look (not which are selected)."""

    mentions_with_tag_info: bool = False
    mentions_with_blocked_info: bool = False


_PLAIN = ViewOptions()


def _decorate(
    svc: Service, reader: str, message: JSON, flags: int, unread: dict[int, int], opts: ViewOptions
) -> JSON:
    out = dict(message)
    data = dict(out.get("data") or {})
    if flags & FLAG_REACTIONS:
        data["reactions"] = svc.store.reaction_counts(int(out["id"]), reader)
    if flags & FLAG_MENTIONS and (opts.mentions_with_tag_info or opts.mentions_with_blocked_info):
        data["mentions"] = view_mentions(
            svc,
            reader,
            data.get("mentions") or {},
            tag_info=opts.mentions_with_tag_info,
            blocked_info=opts.mentions_with_blocked_info,
        )
    out["data"] = data
    if flags & FLAG_REPLIES:
        out["unreadRepliesCount"] = unread.get(int(out["id"]), 0)
    return out


def _flags_of(message: JSON) -> int:
    flags = 0
    if (message.get("replyCount") or 0) > 0:
        flags |= FLAG_REPLIES
    if (message.get("data") or {}).get("mentions"):
        flags |= FLAG_MENTIONS
    return flags | FLAG_REACTIONS  # one indexed query tells whether there are any


def view(svc: Service, reader: str, message: JSON, opts: ViewOptions = _PLAIN) -> JSON:
    """One message as ``reader`` sees it (``GET messages/{id}``, reaction replies)."""
    flags = _flags_of(message)
    unread = unread_replies(svc, reader, [int(message["id"])]) if flags & FLAG_REPLIES else {}
    out = _decorate(svc, reader, message, flags, unread, opts)
    if not out["data"].get("reactions"):
        out["data"].pop("reactions", None)
    return out


def page_view(svc: Service, reader: str, page: MessagePage, opts: ViewOptions = _PLAIN) -> list[bytes]:
    """The page's items as ``reader`` sees them, as JSON texts (untouched rows as stored)."""
    wanted = FLAG_REACTIONS | FLAG_REPLIES
    if opts.mentions_with_tag_info or opts.mentions_with_blocked_info:
        wanted |= FLAG_MENTIONS
    if not page.flags or not any(f & wanted for f in page.flags):
        return page.items
    parents = [mid for mid, f in zip(page.ids, page.flags, strict=True) if f & FLAG_REPLIES]
    unread = unread_replies(svc, reader, parents)
    out: list[bytes] = []
    for raw, flags in zip(page.items, page.flags, strict=True):
        if flags & wanted:
            out.append(orjson.dumps(_decorate(svc, reader, orjson.loads(raw), flags, unread, opts)))
        else:
            out.append(raw)
    return out
