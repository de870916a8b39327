"""The other message kinds — media, action, call — and reading any message from its wire JSON.

:func:`message_from_wire` picks the class by ``category``/``type`` as the JS SDK does;
:func:`live_text_message` is the socket's fast path for text messages
(:mod:`cometchat_nb.client.wire`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from ..errors import ErrorCode, InvalidArgumentError
from ._wire import JSON, as_object, lenient_str, put
from .attachments import Attachment, MediaFile, media_file
from .constants import CATEGORY, RECEIVER_TYPE, RECEIVER_TYPES
from .messages import BaseMessage, CustomMessage, TextMessage
from .users import Group, User, entity_from_wire

__all__ = ["MEDIA_TYPES", "Action", "Call", "MediaMessage", "live_text_message", "message_from_wire"]


#: The ``type`` of a media message (the JS SDK's ``MESSAGE_TYPE`` image, video, audio, file).
MEDIA_TYPES: Final = ("image", "video", "audio", "file")


class MediaMessage(BaseMessage):
    """``CometChat.MediaMessage(receiverID, file, type, receiverType)``: an image, video, audio or file.

    ``file`` is what to upload: a local path, ``bytes``, a binary file object,
    a :class:`MediaFile`, or a list of them (``name`` / ``mime_type`` name a
    single file; by default they come from the path, the file object's name,
    and the name's extension). A ``str`` starting with ``http://`` or
    ``https://`` is instead the URL of a file stored elsewhere (sent as
    ``data.url``, nothing uploaded). The file is read when the message is
    built, so a missing file is an ``InvalidArgumentError`` here, not at send.

    A received media message has ``attachments`` (:class:`Attachment`: url,
    name, extension, size, MIME type), ``url`` (the first one's) and ``caption``.
    """

    __slots__ = ("attachments", "caption", "files", "url")

    def __init__(
        self,
        receiver_id: str,
        file: Any = None,
        type: str = "file",  # noqa: A002
        receiver_type: str = RECEIVER_TYPE.USER,
        *,
        name: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        **kwargs: Any,
    ) -> None:
        if type not in MEDIA_TYPES:
            raise InvalidArgumentError(
                f"a media message's type is one of {', '.join(MEDIA_TYPES)}, got {type!r}",
                code=ErrorCode.INVALID_PARAMETER,
            )
        super().__init__(receiver_id, receiver_type, category=CATEGORY.MESSAGE, type=type, **kwargs)
        self.url: str | None = None
        self.caption = caption
        self.attachments: list[Attachment] = []
        self.files: list[MediaFile] = []
        if isinstance(file, str) and file.startswith(("http://", "https://")):
            self.url = file
        elif isinstance(file, (list, tuple)):
            self.files = [media_file(f, mime_type=mime_type) for f in file]
        elif file is not None:
            self.files = [media_file(file, name, mime_type)]

    def _fill_from_wire(self, o: JSON, source: str) -> None:
        BaseMessage._fill_from_wire(self, o, source)
        data = o.get("data")
        d = data if isinstance(data, dict) else {}
        self.url = lenient_str(d, "url")
        self.caption = lenient_str(d, "text")
        att = d.get("attachments")
        items = att if isinstance(att, list) else []
        self.attachments = [a for a in map(Attachment.from_wire, items) if a is not None]
        self.files = []

    def _wire_data(self) -> JSON:
        data = BaseMessage._wire_data(self)
        put(data, "url", self.url)
        put(data, "text", self.caption)
        if self.attachments:
            data["attachments"] = [a.to_wire() for a in self.attachments]
        return data

    def to_form(self) -> tuple[list[tuple[str, str]], list[MediaFile]]:
        """The ``multipart/form-data`` fields and files of ``sendMediaMessage``.

        As the JS SDK posts it (README, "Media"): each field of the message as
        a form field, ``data`` as a JSON string (caption in ``data.text``,
        metadata in ``data.metadata``), one ``tags[]`` field per tag; the files
        go as ``files[]`` parts.
        """
        fields: list[tuple[str, str]] = [
            ("receiver", self.receiver_id),
            ("receiverType", self.receiver_type),
            ("category", self.category),
            ("type", self.type),
        ]
        if self.caption is not None:
            fields.append(("caption", self.caption))
        if self.muid is not None:
            fields.append(("muid", self.muid))
        if self.parent_message_id is not None:
            fields.append(("parentMessageId", self.parent_message_id))
        fields.append(("data", json.dumps(self._wire_data(), ensure_ascii=False)))
        fields.extend(("tags[]", t) for t in self.tags or ())
        return fields, list(self.files)

    def get_url(self) -> str | None:
        return self.url

    def get_caption(self) -> str | None:
        return self.caption

    def set_caption(self, caption: str) -> None:
        self.caption = caption

    def get_attachments(self) -> list[Attachment]:
        return self.attachments

    def get_attachment(self) -> Attachment | None:
        return self.attachments[0] if self.attachments else None

    def set_attachments(self, attachments: list[Attachment]) -> None:
        self.attachments = list(attachments)

    def set_attachment(self, attachment: Attachment) -> None:
        self.attachments = [attachment]

    def get_files(self) -> list[MediaFile]:
        return self.files

    def _repr_fields(self) -> str:
        names = [a.name for a in self.attachments] or [f.name for f in self.files]
        return f"type={self.type!r}, files={names!r:.60}"

    # camelCase aliases -------------------------------------------------------------
    getURL = get_url
    getCaption = get_caption
    setCaption = set_caption
    getAttachments = get_attachments
    getAttachment = get_attachment
    setAttachments = set_attachments
    setAttachment = set_attachment
    getFiles = get_files


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
        self.action = lenient_str(d, "action") or ""
        entities = d.get("entities")
        ents = entities if isinstance(entities, dict) else {}
        self.action_by = entity_from_wire(ents.get("by"))
        self.action_for = entity_from_wire(ents.get("for"))
        on = ents.get("on")
        self.action_on = None
        if isinstance(on, dict) and on.get("entityType") == "message":
            inner = on.get("entity")
            if isinstance(inner, dict):
                self.action_on = message_from_wire(inner, source=source)
        else:
            self.action_on = entity_from_wire(on)
        # A scope change carries ``data.extras.scope.{old,new}`` (what the official JS
        # SDK reads); ``data.oldScope``/``newScope`` is an older spelling, still read.
        extras = d.get("extras")
        scope = extras.get("scope") if isinstance(extras, dict) else None
        sc = scope if isinstance(scope, dict) else {}
        self.old_scope = lenient_str(sc, "old") or lenient_str(d, "oldScope")
        self.new_scope = lenient_str(sc, "new") or lenient_str(d, "newScope")

    def get_action(self) -> str:
        return self.action

    def get_action_by(self) -> User | Group | None:
        return self.action_by

    def get_action_on(self) -> User | Group | BaseMessage | None:
        return self.action_on

    def get_action_for(self) -> User | Group | None:
        return self.action_for

    def get_old_scope(self) -> str | None:
        return self.old_scope

    def get_new_scope(self) -> str | None:
        return self.new_scope

    def _repr_fields(self) -> str:
        return f"action={self.action!r}"

    # camelCase aliases -------------------------------------------------------------
    getAction = get_action
    getActionBy = get_action_by
    getActionOn = get_action_on
    getActionFor = get_action_for
    getOldScope = get_old_scope
    getNewScope = get_new_scope


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
        self.session_id = lenient_str(e, "sessionid")
        self.status = lenient_str(e, "status") or lenient_str(d, "action")

    def get_session_id(self) -> str | None:
        return self.session_id

    def get_status(self) -> str | None:
        return self.status

    # camelCase aliases -------------------------------------------------------------
    getSessionId = get_session_id
    getStatus = get_status


def message_from_wire(obj: Any, *, source: str = "live") -> BaseMessage:
    """Decode a message JSON object (REST or the body of a ``message`` frame).

    The class is chosen by ``category``/``type`` as the JS SDK does.
    """
    o = obj if type(obj) is dict else as_object(obj, "message")
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
    msg = cls.__new__(cls)  # no __init__: every field comes from the wire, set once by _fill_from_wire
    msg._fill_from_wire(o, source)
    return msg


def live_text_message(
    b: Any, frame: str | bytes, loads: Callable[[str | bytes | memoryview], Any]
) -> TextMessage | None:
    """The :class:`TextMessage` of a socket frame, from a typed view of its body; None if it is not one.

    ``b`` has the message JSON's keys as attributes, already checked by a typed
    decoder (``cometchat_nb.client.wire``): ``id``, ``muid``, ``conversationId``,
    ``parentId``, ``parentMessageId``, ``editedBy``, ``deletedBy``, ``category``
    and ``text`` are ``str`` or None, ``sentAt``, ``updatedAt``, ``editedAt``,
    ``deletedAt`` ``int`` or None, ``tags`` a list of ``str`` or None, ``metadata``
    the raw JSON of its value (anything ``memoryview`` takes, parsed with
    ``loads``), empty when the field is absent, ``data`` None or an object with ``text`` and ``metadata``
    of those types; ``type``, ``sender``, ``receiver`` and ``receiverType`` any
    JSON value. The fields are those
    :meth:`TextMessage._fill_from_wire` gives for the same JSON
    (``tests/client/test_wire.py`` checks it); a message that is not a text
    message, or has an empty id or category, returns None: the caller decodes it
    the general way. The message keeps ``frame``, as :meth:`BaseMessage._keep_frame`.
    """
    mid, category = b.id, b.category
    if b.type != "text" or not mid or not (category is None or category == CATEGORY.MESSAGE):
        return None
    msg = TextMessage.__new__(TextMessage)
    msg._raw = None
    msg._raw_frame = frame
    msg._loads = loads
    msg._sender = None
    msg._receiver = None
    msg.source = "live"
    msg.id = mid
    msg.muid = b.muid
    msg.conversation_id = b.conversationId
    msg.category = CATEGORY.MESSAGE
    msg.type = "text"
    sender = b.sender
    msg.sender_uid = sender if type(sender) is str else None
    receiver = b.receiver
    msg.receiver_id = receiver if type(receiver) is str else ""
    rtype = b.receiverType
    msg.receiver_type = rtype if type(rtype) is str and rtype in RECEIVER_TYPES else RECEIVER_TYPE.USER
    msg.sent_at = b.sentAt
    msg.updated_at = b.updatedAt
    msg.edited_at = b.editedAt
    msg.edited_by = b.editedBy
    msg.deleted_at = b.deletedAt
    msg.deleted_by = b.deletedBy
    parent = b.parentId
    parent2 = b.parentMessageId
    msg.parent_message_id = parent or parent2 if parent is not None or parent2 is not None else None
    msg.tags = b.tags
    data = b.data
    metadata: Any = None
    if data is None:
        text = b.text
    else:
        text = data.text
        if text is None:
            text = b.text
        if data.metadata:
            metadata = loads(memoryview(data.metadata))
    if type(metadata) is not dict and b.metadata:
        metadata = loads(memoryview(b.metadata))
    msg.metadata = metadata if type(metadata) is dict else None
    msg.text = "" if text is None else text
    return msg
