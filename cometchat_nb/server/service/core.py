"""The state every domain rule works on (:class:`Service`), the lookups they share,
and the one door to the sockets (:class:`Notifier`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import orjson

from ...errors import ApiError, ErrorCode
from ...protocol.frames import Frame
from ..config import INT64_MAX, ServerConfig, app_settings
from ..store import GroupRow, Store

__all__ = [
    "JSON",
    "Notifier",
    "Service",
    "frame_bytes",
    "guid_not_found",
    "not_a_member",
    "permission_denied",
    "uid_not_found",
]

JSON = dict[str, Any]


class Notifier(Protocol):
    """What the rules need from the live sockets (``ws.SocketServer`` implements it;
    tests pass a recorder)."""

    def push(self, uids: Iterable[str], frame: bytes) -> int:
        """Send one encoded text frame to every socket of these users; returns sockets reached."""
        ...

    def end_sessions(self, uid: str, token_hash: str | None, reason: str) -> int:
        """Close ``uid``'s sockets (those of one auth token, or all) with 4003; returns how many."""
        ...


def frame_bytes(frame: Frame) -> bytes:
    """A frame as the UTF-8 JSON text a socket sends."""
    return orjson.dumps(frame.to_wire())


def uid_not_found(uid: str) -> ApiError:
    return ApiError(f"The UID {uid} does not exist.", code=ErrorCode.UID_NOT_FOUND)


def guid_not_found(guid: str) -> ApiError:
    return ApiError(f"The GUID {guid} does not exist.", code=ErrorCode.GUID_NOT_FOUND)


def not_a_member(uid: str, guid: str) -> ApiError:
    return ApiError(f"The user {uid} is not a member of the group {guid}.", code=ErrorCode.NOT_A_MEMBER)


def permission_denied(message: str) -> ApiError:
    return ApiError(message, code=ErrorCode.PERMISSION_DENIED)


class Service:
    """The store, the configuration, the clock, the JWT secret, the advertised
    settings and the notifier: what the functions of ``service/*.py`` take as
    their first argument. Used on the server's loop thread only.

    ``clock`` returns epoch seconds (tests pass a fixed one); ``port``/``ws_port``
    are the bound ports the settings advertise.
    """

    def __init__(
        self,
        store: Store,
        config: ServerConfig,
        *,
        notifier: Notifier,
        secret: bytes,
        port: int,
        ws_port: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.config = config
        self.notifier = notifier
        self.secret = secret
        self.port = port
        self.ws_port = ws_port
        self._clock = clock
        self.settings_base, self.settings_hash = app_settings(config, port, ws_port)

    def now(self) -> int:
        """The time in whole epoch seconds (what every stored timestamp is)."""
        return int(self._clock())

    # -- lookups (each raises the CometChat error for "not found") -------------------
    def user_or_fail(self, uid: str) -> JSON:
        user = self.store.user(uid)
        if user is None:
            raise uid_not_found(uid)
        return user

    def group_or_fail(self, guid: str, viewer: str | None = None) -> GroupRow:
        """The group, or ``ERR_GUID_NOT_FOUND``; with ``viewer``, a private group
        they do not belong to counts as not found (reads only: actions answer
        ``ERR_NOT_A_MEMBER`` / ``ERR_PERMISSION_DENIED`` instead)."""
        group = self.store.group(guid)
        if group is None or (
            group.type == "private" and viewer is not None and not self.store.is_member(guid, viewer)
        ):
            raise guid_not_found(guid)
        return group

    def message_or_fail(self, mid: Any) -> JSON:
        """The stored message with id ``mid`` (a string or an int), or ``ERR_MESSAGE_ID_NOT_FOUND``."""
        try:
            number = int(mid)
        except (TypeError, ValueError):
            number = -1
        message = self.store.message(number) if 0 < number <= INT64_MAX else None
        if message is None:
            raise ApiError(f"The message id {mid} does not exist.", code=ErrorCode.MESSAGE_ID_NOT_FOUND)
        return message

    def group_entity(self, group: GroupRow) -> JSON:
        """A group as messages carry it (no viewer: no ``hasJoined``)."""
        entity = Store.group_json(group, members_count=self.store.members_count(group.guid))
        del entity["hasJoined"]
        return entity

    # -- who sees a message ----------------------------------------------------------
    def can_read(self, uid: str, message: JSON) -> bool:
        """Whether ``uid`` may see ``message``: an end of the direct conversation, or a current member."""
        if message["receiverType"] == "group":
            return self.store.is_member(message["receiver"], uid)
        return uid in (message["sender"], message["receiver"])

    def audience(self, message: JSON) -> list[str]:
        """Uids whose sockets get a message: both ends of a DM, or the group's
        members except those in a block with its sender (``service/blocking.py``;
        a DM between a blocked pair is refused before it gets here)."""
        if message["receiverType"] == "group":
            members = self.store.member_uids(message["receiver"])
            partners = self.store.block_partners(message["sender"])
            return [u for u in members if u not in partners] if partners else members
        return list(dict.fromkeys((message["receiver"], message["sender"])))

    def fan_out(self, message: JSON, uids: Iterable[str], device_id: str) -> int:
        """Push a stored message (or action) as a ``message`` frame to every socket of ``uids``.

        ``device_id`` becomes the frame's ``deviceId`` (the sender's own socket drops the echo).
        """
        # Built here rather than through frames.MessageFrame: the body is the
        # stored message JSON as is, and this is the hot path.
        frame = orjson.dumps(
            {
                "type": "message",
                "appId": self.config.app_id,
                "receiver": message["receiver"],
                "receiverType": message["receiverType"],
                "deviceId": device_id,
                "sender": message["sender"],
                "body": message,
            }
        )
        return self.notifier.push(uids, frame)
