"""Mentions: which users a message mentions, and how a reader sees them.

A mention is ``<@uid:UID>`` in a message's text or a media message's caption
(the format of CometChat's docs, sdk/javascript/mentions). When the message is
posted or edited the server resolves every mentioned uid that names an
existing user (at most :data:`MAX_MENTIONS`) into ``data.mentions``, a map uid →
user JSON, which is what the JS SDK reads into ``getMentionedUsers()`` and
``hasMentionedMe()``. Unknown uids stay plain text and mention nobody.

The history option ``mentionsWithTagInfo`` adds each mentioned user's current
``tags``; ``mentionsWithBlockedInfo`` adds ``blockedByMe`` / ``hasBlockedMe``
relative to the reader (:func:`blocked_relation`).
"""

from __future__ import annotations

import re
from typing import Any, Final

from .core import JSON, Service

__all__ = [
    "MAX_MENTIONS",
    "MENTION_RE",
    "blocked_relation",
    "mentions_in",
    "unread_mentions",
    "view_mentions",
]

#: A mention in a text: ``<@uid:UID>``.
MENTION_RE: Final = re.compile(r"<@uid:([A-Za-z0-9_-]{1,100})>")
#: Users one message may mention; further mentions stay plain text.
MAX_MENTIONS: Final = 100


def mentions_in(svc: Service, text: Any) -> JSON:
    """``data.mentions`` of a text: uid → user JSON (without ``tags``) of every
    existing user it mentions, in order of first mention; ``{}`` for none."""
    if not isinstance(text, str) or "<@uid:" not in text:
        return {}
    uids = list(dict.fromkeys(MENTION_RE.findall(text)))[:MAX_MENTIONS]
    found = svc.store.existing_uids(uids)
    out: JSON = {}
    for uid in uids:
        if uid in found:
            user = svc.user_or_fail(uid)
            user.pop("tags", None)
            out[uid] = user
    return out


def blocked_relation(svc: Service, reader: str, uid: str) -> tuple[bool, bool]:
    """``(blockedByMe, hasBlockedMe)`` between ``reader`` and ``uid``.

    Blocking is not part of this server yet (it comes with the blocked-users
    feature), so nobody has blocked anybody: ``(False, False)``.
    """
    del svc, reader, uid
    return False, False


def view_mentions(svc: Service, reader: str, mentions: JSON, *, tag_info: bool, blocked_info: bool) -> JSON:
    """``data.mentions`` as ``reader`` asked to see it (tags and/or blocked relation added)."""
    out: JSON = {}
    for uid, user in mentions.items():
        entry = dict(user) if isinstance(user, dict) else {"uid": uid}
        if tag_info:
            current = svc.store.user(uid)
            entry["tags"] = (current or {}).get("tags") or []
        if blocked_info:
            entry["blockedByMe"], entry["hasBlockedMe"] = blocked_relation(svc, reader, uid)
        out[uid] = entry
    return out


def unread_mentions(svc: Service, reader: str, conversation: str) -> int:
    """``unreadMentionsCount`` of a conversation for ``reader`` (the conversation
    list's field): messages of others mentioning them, not deleted, that they have
    no read receipt for."""
    return svc.store.unread_mentions(conversation, reader)
