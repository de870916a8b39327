"""CometChat data models and their wire (JSON) form.

This is the ONLY module that knows the JSON keys of users, groups and
messages. ``X.from_wire(obj)`` builds a model from decoded JSON and raises
:class:`~cometchat_nb.errors.ProtocolError` (never ``KeyError``) when a
required field is missing or has the wrong type; ``x.to_wire()`` gives the
JSON object the REST API expects.

Each model offers the JS SDK getters (``getId()``, ``getSender().getUid()``,
``getReceiverId()`` …) and setters (``setMetadata()`` …) so snippets from the
CometChat docs port mechanically, plus Pythonic attributes (``msg.id``,
``msg.sender.uid``). Messages are mutable like their JS counterparts (the docs
build them with ``new TextMessage(...)`` and then call setters); events that
are only ever received (typing, receipts, state changes) are frozen.

Messages keep the decoded JSON in ``raw``; rarely used fields (``readAt``,
``replyCount`` …) and the ``sender``/``receiver`` objects are derived from it
on first access, so receiving a message costs one small object.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Final

from .errors import ErrorCode, InvalidArgumentError, ProtocolError, short_repr

__all__ = [
    "CATEGORY",
    "RECEIVER_TYPE",
    "Action",
    "BaseMessage",
    "Call",
    "CustomMessage",
    "Group",
    "GroupMember",
    "MediaMessage",
    "MessageReceipt",
    "ReactionEvent",
    "TextMessage",
    "TransientMessage",
    "TypingIndicator",
    "User",
    "message_from_wire",
]

JSON = dict[str, Any]


class RECEIVER_TYPE:  # noqa: N801 - CometChat API name
    """``CometChat.RECEIVER_TYPE``: who a message is addressed to."""

    USER: Final = "user"
    GROUP: Final = "group"


class CATEGORY:
    """``CometChat.CATEGORY_*``: message categories."""

    MESSAGE: Final = "message"
    CUSTOM: Final = "custom"
    ACTION: Final = "action"
    CALL: Final = "call"
    INTERACTIVE: Final = "interactive"


_RECEIVER_TYPES = frozenset({RECEIVER_TYPE.USER, RECEIVER_TYPE.GROUP})


# ----------------------------------------------------------------------------
# helpers: typed reads of decoded JSON, with ProtocolError instead of KeyError


def _obj(value: Any, what: str) -> JSON:
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def _req_str(obj: JSON, key: str, what: str) -> str:
    value = obj.get(key)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        raise ProtocolError(f"{what} is missing required field {key!r}")
    if value == "":
        raise ProtocolError(f"{what} field {key!r} must not be empty")
    raise ProtocolError(f"{what} field {key!r} must be a string, got {type(value).__name__}")


def _opt_str(obj: JSON, key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _opt_int(obj: JSON, key: str) -> int | None:
    value = obj.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):  # json.loads accepts Infinity/NaN
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():  # not "²": int() refuses it
        return int(value)
    return None


def _opt_dict(obj: JSON, key: str) -> JSON | None:
    value = obj.get(key)
    return value if isinstance(value, dict) else None


def _opt_list(obj: JSON, key: str) -> list[str] | None:
    value = obj.get(key)
    if isinstance(value, list):
        return [str(v) for v in value]
    return None


def _put(out: JSON, key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _check_receiver_type(value: str) -> str:
    if not isinstance(value, str) or value not in _RECEIVER_TYPES:
        raise InvalidArgumentError(
            f"receiverType must be 'user' or 'group', got {short_repr(value)}",
            code=ErrorCode.INVALID_RECEIVER_TYPE,
        )
    return value


# ----------------------------------------------------------------------------
# users and groups


@dataclass(slots=True, eq=True)
class User:
    """A CometChat user (``CometChat.User``)."""

    uid: str
    name: str | None = None
    avatar: str | None = None
    link: str | None = None
    role: str | None = None
    status: str | None = None
    status_message: str | None = None
    metadata: JSON | None = None
    last_active_at: int | None = None
    tags: list[str] | None = None

    STATUS_ONLINE: ClassVar[str] = "online"
    STATUS_OFFLINE: ClassVar[str] = "offline"

    @classmethod
    def from_wire(cls, obj: Any) -> User:
        o = _obj(obj, "user")
        status = _opt_str(o, "status")
        if status is not None and status != "offline":
            status = "online"  # as the JS SDK: anything but "offline" is online
        return cls(
            uid=_req_str(o, "uid", "user"),
            name=_opt_str(o, "name"),
            avatar=_opt_str(o, "avatar"),
            link=_opt_str(o, "link"),
            role=_opt_str(o, "role"),
            status=status,
            status_message=_opt_str(o, "statusMessage"),
            metadata=_opt_dict(o, "metadata"),
            last_active_at=_opt_int(o, "lastActiveAt"),
            tags=_opt_list(o, "tags"),
        )

    def to_wire(self) -> JSON:
        out: JSON = {"uid": self.uid}
        _put(out, "name", self.name)
        _put(out, "avatar", self.avatar)
        _put(out, "link", self.link)
        _put(out, "role", self.role)
        _put(out, "status", self.status)
        _put(out, "statusMessage", self.status_message)
        _put(out, "metadata", self.metadata)
        _put(out, "lastActiveAt", self.last_active_at)
        _put(out, "tags", self.tags)
        return out

    # JS getters / setters -------------------------------------------------
    def getUid(self) -> str:  # noqa: N802
        return self.uid

    def getName(self) -> str | None:  # noqa: N802
        return self.name

    def getAvatar(self) -> str | None:  # noqa: N802
        return self.avatar

    def getLink(self) -> str | None:  # noqa: N802
        return self.link

    def getRole(self) -> str | None:  # noqa: N802
        return self.role

    def getStatus(self) -> str | None:  # noqa: N802
        return self.status

    def getStatusMessage(self) -> str | None:  # noqa: N802
        return self.status_message

    def getMetadata(self) -> JSON | None:  # noqa: N802
        return self.metadata

    def getLastActiveAt(self) -> int | None:  # noqa: N802
        return self.last_active_at

    def getTags(self) -> list[str] | None:  # noqa: N802
        return self.tags

    def setName(self, name: str) -> None:  # noqa: N802
        self.name = name

    def setAvatar(self, avatar: str) -> None:  # noqa: N802
        self.avatar = avatar

    def setLink(self, link: str) -> None:  # noqa: N802
        self.link = link

    def setRole(self, role: str) -> None:  # noqa: N802
        self.role = role

    def setMetadata(self, metadata: JSON) -> None:  # noqa: N802
        self.metadata = metadata

    def setStatusMessage(self, message: str) -> None:  # noqa: N802
        self.status_message = message

    def setTags(self, tags: list[str]) -> None:  # noqa: N802
        self.tags = list(tags)


@dataclass(slots=True, eq=True)
class GroupMember(User):
    """A user as a member of a group (``CometChat.GroupMember``)."""

    scope: str | None = None
    joined_at: int | None = None
    guid: str | None = None

    @classmethod
    def from_user(
        cls, user: User, *, scope: str | None = None, joined_at: int | None = None, guid: str | None = None
    ) -> GroupMember:
        """``user`` as a member of ``guid``: every :class:`User` field copied, plus the membership."""
        copied = {f.name: getattr(user, f.name) for f in fields(User)}
        return cls(**copied, scope=scope, joined_at=joined_at, guid=guid)

    @classmethod
    def from_wire(cls, obj: Any) -> GroupMember:
        o = _obj(obj, "group member")
        return cls.from_user(
            User.from_wire(o),
            scope=_opt_str(o, "scope"),
            joined_at=_opt_int(o, "joinedAt"),
            guid=_opt_str(o, "guid"),
        )

    def to_wire(self) -> JSON:
        out = User.to_wire(self)
        _put(out, "scope", self.scope)
        _put(out, "joinedAt", self.joined_at)
        _put(out, "guid", self.guid)
        return out

    def getScope(self) -> str | None:  # noqa: N802
        return self.scope

    def getJoinedAt(self) -> int | None:  # noqa: N802
        return self.joined_at


@dataclass(slots=True, eq=True)
class Group:
    """A CometChat group (``CometChat.Group(guid, name, type, password)``)."""

    guid: str
    name: str | None = None
    type: str = "public"
    password: str | None = field(default=None, repr=False)
    icon: str | None = None
    description: str | None = None
    owner: str | None = None
    metadata: JSON | None = None
    created_at: int | None = None
    updated_at: int | None = None
    has_joined: bool = False
    joined_at: int | None = None
    members_count: int | None = None
    scope: str | None = None
    tags: list[str] | None = None

    TYPE_PUBLIC: ClassVar[str] = "public"
    TYPE_PRIVATE: ClassVar[str] = "private"
    TYPE_PASSWORD: ClassVar[str] = "password"

    @classmethod
    def from_wire(cls, obj: Any) -> Group:
        o = _obj(obj, "group")
        return cls(
            guid=_req_str(o, "guid", "group"),
            name=_opt_str(o, "name"),
            type=_opt_str(o, "type") or "public",
            icon=_opt_str(o, "icon"),
            description=_opt_str(o, "description"),
            owner=_opt_str(o, "owner"),
            metadata=_opt_dict(o, "metadata"),
            created_at=_opt_int(o, "createdAt"),
            updated_at=_opt_int(o, "updatedAt"),
            has_joined=bool(o.get("hasJoined", False)),
            joined_at=_opt_int(o, "joinedAt"),
            members_count=_opt_int(o, "membersCount"),
            scope=_opt_str(o, "scope"),
            tags=_opt_list(o, "tags"),
        )

    def to_wire(self) -> JSON:
        out: JSON = {"guid": self.guid, "type": self.type}
        _put(out, "name", self.name)
        _put(out, "password", self.password)
        _put(out, "icon", self.icon)
        _put(out, "description", self.description)
        _put(out, "owner", self.owner)
        _put(out, "metadata", self.metadata)
        _put(out, "tags", self.tags)
        return out

    def getGuid(self) -> str:  # noqa: N802
        return self.guid

    def getName(self) -> str | None:  # noqa: N802
        return self.name

    def getType(self) -> str:  # noqa: N802
        return self.type

    def getDescription(self) -> str | None:  # noqa: N802
        return self.description

    def getOwner(self) -> str | None:  # noqa: N802
        return self.owner

    def getMetadata(self) -> JSON | None:  # noqa: N802
        return self.metadata

    def getHasJoined(self) -> bool:  # noqa: N802
        return self.has_joined

    def getMembersCount(self) -> int | None:  # noqa: N802
        return self.members_count

    def getScope(self) -> str | None:  # noqa: N802
        return self.scope

    def getCreatedAt(self) -> int | None:  # noqa: N802
        return self.created_at

    def setName(self, name: str) -> None:  # noqa: N802
        self.name = name

    def setDescription(self, description: str) -> None:  # noqa: N802
        self.description = description

    def setMetadata(self, metadata: JSON) -> None:  # noqa: N802
        self.metadata = metadata


def _entity(obj: Any) -> User | Group | None:
    """``{"entity": {...}, "entityType": "user"|"group"}`` → model (or None)."""
    if not isinstance(obj, dict):
        return None
    entity = obj.get("entity")
    if not isinstance(entity, dict):
        return None
    if obj.get("entityType") == "group" or ("guid" in entity and "uid" not in entity):
        return Group.from_wire(entity)
    return User.from_wire(entity)


# ----------------------------------------------------------------------------
# messages


class BaseMessage:
    """Common part of every message (``CometChat.BaseMessage``).

    ``source`` tells how the SDK got it: ``"live"`` (socket), ``"catchup"``
    (fetched after a reconnect), ``"history"`` (a MessagesRequest) or
    ``"sent"`` (the server's answer to our own send).
    """

    __slots__ = (
        "_raw",
        "_raw_frame",
        "_receiver",
        "_sender",
        "category",
        "conversation_id",
        "deleted_at",
        "deleted_by",
        "edited_at",
        "edited_by",
        "id",
        "metadata",
        "muid",
        "parent_message_id",
        "receiver_id",
        "receiver_type",
        "sender_uid",
        "sent_at",
        "source",
        "tags",
        "type",
        "updated_at",
    )

    category: str
    type: str

    def __init__(
        self,
        receiver_id: str,
        receiver_type: str = RECEIVER_TYPE.USER,
        *,
        category: str = CATEGORY.MESSAGE,
        type: str = "text",  # noqa: A002 - CometChat field name
        metadata: JSON | None = None,
        tags: list[str] | None = None,
        muid: str | None = None,
        parent_message_id: str | None = None,
    ) -> None:
        self.receiver_id = receiver_id
        self.receiver_type = _check_receiver_type(receiver_type)
        self.category = category
        self.type = type
        self.metadata = metadata
        self.tags = tags
        self.muid = muid
        self.parent_message_id = parent_message_id
        self.id: str | None = None
        self.conversation_id: str | None = None
        self.sender_uid: str | None = None
        self.sent_at: int | None = None
        self.updated_at: int | None = None
        self.edited_at: int | None = None
        self.edited_by: str | None = None
        self.deleted_at: int | None = None
        self.deleted_by: str | None = None
        self.source = "local"
        self._raw: JSON | None = {}
        self._raw_frame: tuple[str | bytes, Callable[[str | bytes], Any]] | None = None
        self._sender: User | None = None
        self._receiver: User | Group | None = None

    # -- wire ---------------------------------------------------------------
    @classmethod
    def _blank(cls) -> BaseMessage:
        return cls.__new__(cls)

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        # Runs once per received message: plain strings and ints (nearly always)
        # are taken as they are; anything else goes through the lenient helpers.
        get = o.get
        self._raw = o
        self._raw_frame = None
        mid = get("id")
        self.id = mid if type(mid) is str and mid else _req_str(o, "id", "message")
        muid = get("muid")
        self.muid = muid if muid is None or type(muid) is str else _opt_str(o, "muid")
        conv = get("conversationId")
        self.conversation_id = conv if conv is None or type(conv) is str else _opt_str(o, "conversationId")
        category = get("category")
        self.category = (
            category if type(category) is str and category else _opt_str(o, "category") or CATEGORY.MESSAGE
        )
        mtype = get("type")
        self.type = mtype if type(mtype) is str else _opt_str(o, "type") or ""
        sender = get("sender")
        self.sender_uid = sender if isinstance(sender, str) else None
        receiver = get("receiver")
        self.receiver_id = receiver if isinstance(receiver, str) else ""
        rtype = get("receiverType")
        self.receiver_type = (
            rtype if isinstance(rtype, str) and rtype in _RECEIVER_TYPES else RECEIVER_TYPE.USER
        )
        sent_at = get("sentAt")
        self.sent_at = sent_at if type(sent_at) is int else _opt_int(o, "sentAt")
        updated_at = get("updatedAt")
        self.updated_at = updated_at if type(updated_at) is int else _opt_int(o, "updatedAt")
        # absent unless the message was edited/deleted; kept as fields, so reading them
        # never needs raw (a socket message parses raw again on first use, see raw)
        edited_at, edited_by = get("editedAt"), get("editedBy")
        self.edited_at = None if edited_at is None else _opt_int(o, "editedAt")
        self.edited_by = None if edited_by is None else _opt_str(o, "editedBy")
        deleted_at, deleted_by = get("deletedAt"), get("deletedBy")
        self.deleted_at = None if deleted_at is None else _opt_int(o, "deletedAt")
        self.deleted_by = None if deleted_by is None else _opt_str(o, "deletedBy")
        data = get("data")
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(metadata, dict):
            metadata = get("metadata")
        self.metadata = metadata if isinstance(metadata, dict) else None
        tags = get("tags")
        self.tags = [str(v) for v in tags] if isinstance(tags, list) else None
        self.parent_message_id = (
            _opt_str(o, "parentId") or _opt_str(o, "parentMessageId")
            if "parentId" in o or "parentMessageId" in o
            else None
        )
        self.source = source
        self._sender = None
        self._receiver = None

    def to_wire(self) -> JSON:
        """The body of ``POST messages`` for this message.

        ``metadata`` goes both at the top level and in ``data``, as the JS SDK's
        ``setMetadata`` puts it.
        """
        out: JSON = {
            "receiver": self.receiver_id,
            "receiverType": self.receiver_type,
            "category": self.category,
            "type": self.type,
            "data": self._wire_data(),
        }
        _put(out, "metadata", self.metadata)
        _put(out, "muid", self.muid)
        _put(out, "tags", self.tags)
        _put(out, "parentId", self.parent_message_id)
        return out

    def _wire_data(self) -> JSON:
        data: JSON = {}
        _put(data, "metadata", self.metadata)
        return data

    @property
    def raw(self) -> JSON:
        """The message JSON as received (``{}`` for a message built locally).

        A message decoded from a socket frame keeps the frame's text instead
        of its parsed JSON (see :meth:`_keep_frame`), and parses it again, once,
        on first use.
        """
        raw = self._raw
        if raw is None:
            assert self._raw_frame is not None
            text, loads = self._raw_frame
            raw = self._raw = loads(text)["body"]
        return raw

    @raw.setter
    def raw(self, value: JSON) -> None:
        self._raw = value
        self._raw_frame = None

    def _keep_frame(self, text: str | bytes, loads: Callable[[str | bytes], Any]) -> None:
        """Drop the parsed JSON, keep the frame's ``text`` (whose ``body`` it was).

        The frame decoder calls this for every message it decodes: the fields
        are read already, and most listeners never look at :attr:`raw`. The
        JSON tree is then freed at once on the socket's thread, instead of on
        the dispatch thread after the listeners ran, which made every message's
        memory travel between CPU cores twice (bench/bench_ingest.py: about a
        fifth more messages per second with the text kept).
        """
        self._raw = None
        self._raw_frame = (text, loads)

    # -- derived fields -----------------------------------------------------
    @property
    def data(self) -> JSON:
        d = self.raw.get("data")
        return d if isinstance(d, dict) else self._wire_data()

    def _entity_of(self, role: str) -> User | Group | None:
        # Derived lazily, so a malformed entity must not make a getter raise:
        # fall back to the plain id, as the JS SDK keeps the uid string.
        entities = self.data.get("entities")
        try:
            return _entity(entities.get(role)) if isinstance(entities, dict) else None
        except ProtocolError:
            return None

    @property
    def sender(self) -> User | None:
        if self._sender is None:
            ent = self._entity_of("sender")
            if isinstance(ent, User):
                self._sender = ent
            elif self.sender_uid:
                self._sender = User(uid=self.sender_uid)
        return self._sender

    @property
    def receiver(self) -> User | Group | None:
        if self._receiver is None:
            ent = self._entity_of("receiver")
            if ent is not None:
                self._receiver = ent
            elif self.receiver_id:
                self._receiver = (
                    Group(guid=self.receiver_id)
                    if self.receiver_type == RECEIVER_TYPE.GROUP
                    else User(uid=self.receiver_id)
                )
        return self._receiver

    def _ts(self, key: str) -> int | None:
        return _opt_int(self.raw, key)

    @property
    def delivered_at(self) -> int | None:
        return self._ts("deliveredAt")

    @property
    def read_at(self) -> int | None:
        return self._ts("readAt")

    @property
    def reply_count(self) -> int:
        return self._ts("replyCount") or 0

    @property
    def is_catchup(self) -> bool:
        return self.source == "catchup"

    # -- JS getters / setters ----------------------------------------------
    def getId(self) -> str | None:  # noqa: N802
        return self.id

    def getMuid(self) -> str | None:  # noqa: N802
        return self.muid

    def getConversationId(self) -> str | None:  # noqa: N802
        return self.conversation_id

    def getSender(self) -> User | None:  # noqa: N802
        return self.sender

    def getReceiver(self) -> User | Group | None:  # noqa: N802
        return self.receiver

    def getReceiverId(self) -> str:  # noqa: N802
        return self.receiver_id

    def getReceiverType(self) -> str:  # noqa: N802
        return self.receiver_type

    def getCategory(self) -> str:  # noqa: N802
        return self.category

    def getType(self) -> str:  # noqa: N802
        return self.type

    def getSentAt(self) -> int | None:  # noqa: N802
        return self.sent_at

    def getUpdatedAt(self) -> int | None:  # noqa: N802
        return self.updated_at

    def getDeliveredAt(self) -> int | None:  # noqa: N802
        return self.delivered_at

    def getReadAt(self) -> int | None:  # noqa: N802
        return self.read_at

    def getEditedAt(self) -> int | None:  # noqa: N802
        return self.edited_at

    def getDeletedAt(self) -> int | None:  # noqa: N802
        return self.deleted_at

    def getEditedBy(self) -> str | None:  # noqa: N802
        return self.edited_by

    def getDeletedBy(self) -> str | None:  # noqa: N802
        return self.deleted_by

    def getMetadata(self) -> JSON | None:  # noqa: N802
        return self.metadata

    def getTags(self) -> list[str] | None:  # noqa: N802
        return self.tags

    def getParentMessageId(self) -> str | None:  # noqa: N802
        return self.parent_message_id

    def getReplyCount(self) -> int:  # noqa: N802
        return self.reply_count

    def getData(self) -> JSON:  # noqa: N802
        return self.data

    def setMetadata(self, metadata: JSON) -> None:  # noqa: N802
        self.metadata = metadata

    def setTags(self, tags: list[str]) -> None:  # noqa: N802
        self.tags = list(tags)

    def setMuid(self, muid: str) -> None:  # noqa: N802
        self.muid = muid

    def setParentMessageId(self, parent_id: str) -> None:  # noqa: N802
        self.parent_message_id = str(parent_id)

    def setReceiverType(self, receiver_type: str) -> None:  # noqa: N802
        self.receiver_type = _check_receiver_type(receiver_type)

    # -- python protocol ----------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseMessage):
            return NotImplemented
        if self.id is not None or other.id is not None:
            return type(self) is type(other) and self.id == other.id
        return self is other

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id)) if self.id is not None else id(self)

    def _repr_fields(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self._repr_fields()
        return (
            f"{type(self).__name__}(id={self.id!r}, sender={self.sender_uid!r}, "
            f"receiver={self.receiver_id!r}, receiver_type={self.receiver_type!r}"
            f"{', ' + extra if extra else ''}, sent_at={self.sent_at!r}, source={self.source!r})"
        )


class TextMessage(BaseMessage):
    """``CometChat.TextMessage(receiverID, text, receiverType)``."""

    __slots__ = ("text",)

    def __init__(
        self,
        receiver_id: str,
        text: str,
        receiver_type: str = RECEIVER_TYPE.USER,
        **kwargs: Any,
    ) -> None:
        super().__init__(receiver_id, receiver_type, category=CATEGORY.MESSAGE, type="text", **kwargs)
        self.text = text

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        text = data.get("text") if isinstance(data, dict) else None
        if text is None:
            text = o.get("text")
        self.text = text if isinstance(text, str) else ("" if text is None else str(text))

    def _wire_data(self) -> JSON:
        data = BaseMessage._wire_data(self)
        data["text"] = self.text
        return data

    def to_wire(self) -> JSON:
        out = BaseMessage.to_wire(self)
        out["text"] = self.text  # the JS SDK sends it twice, at top level too
        return out

    def getText(self) -> str:  # noqa: N802
        return self.text

    def setText(self, text: str) -> None:  # noqa: N802
        self.text = text

    def _repr_fields(self) -> str:
        return f"text={self.text!r:.60}"


class CustomMessage(BaseMessage):
    """``CometChat.CustomMessage(receiverID, receiverType, customType, customData)``."""

    __slots__ = ("custom_data", "sub_type")

    def __init__(
        self,
        receiver_id: str,
        receiver_type: str,
        custom_type: str,
        custom_data: JSON | None = None,
        **kwargs: Any,
    ) -> None:
        if not custom_type:
            raise InvalidArgumentError("customType must not be empty")
        super().__init__(receiver_id, receiver_type, category=CATEGORY.CUSTOM, type=custom_type, **kwargs)
        self.custom_data: JSON = dict(custom_data or {})
        self.sub_type: str | None = None

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        custom = data.get("customData") if isinstance(data, dict) else None
        self.custom_data = custom if isinstance(custom, dict) else {}
        self.sub_type = _opt_str(o, "subType")

    def _wire_data(self) -> JSON:
        data = BaseMessage._wire_data(self)
        data["customData"] = self.custom_data
        return data

    @property
    def custom_type(self) -> str:
        return self.type

    def getCustomData(self) -> JSON:  # noqa: N802
        return self.custom_data

    def setCustomData(self, custom_data: JSON) -> None:  # noqa: N802
        self.custom_data = dict(custom_data)

    def getSubType(self) -> str | None:  # noqa: N802
        return self.sub_type

    def _repr_fields(self) -> str:
        return f"type={self.type!r}, custom_data={self.custom_data!r:.60}"


class MediaMessage(BaseMessage):
    """A received media message (image, video, audio, file).

    Uploading files is not supported by this SDK; media messages that other
    clients send arrive with their ``url`` and ``attachments``.
    """

    __slots__ = ("attachments", "caption", "url")

    def __init__(
        self,
        receiver_id: str,
        url: str | None = None,
        type: str = "file",  # noqa: A002
        receiver_type: str = RECEIVER_TYPE.USER,
        **kwargs: Any,
    ) -> None:
        super().__init__(receiver_id, receiver_type, category=CATEGORY.MESSAGE, type=type, **kwargs)
        self.url = url
        self.caption: str | None = None
        self.attachments: list[JSON] = []

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        d = data if isinstance(data, dict) else {}
        self.url = _opt_str(d, "url")
        self.caption = _opt_str(d, "text")
        att = d.get("attachments")
        self.attachments = [a for a in att if isinstance(a, dict)] if isinstance(att, list) else []

    def _wire_data(self) -> JSON:
        data = BaseMessage._wire_data(self)
        _put(data, "url", self.url)
        _put(data, "text", self.caption)
        if self.attachments:
            data["attachments"] = self.attachments
        return data

    def getURL(self) -> str | None:  # noqa: N802
        return self.url

    def getCaption(self) -> str | None:  # noqa: N802
        return self.caption

    def getAttachments(self) -> list[JSON]:  # noqa: N802
        return self.attachments


class Action(BaseMessage):
    """An action message: group member joined/left, message edited/deleted …

    ``action`` is the verb; ``action_by`` who did it; ``action_on`` what it was
    done to (a User, a Group or, for edits/deletes, the message); ``action_for``
    the group a member action happened in.
    """

    __slots__ = ("action", "action_by", "action_for", "action_on", "new_scope", "old_scope")

    def __init__(self, receiver_id: str, action: str, receiver_type: str = "group") -> None:
        super().__init__(receiver_id, receiver_type, category=CATEGORY.ACTION, type="groupMember")
        self.action = action
        self.action_by: User | Group | None = None
        self.action_on: User | Group | BaseMessage | None = None
        self.action_for: User | Group | None = None
        self.old_scope: str | None = None
        self.new_scope: str | None = None

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        d = data if isinstance(data, dict) else {}
        self.action = _opt_str(d, "action") or ""
        entities = d.get("entities")
        ents = entities if isinstance(entities, dict) else {}
        self.action_by = _entity(ents.get("by"))
        self.action_for = _entity(ents.get("for"))
        on = ents.get("on")
        self.action_on = None
        if isinstance(on, dict) and on.get("entityType") == "message":
            inner = on.get("entity")
            if isinstance(inner, dict):
                self.action_on = message_from_wire(inner, source=source)
        else:
            self.action_on = _entity(on)
        # A scope change carries ``data.extras.scope.{old,new}`` (what the official JS
        # SDK reads); ``data.oldScope``/``newScope`` is an older spelling, still read.
        extras = d.get("extras")
        scope = extras.get("scope") if isinstance(extras, dict) else None
        sc = scope if isinstance(scope, dict) else {}
        self.old_scope = _opt_str(sc, "old") or _opt_str(d, "oldScope")
        self.new_scope = _opt_str(sc, "new") or _opt_str(d, "newScope")

    def getAction(self) -> str:  # noqa: N802
        return self.action

    def getActionBy(self) -> User | Group | None:  # noqa: N802
        return self.action_by

    def getActionOn(self) -> User | Group | BaseMessage | None:  # noqa: N802
        return self.action_on

    def getActionFor(self) -> User | Group | None:  # noqa: N802
        return self.action_for

    def getOldScope(self) -> str | None:  # noqa: N802
        return self.old_scope

    def getNewScope(self) -> str | None:  # noqa: N802
        return self.new_scope

    def _repr_fields(self) -> str:
        return f"action={self.action!r}"


class Call(BaseMessage):
    """A call message (received only; calling is out of this SDK's scope)."""

    __slots__ = ("session_id", "status")

    def __init__(self, receiver_id: str, receiver_type: str = RECEIVER_TYPE.USER) -> None:
        super().__init__(receiver_id, receiver_type, category=CATEGORY.CALL, type="audio")
        self.session_id: str | None = None
        self.status: str | None = None

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        d = data if isinstance(data, dict) else {}
        entities = d.get("entities")
        on = entities.get("on") if isinstance(entities, dict) else None
        entity = on.get("entity") if isinstance(on, dict) else None
        e = entity if isinstance(entity, dict) else {}
        self.session_id = _opt_str(e, "sessionid")
        self.status = _opt_str(e, "status") or _opt_str(d, "action")

    def getSessionId(self) -> str | None:  # noqa: N802
        return self.session_id

    def getStatus(self) -> str | None:  # noqa: N802
        return self.status


def message_from_wire(obj: Any, *, source: str = "live") -> BaseMessage:
    """Decode a message JSON object (REST or the body of a ``message`` frame).

    The class is chosen by ``category``/``type`` as the JS SDK does.
    """
    o = _obj(obj, "message")
    category = o.get("category")
    cls: type[BaseMessage]
    if category == CATEGORY.MESSAGE or category is None:
        t = o.get("type")
        cls = TextMessage if t == "text" else CustomMessage if t == "custom" else MediaMessage
    elif category == CATEGORY.CUSTOM:
        cls = CustomMessage
    elif category == CATEGORY.ACTION:
        cls = Action
    elif category == CATEGORY.CALL:
        cls = Call
    else:
        cls = BaseMessage
    msg = cls.__new__(cls)
    msg._fill_from_wire(o, source)
    return msg


# ----------------------------------------------------------------------------
# events that are not messages


@dataclass(slots=True, eq=True)
class TypingIndicator:
    """``CometChat.TypingIndicator(receiverId, receiverType, metadata)``.

    Outgoing: pass it to ``startTyping``/``endTyping``. Incoming: ``sender``
    is who is typing.
    """

    receiver_id: str
    receiver_type: str = RECEIVER_TYPE.USER
    metadata: JSON | None = None
    sender: User | None = None
    last_timestamp: int | None = None

    def __post_init__(self) -> None:
        _check_receiver_type(self.receiver_type)

    def getReceiverId(self) -> str:  # noqa: N802
        return self.receiver_id

    def getReceiverType(self) -> str:  # noqa: N802
        return self.receiver_type

    def getMetadata(self) -> JSON | None:  # noqa: N802
        return self.metadata

    def getSender(self) -> User | None:  # noqa: N802
        return self.sender

    def getLastTimestamp(self) -> int | None:  # noqa: N802
        return self.last_timestamp

    def setMetadata(self, metadata: JSON) -> None:  # noqa: N802
        self.metadata = metadata


@dataclass(slots=True, frozen=True, kw_only=True)
class MessageReceipt:
    """A delivery/read receipt (``CometChat.MessageReceipt``)."""

    RECEIPT_TYPE: ClassVar[type[_ReceiptType]]

    message_id: str
    sender: User
    receiver_id: str
    receiver_type: str
    receipt_type: str
    timestamp: int | None = None
    message_sender: str | None = None

    @property
    def delivered_at(self) -> int | None:
        return self.timestamp if self.receipt_type in ("delivery", "deliveredToAll") else None

    @property
    def read_at(self) -> int | None:
        return self.timestamp if self.receipt_type in ("read", "readByAll") else None

    def getMessageId(self) -> str:  # noqa: N802
        return self.message_id

    def getSender(self) -> User:  # noqa: N802
        return self.sender

    def getReceiver(self) -> str:  # noqa: N802
        return self.receiver_id

    def getReceiverType(self) -> str:  # noqa: N802
        return self.receiver_type

    def getReceiptType(self) -> str:  # noqa: N802
        return self.receipt_type

    def getTimestamp(self) -> int | None:  # noqa: N802
        return self.timestamp

    def getDeliveredAt(self) -> int | None:  # noqa: N802
        return self.delivered_at

    def getReadAt(self) -> int | None:  # noqa: N802
        return self.read_at


class _ReceiptType:
    DELIVERY_RECEIPT: Final = "delivery"
    READ_RECEIPT: Final = "read"
    DELIVERED_TO_ALL_RECEIPT: Final = "deliveredToAll"
    READ_BY_ALL_RECEIPT: Final = "readByAll"


MessageReceipt.RECEIPT_TYPE = _ReceiptType


@dataclass(slots=True, frozen=True, kw_only=True)
class TransientMessage:
    """A transient (not stored) message (``CometChat.TransientMessage``)."""

    receiver_id: str
    receiver_type: str
    data: JSON
    sender: User | None = None

    def getReceiverId(self) -> str:  # noqa: N802
        return self.receiver_id

    def getReceiverType(self) -> str:  # noqa: N802
        return self.receiver_type

    def getData(self) -> JSON:  # noqa: N802
        return self.data

    def getSender(self) -> User | None:  # noqa: N802
        return self.sender


@dataclass(slots=True, frozen=True, kw_only=True)
class ReactionEvent:
    """A reaction added to / removed from a message."""

    action: str
    reaction: str
    message_id: str
    uid: str
    conversation_id: str | None = None
    reacted_at: int | None = None
    reacted_by: User | None = None

    def getReaction(self) -> str:  # noqa: N802
        return self.reaction

    def getMessageId(self) -> str:  # noqa: N802
        return self.message_id

    def getReactedBy(self) -> User | None:  # noqa: N802
        return self.reacted_by
