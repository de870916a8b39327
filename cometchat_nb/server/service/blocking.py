"""Blocking: who blocked whom, and everything a block stops.

"Once any user is blocked, all the communication to and from the respective
user will be completely blocked" and "the messages that was sent during the
blocked period won't be visible" (CometChat REST docs, "Blocked Users"). Here
that means, for a pair where either side blocked the other:

* a direct message either way is refused before it is stored
  (:func:`refuse_blocked_pair`): ``ERR_BLOCKED_RECEIVER`` when the sender
  blocked the receiver, ``ERR_BLOCKED_SENDER`` when the receiver blocked the
  sender (both codes from CometChat's REST error guide; the guide words the
  second for calls, this server uses it for messages too);
* a group message, or an edit/delete of one, is not pushed to the other
  (:func:`without_partners`); it stays in the group's history, which
  ``hideMessagesFromBlockedUsers`` filters (:func:`hidden_senders`);
* typing indicators, transient messages, receipts and presence are not
  relayed between them (``relays.py``, ``presence.py``);
* user lists say so (``blockedByMe``/``hasBlockedMe``) and
  ``hideBlockedUsers`` drops the users the viewer blocked (:func:`annotate`).

Unblocking restores all of it for what is sent afterwards; nothing refused
in between is stored, so nothing reappears.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...errors import ApiError, ErrorCode
from ..params import bad_request
from ..store import DIRECTIONS, Direction
from .core import JSON, Service

__all__ = [
    "annotate",
    "block_users",
    "blocked_users",
    "conversation_effects",
    "direction_or_fail",
    "hidden_senders",
    "is_blocked_pair",
    "refuse_blocked_pair",
    "uids_or_fail",
    "unblock_users",
    "without_partners",
]

#: Most uids one block/unblock call takes (the cloud's batch limit for member calls is 25 too).
MAX_UIDS = 25


def uids_or_fail(value: Any, key: str = "blockedUids") -> list[str]:
    """A non-empty list of at most :data:`MAX_UIDS` uid strings, duplicates dropped."""
    if not isinstance(value, list) or not value or not all(isinstance(u, str) and u for u in value):
        raise bad_request(f"'{key}' must be a non-empty list of uids")
    uids = list(dict.fromkeys(value))
    if len(uids) > MAX_UIDS:
        raise bad_request(f"'{key}' takes at most {MAX_UIDS} uids")
    return uids


def direction_or_fail(value: str | None) -> Direction:
    """``blockedByMe``, ``hasBlockedMe`` or ``both`` (the default when absent)."""
    if not value:
        return "both"
    for direction in DIRECTIONS:
        if value == direction:
            return direction
    raise bad_request("query parameter 'direction' must be 'blockedByMe', 'hasBlockedMe' or 'both'")


def _per_uid(svc: Service, uid: str, others: list[str], verb: str) -> tuple[JSON, list[str]]:
    """The reply object (uid -> success/error) and the uids the operation applies to."""
    known = svc.store.existing_uids(others)
    result: JSON = {}
    apply: list[str] = []
    for other in others:
        if other == uid:
            result[other] = _failed(ErrorCode.CANNOT_BLOCK_SELF, f"The user {uid} cannot {verb} themselves.")
        elif other not in known:
            result[other] = _failed(ErrorCode.UID_NOT_FOUND, f"The UID {other} does not exist.")
        else:
            apply.append(other)
            result[other] = {
                "success": True,
                "message": f"The user with UID {uid} has {verb}ed user with UID {other} successfully.",
            }
    return result, apply


def _failed(code: str, message: str) -> JSON:
    return {"success": False, "error": {"code": code, "message": message}}


def block_users(svc: Service, uid: str, others: list[str]) -> JSON:
    """``POST blockedusers``: ``uid`` blocks ``others``; per uid ``{"success", "message"}``
    or ``{"success": false, "error": {code, message}}`` (the shape of CometChat's
    REST reference; the JS SDK hands ``data`` to the caller as is)."""
    result, apply = _per_uid(svc, uid, others, "block")
    svc.store.block(uid, apply, svc.now())
    return result


def unblock_users(svc: Service, uid: str, others: list[str]) -> JSON:
    """``DELETE blockedusers``: the reverse of :func:`block_users` (unblocking
    someone not blocked succeeds and changes nothing)."""
    result, apply = _per_uid(svc, uid, others, "unblock")
    svc.store.unblock(uid, apply)
    return result


def blocked_users(
    svc: Service, uid: str, direction: Direction, *, search: str | None, limit: int, offset: int
) -> tuple[list[JSON], int]:
    """``GET blockedusers``: a page of the users in a block with ``uid``."""
    return svc.store.blocked_page(uid, direction, search=search, limit=limit, offset=offset)


def is_blocked_pair(svc: Service, a: str, b: str) -> bool:
    """Whether ``a`` blocked ``b`` or ``b`` blocked ``a``."""
    return any(svc.store.block_between(a, b))


def refuse_blocked_pair(svc: Service, sender: str, receiver: str, receiver_type: str) -> None:
    """Refuse a direct message between a blocked pair (nothing is stored or pushed)."""
    if receiver_type != "user" or sender == receiver:
        return
    sender_blocked, receiver_blocked = svc.store.block_between(sender, receiver)
    if sender_blocked:
        raise ApiError(
            f"The user {sender} has blocked the user {receiver}; unblock them to send messages.",
            code=ErrorCode.BLOCKED_RECEIVER,
        )
    if receiver_blocked:
        raise ApiError(f"The user {sender} is blocked by the user {receiver}.", code=ErrorCode.BLOCKED_SENDER)


def without_partners(svc: Service, uid: str, audience: Iterable[str]) -> list[str]:
    """``audience`` without the users in a block with ``uid`` (``uid`` itself stays)."""
    partners = svc.store.block_partners(uid)
    if not partners:
        return list(audience)
    return [u for u in audience if u not in partners]


def hidden_senders(svc: Service, reader: str) -> tuple[str, ...]:
    """The senders ``hideMessagesFromBlockedUsers`` hides from ``reader``: every
    user in a block with them, whichever side blocked."""
    return tuple(sorted(svc.store.block_partners(reader)))


def annotate(svc: Service, viewer: str, users: list[JSON]) -> list[JSON]:
    """Mark each user ``blockedByMe``/``hasBlockedMe`` as ``viewer`` sees them; the
    keys are set only when true, as in CometChat's REST examples (the JS SDK's
    ``User`` defaults both to false)."""
    mine, theirs = svc.store.blocked_by(viewer), svc.store.blockers_of(viewer)
    if not mine and not theirs:
        return users
    for user in users:
        if user["uid"] in mine:
            user["blockedByMe"] = True
        if user["uid"] in theirs:
            user["hasBlockedMe"] = True
    return users


def conversation_effects(
    svc: Service,
    uid: str,
    *,
    include_blocked_users: bool,
    with_blocked_info: bool,
    hide_messages_from_blocked: bool,
) -> tuple[frozenset[str], dict[str, JSON]]:
    """What blocking changes in ``uid``'s conversation list and unread counts (the
    hook issue 13 leaves in ``service/conversations.blocked_filter``):

    * the users whose direct conversations are left out: those ``uid`` blocked,
      unless ``includeBlockedUsers`` ("allow fetching conversations of users
      blocked by the logged-in user", CometChat iOS SDK 4.0.49 release notes),
      and, with ``hideMessagesFromBlockedUsers``, everyone in a block with them;
    * with ``withBlockedInfo``, the ``blockedByMe``/``hasBlockedMe`` fields to
      merge into each such user (same notes), by uid.
    """
    mine, theirs = svc.store.blocked_by(uid), svc.store.blockers_of(uid)
    hidden: set[str] = set() if include_blocked_users else set(mine)
    if hide_messages_from_blocked:
        hidden |= mine | theirs
    info: dict[str, JSON] = {}
    if with_blocked_info:
        info = {u: {"blockedByMe": u in mine, "hasBlockedMe": u in theirs} for u in mine | theirs}
    return frozenset(hidden), info
