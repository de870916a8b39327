"""Reactions: who may react to what, the counts a reader sees, the reaction
list, and the ``reaction`` frame.

Rules: anyone who can read a message may react to it
(``ERR_PERMISSION_DENIED`` otherwise) with a reaction of 1 to
:data:`MAX_REACTION_CHARS` characters (``ERR_BAD_REQUEST``); text, media and
custom messages take reactions, actions and deleted messages do not (the
CometChat docs: "You can react on text message, media message and custom
message"). Adding a reaction a user already made, or removing one they did not
make, changes nothing and pushes nothing. A change pushes a ``reaction`` frame
(action ``message_reaction_added`` / ``_removed``) to everyone who can see the
message, the reactor's other sockets included; it does not touch the message's
``updatedAt`` (CometChat's REST reference shows a reacted message with
``updatedAt`` equal to ``sentAt``).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import orjson

from ..params import bad_request
from .core import JSON, Service, permission_denied
from .views import view

__all__ = ["MAX_REACTION_CHARS", "add_reaction", "check_reaction", "reaction_list", "remove_reaction"]

#: Longest reaction (characters): room for any emoji sequence or a short ``:name:``.
MAX_REACTION_CHARS: Final = 32


def check_reaction(reaction: Any) -> str:
    """A reaction: a non-blank string of at most :data:`MAX_REACTION_CHARS` characters."""
    if not isinstance(reaction, str) or not reaction.strip():
        raise bad_request("the reaction must be a non-empty string")
    if len(reaction) > MAX_REACTION_CHARS:
        raise bad_request(f"the reaction is longer than {MAX_REACTION_CHARS} characters")
    return reaction


def _reactable(svc: Service, uid: str, mid: Any) -> JSON:
    message = svc.message_or_fail(mid)
    if not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message {mid}.")
    if message["category"] == "action":
        raise bad_request("action messages take no reactions")
    if "deletedAt" in message:
        raise bad_request(f"The message {mid} was deleted.")
    return message


def _push(
    svc: Service, message: JSON, action: str, uid: str, reaction: str, rid: int, at: int, device: str
) -> None:
    body: JSON = {
        "action": action,
        "id": str(rid),
        "messageId": message["id"],
        "uid": uid,
        "reaction": reaction,
        "reactedBy": svc.user_or_fail(uid),
        "reactedAt": at,
        "conversationId": message["conversationId"],
    }
    if message.get("parentId") is not None:
        body["parentId"] = message["parentId"]
    frame = orjson.dumps(
        {
            "type": "reaction",
            "appId": svc.config.app_id,
            "receiver": message["receiver"],
            "receiverType": message["receiverType"],
            "deviceId": device,
            "sender": uid,
            "body": body,
        }
    )
    svc.notifier.push(svc.audience(message), frame)


def add_reaction(svc: Service, uid: str, mid: Any, reaction: Any, device_id: str) -> JSON:
    """``POST messages/{id}/reactions/{reaction}``: the message as ``uid`` now sees it."""
    reaction = check_reaction(reaction)
    message = _reactable(svc, uid, mid)
    now = svc.now()
    rid = svc.store.add_reaction(int(message["id"]), uid, reaction, now)
    if rid is not None:
        _push(svc, message, "message_reaction_added", uid, reaction, rid, now, device_id)
    return view(svc, uid, message)


def remove_reaction(svc: Service, uid: str, mid: Any, reaction: Any, device_id: str) -> JSON:
    """``DELETE messages/{id}/reactions/{reaction}``: the message as ``uid`` now sees it."""
    reaction = check_reaction(reaction)
    message = _reactable(svc, uid, mid)
    removed = svc.store.remove_reaction(int(message["id"]), uid, reaction)
    if removed is not None:
        _push(svc, message, "message_reaction_removed", uid, reaction, removed[0], svc.now(), device_id)
    return view(svc, uid, message)


def reaction_list(
    svc: Service,
    uid: str,
    mid: Any,
    *,
    reaction: str | None,
    affix: Literal["append", "prepend"],
    cursor: int | None,
    limit: int,
) -> tuple[list[JSON], JSON]:
    """``GET messages/{id}/reactions[/{reaction}]``: one page of reactions, oldest
    first, and its ``meta``.

    ``meta.next`` / ``meta.previous`` (``{affix, id}``) are the cursors the JS
    SDK's ``ReactionsRequest`` merges into its next ``fetchNext`` /
    ``fetchPrevious`` query; they are always present so that a request past the
    end answers an empty page (the SDK would otherwise repeat its last query).
    """
    message = svc.message_or_fail(mid)
    if not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message {mid}.")
    if reaction is not None:
        reaction = check_reaction(reaction)
    rows = svc.store.reactions_page(
        int(message["id"]), reaction=reaction, affix=affix, cursor=cursor, limit=limit
    )
    users: dict[str, JSON] = {}
    items: list[JSON] = []
    for rid, who, what, at in rows:
        if who not in users:
            users[who] = svc.store.user(who) or {"uid": who}
        items.append(
            {
                "id": str(rid),
                "messageId": message["id"],
                "reaction": what,
                "uid": who,
                "reactedAt": at,
                "reactedBy": users[who],
            }
        )
    first = str(rows[0][0]) if rows else None
    last = str(rows[-1][0]) if rows else None
    edge = None if cursor is None else str(cursor)
    meta: JSON = {
        "current": {"limit": limit, "count": len(items)},
        "next": {"affix": "append", "id": last if last is not None else edge or "0"},
        "previous": {"affix": "prepend", "id": first if first is not None else edge or "0"},
    }
    return items, meta
