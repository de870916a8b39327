"""Messages: ``BaseMessage`` (what every message has) and the text and custom kinds.

The other kinds (media, action, call) and reading any message from its wire JSON are in
:mod:`.message_kinds`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ..errors import InvalidArgumentError, ProtocolError
from ._wire import JSON, check_receiver_type, lenient_int, lenient_str, put, required_str
from .constants import CATEGORY, RECEIVER_TYPE, RECEIVER_TYPES
from .reactions import ReactionCount
from .users import Group, User, entity_from_wire

__all__ = ["BaseMessage", "CustomMessage", "TextMessage"]


# the keys _may_have looks for in a frame's bytes, quoted and encoded once
_NEEDLES: Final = {"reactions": b'"reactions"', "mentions": b'"mentions"', "replyCount": b'"replyCount"'}


class BaseMessage:
    """Common part of every message (``CometChat.BaseMessage``).

    ``source`` tells how the SDK got it: ``"live"`` (socket), ``"catchup"``
    (fetched after a reconnect), ``"history"`` (a MessagesRequest) or
    ``"sent"`` (the server's answer to our own send).
    """

    __slots__ = (
        "_loads",
        "_raw",
        "_raw_frame",
        "_reader",
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
        self.receiver_type = check_receiver_type(receiver_type)
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
        # the frame's text and the function to parse it (two slots, not a tuple: one
        # object less for the garbage collector to track per message waiting for its listener)
        self._raw_frame: str | bytes | None = None
        self._loads: Callable[[str | bytes], Any] | None = None
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
        self._raw_frame = self._loads = None
        mid = get("id")
        self.id = mid if type(mid) is str and mid else required_str(o, "id", "message")
        muid = get("muid")
        self.muid = muid if muid is None or type(muid) is str else lenient_str(o, "muid")
        conv = get("conversationId")
        self.conversation_id = conv if conv is None or type(conv) is str else lenient_str(o, "conversationId")
        category = get("category")
        self.category = (
            category if type(category) is str and category else lenient_str(o, "category") or CATEGORY.MESSAGE
        )
        mtype = get("type")
        self.type = mtype if type(mtype) is str else lenient_str(o, "type") or ""
        sender = get("sender")
        self.sender_uid = sender if isinstance(sender, str) else None
        receiver = get("receiver")
        self.receiver_id = receiver if isinstance(receiver, str) else ""
        rtype = get("receiverType")
        self.receiver_type = (
            rtype if isinstance(rtype, str) and rtype in RECEIVER_TYPES else RECEIVER_TYPE.USER
        )
        sent_at = get("sentAt")
        self.sent_at = sent_at if type(sent_at) is int else lenient_int(o, "sentAt")
        updated_at = get("updatedAt")
        self.updated_at = (
            updated_at if updated_at is None or type(updated_at) is int else lenient_int(o, "updatedAt")
        )
        # absent unless the message was edited/deleted; kept as fields, so reading them
        # never needs raw (a socket message parses raw again on first use, see raw)
        edited_at, edited_by = get("editedAt"), get("editedBy")
        self.edited_at = None if edited_at is None else lenient_int(o, "editedAt")
        self.edited_by = None if edited_by is None else lenient_str(o, "editedBy")
        deleted_at, deleted_by = get("deletedAt"), get("deletedBy")
        self.deleted_at = None if deleted_at is None else lenient_int(o, "deletedAt")
        self.deleted_by = None if deleted_by is None else lenient_str(o, "deletedBy")
        data = get("data")
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(metadata, dict):
            metadata = get("metadata")
        self.metadata = metadata if isinstance(metadata, dict) else None
        tags = get("tags")
        self.tags = [str(v) for v in tags] if isinstance(tags, list) else None
        self.parent_message_id = (
            lenient_str(o, "parentId") or lenient_str(o, "parentMessageId")
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
        put(out, "metadata", self.metadata)
        put(out, "muid", self.muid)
        put(out, "tags", self.tags)
        put(out, "parentId", self.parent_message_id)
        return out

    def _wire_data(self) -> JSON:
        data: JSON = {}
        put(data, "metadata", self.metadata)
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
            text, loads = self._raw_frame, self._loads
            assert text is not None and loads is not None
            raw = self._raw = loads(text)["body"]
        return raw

    @raw.setter
    def raw(self, value: JSON) -> None:
        self._raw = value
        self._raw_frame = self._loads = None

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
        self._raw_frame = text
        self._loads = loads

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
            return entity_from_wire(entities.get(role)) if isinstance(entities, dict) else None
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
        return lenient_int(self.raw, key)

    @property
    def delivered_at(self) -> int | None:
        return self._ts("deliveredAt")

    @property
    def read_at(self) -> int | None:
        return self._ts("readAt")

    @property
    def reply_count(self) -> int:
        """Replies in this message's thread, as the server counted them when it sent the message."""
        if not self._may_have("replyCount"):
            return 0
        return self._ts("replyCount") or 0

    @property
    def unread_replies_count(self) -> int:
        """Replies to this message the reader has not read (the server's per-reader view)."""
        return self._ts("unreadRepliesCount") or 0

    def _may_have(self, key: str) -> bool:
        """Whether ``data`` may hold ``key``: a message decoded from a socket frame keeps
        the frame's text (see :meth:`_keep_frame`), and a key the text does not
        contain is not worth parsing it again for (a live message has no reactions
        and seldom mentions)."""
        text = self._raw_frame
        if self._raw is None and text is not None:
            if isinstance(text, bytes):
                return (_NEEDLES.get(key) or f'"{key}"'.encode()) in text
            return f'"{key}"' in text
        return True

    @property
    def reactions(self) -> list[ReactionCount]:
        """``data.reactions``: one :class:`ReactionCount` per reaction, with "reacted by me"."""
        if not self._may_have("reactions"):
            return []
        items = self.data.get("reactions")
        if not isinstance(items, list):
            return []
        return [r for r in map(ReactionCount.from_wire, items) if r is not None]

    @property
    def mentioned_users(self) -> list[User]:
        """The users the text mentions (``<@uid:UID>``), as the server resolved them (``data.mentions``)."""
        if not self._may_have("mentions"):
            return []
        mentions = self.data.get("mentions")
        if not isinstance(mentions, dict):
            return []
        users: list[User] = []
        for uid, obj in mentions.items():
            try:
                users.append(User.from_wire(obj) if isinstance(obj, dict) else User(uid=str(uid)))
            except ProtocolError:
                users.append(User(uid=str(uid)))
        return users

    @property
    def mentioned_uids(self) -> list[str]:
        if not self._may_have("mentions"):
            return []
        mentions = self.data.get("mentions")
        return [str(u) for u in mentions] if isinstance(mentions, dict) else []

    @property
    def reader(self) -> str | None:
        """The uid of the user this message was received by (None for a message built locally)."""
        reader: str | None = getattr(self, "_reader", None)
        return reader

    def _set_reader(self, uid: str | None) -> None:
        self._reader = uid

    @property
    def is_catchup(self) -> bool:
        return self.source == "catchup"

    # -- the JS SDK's getters and setters (camelCase aliases at the end) -------
    def get_id(self) -> str | None:
        return self.id

    def get_muid(self) -> str | None:
        return self.muid

    def get_conversation_id(self) -> str | None:
        return self.conversation_id

    def get_sender(self) -> User | None:
        return self.sender

    def get_receiver(self) -> User | Group | None:
        return self.receiver

    def get_receiver_id(self) -> str:
        return self.receiver_id

    def get_receiver_type(self) -> str:
        return self.receiver_type

    def get_category(self) -> str:
        return self.category

    def get_type(self) -> str:
        return self.type

    def get_sent_at(self) -> int | None:
        return self.sent_at

    def get_updated_at(self) -> int | None:
        return self.updated_at

    def get_delivered_at(self) -> int | None:
        return self.delivered_at

    def get_read_at(self) -> int | None:
        return self.read_at

    def get_edited_at(self) -> int | None:
        return self.edited_at

    def get_deleted_at(self) -> int | None:
        return self.deleted_at

    def get_edited_by(self) -> str | None:
        return self.edited_by

    def get_deleted_by(self) -> str | None:
        return self.deleted_by

    def get_metadata(self) -> JSON | None:
        return self.metadata

    def get_tags(self) -> list[str] | None:
        return self.tags

    def get_parent_message_id(self) -> str | None:
        return self.parent_message_id

    def get_reply_count(self) -> int:
        return self.reply_count

    def get_data(self) -> JSON:
        return self.data

    def get_unread_replies_count(self) -> int:
        return self.unread_replies_count

    def get_reactions(self) -> list[ReactionCount]:
        return self.reactions

    def set_reactions(self, reactions: list[ReactionCount]) -> None:
        """Replace ``data.reactions`` (what ``CometChatHelper.updateMessageWithReactionInfo`` does)."""
        raw = dict(self.raw)
        data = dict(raw.get("data") or {}) if isinstance(raw.get("data"), dict) else self._wire_data()
        data["reactions"] = [r.to_wire() for r in reactions]
        raw["data"] = data
        self.raw = raw

    def get_mentioned_users(self) -> list[User]:
        return self.mentioned_users

    def has_mentioned_me(self, uid: str | None = None) -> bool:
        """Whether the text mentions ``uid`` (default: the user who received this message)."""
        me = uid if uid is not None else self.reader
        return me is not None and me in self.mentioned_uids

    def set_metadata(self, metadata: JSON) -> None:
        self.metadata = metadata

    def set_tags(self, tags: list[str]) -> None:
        self.tags = list(tags)

    def set_muid(self, muid: str) -> None:
        self.muid = muid

    def set_parent_message_id(self, parent_id: str) -> None:
        self.parent_message_id = str(parent_id)

    def set_receiver_type(self, receiver_type: str) -> None:
        self.receiver_type = check_receiver_type(receiver_type)

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

    # camelCase aliases -------------------------------------------------------------
    getId = get_id
    getMuid = get_muid
    getConversationId = get_conversation_id
    getSender = get_sender
    getReceiver = get_receiver
    getReceiverId = get_receiver_id
    getReceiverType = get_receiver_type
    getCategory = get_category
    getType = get_type
    getSentAt = get_sent_at
    getUpdatedAt = get_updated_at
    getDeliveredAt = get_delivered_at
    getReadAt = get_read_at
    getEditedAt = get_edited_at
    getDeletedAt = get_deleted_at
    getEditedBy = get_edited_by
    getDeletedBy = get_deleted_by
    getMetadata = get_metadata
    getTags = get_tags
    getParentMessageId = get_parent_message_id
    getReplyCount = get_reply_count
    getData = get_data
    getUnreadRepliesCount = get_unread_replies_count
    getReactions = get_reactions
    setReactions = set_reactions
    getMentionedUsers = get_mentioned_users
    hasMentionedMe = has_mentioned_me
    setMetadata = set_metadata
    setTags = set_tags
    setMuid = set_muid
    setParentMessageId = set_parent_message_id
    setReceiverType = set_receiver_type


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

    def get_text(self) -> str:
        return self.text

    def set_text(self, text: str) -> None:
        self.text = text

    def _repr_fields(self) -> str:
        return f"text={self.text!r:.60}"

    # camelCase aliases -------------------------------------------------------------
    getText = get_text
    setText = set_text


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
        self.sub_type = lenient_str(o, "subType")

    def _wire_data(self) -> JSON:
        data = BaseMessage._wire_data(self)
        data["customData"] = self.custom_data
        return data

    @property
    def custom_type(self) -> str:
        return self.type

    def get_custom_data(self) -> JSON:
        return self.custom_data

    def set_custom_data(self, custom_data: JSON) -> None:
        self.custom_data = dict(custom_data)

    def get_sub_type(self) -> str | None:
        return self.sub_type

    def _repr_fields(self) -> str:
        return f"type={self.type!r}, custom_data={self.custom_data!r:.60}"

    # camelCase aliases -------------------------------------------------------------
    getCustomData = get_custom_data
    setCustomData = set_custom_data
    getSubType = get_sub_type
