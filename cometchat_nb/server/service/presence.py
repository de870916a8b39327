"""Presence: a user's first authenticated socket makes them ``online``, their
last one closing ``offline``; who is told depends on each watching socket's
subscription (``ALL_USERS``: everyone, ``ROLES``: users whose role is among the
socket's roles, ``FRIENDS``: the socket user's friends, ``NONE``: nobody) and
never includes the user's own sockets nor those of users in a block with them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol, TypeVar

from ...models import User
from ...protocol.frames import PresenceFrame
from ..params import bad_request
from .core import JSON, Service, frame_bytes

__all__ = ["Watcher", "announce", "online_counts"]


class Watcher(Protocol):
    """A socket that may hear about presence (``hub.Session`` is one)."""

    @property
    def uid(self) -> str: ...

    @property
    def subscription(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...


W = TypeVar("W", bound=Watcher)


def announce(
    svc: Service, uid: str, action: Literal["online", "offline"], watchers: Iterable[W]
) -> tuple[list[W], bytes]:
    """Record ``uid``'s presence; returns the watchers to tell and the ``presence``
    frame to send them (no watchers: ``([], b"")``)."""
    now = svc.now()
    svc.store.set_presence(uid, action, now)
    user_json = svc.store.user(uid)
    if user_json is None:
        return [], b""
    friends: set[str] | None = None
    partners = svc.store.block_partners(uid)
    role = user_json.get("role")
    targets: list[W] = []
    for watcher in watchers:
        if watcher.uid == uid or watcher.subscription == "NONE" or watcher.uid in partners:
            continue
        if watcher.subscription == "ALL_USERS":
            targets.append(watcher)
        elif watcher.subscription == "ROLES":
            if role in watcher.roles:
                targets.append(watcher)
        elif watcher.subscription == "FRIENDS":
            if friends is None:
                friends = svc.store.friends_of(uid)
            if watcher.uid in friends:
                targets.append(watcher)
    if not targets:
        return [], b""
    frame = PresenceFrame(
        app_id=svc.config.app_id, sender=uid, action=action, user=User.from_wire(user_json), timestamp=now
    )
    return targets, frame_bytes(frame)


def online_counts(svc: Service, guids: object = None) -> JSON:
    """``POST api/{WS_API_VERSION}/online-members``: without ``guids``
    ``{"onlineUsersCount": n}`` (``getOnlineUserCount``), with a list of guids
    ``{"groups": {guid: n}}`` (``getOnlineGroupMemberCount``; the JS SDK
    resolves with ``data.onlineUsersCount`` / ``data.groups``). An unknown guid
    counts 0."""
    if guids is None:
        return {"onlineUsersCount": svc.store.online_count()}
    if not isinstance(guids, list) or not guids or not all(isinstance(g, str) for g in guids):
        raise bad_request("'groups' must be a non-empty list of guids")
    return {"groups": {guid: svc.store.online_members_count(guid) for guid in dict.fromkeys(guids)}}
