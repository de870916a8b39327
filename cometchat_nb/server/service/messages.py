"""Messages: what may be sent to whom, who may read, edit and delete what, and the
``edited``/``deleted`` actions those changes store and push.

Rules kept here: a direct message needs an existing receiver, a group message a
sender who is a member (``ERR_NOT_A_MEMBER``); a reply's parent must be in the
same conversation; a message is read by the ends of its direct conversation or
the current members of its group (``ERR_PERMISSION_DENIED``); only the sender
edits or deletes, never an action message; a deleted message cannot be edited;
deleting twice answers the first ``deleted`` action; a direct message between
a blocked pair is refused (``blocking.refuse_blocked_pair``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import ApiError, ErrorCode
from ..config import SERVER_DEVICE_ID
from ..params import bad_request, body_metadata, body_object, body_str, body_tags
from ..store import HistoryQuery, MessagePage, conversation_id
from ..store.annotations import MEDIA_TYPES
from . import media, threads
from .blocking import refuse_blocked_pair
from .core import JSON, Service, not_a_member, permission_denied
from .groups import require_membership
from .mentions import mentions_in

__all__ = [
    "Draft",
    "check_text",
    "delete_message",
    "edit_message",
    "get_message",
    "group_conversation",
    "history",
    "post_message",
    "read_draft",
    "user_conversation",
]


def check_text(svc: Service, text: Any) -> str:
    """A message text: a non-empty string of at most ``max_text_chars`` characters."""
    if not isinstance(text, str) or not text:
        raise bad_request("'data.text' is required and must be a non-empty string")
    limit = svc.config.max_text_chars
    if len(text) > limit:
        raise ApiError(f"'data.text' is longer than {limit} characters", code=ErrorCode.PAYLOAD_TOO_LARGE)
    return text


@dataclass(frozen=True, slots=True)
class Draft:
    """A message as a sender asked to post it, checked for shape (not yet for who
    may post it to whom): ``data`` holds the content (text, customData, metadata)."""

    receiver: str
    receiver_type: str
    category: str
    type: str
    data: JSON
    muid: str | None
    tags: list[str] | None
    parent: Any
    files: list[Any] = field(default_factory=list)


def read_draft(svc: Service, body: JSON, uploads: Sequence[media.Upload] = ()) -> Draft:
    """The :class:`Draft` in a ``POST messages`` body and its uploaded files
    (``ERR_BAD_REQUEST`` naming the field, ``ERR_PAYLOAD_TOO_LARGE`` for a text
    over ``max_text_chars``, :mod:`.media` for the files' rules)."""
    receiver = body.get("receiver")
    if not isinstance(receiver, str) or not receiver:
        raise bad_request("'receiver' is required and must be a non-empty string")
    receiver_type = body.get("receiverType", "user")
    if receiver_type not in ("user", "group"):
        raise bad_request("'receiverType' must be 'user' or 'group'")
    category = body.get("category", "message")
    if category not in ("message", "custom"):
        raise bad_request(
            "'category' must be 'message' or 'custom' (media and other categories are not supported)"
        )
    message_type = body.get("type", "text" if category == "message" else None)
    if not isinstance(message_type, str) or not message_type or len(message_type) > 100:
        raise bad_request("'type' must be a non-empty string of at most 100 characters")
    if category == "message" and message_type not in ("text", "custom", *MEDIA_TYPES):
        raise bad_request(
            f"message type {message_type!r} is not supported (text, image, video, audio, file or custom)"
        )
    data_in = body_object(body, "data") or {}
    data: JSON = {}
    files: list[Any] = []
    if category == "message" and message_type == "text":
        data["text"] = check_text(svc, data_in.get("text", body.get("text")))
    elif category == "message" and message_type in MEDIA_TYPES:
        caption = data_in.get("text", body.get("caption"))
        if caption is not None and caption != "":
            data["text"] = check_text(svc, caption)
        found, files = media.media_data(svc, message_type, data_in, uploads)
        data.update(found)
    else:
        custom = data_in.get("customData", body.get("customData"))
        if not isinstance(custom, dict):
            raise bad_request("'data.customData' must be a JSON object for a custom message")
        data["customData"] = custom
        if isinstance(data_in.get("text"), str):
            data["text"] = check_text(svc, data_in["text"])
    metadata = body_metadata(body, data_in)
    if metadata is not None:
        data["metadata"] = metadata
    return Draft(
        receiver=receiver,
        receiver_type=receiver_type,
        category=category,
        type=message_type,
        data=data,
        muid=body_str(body, "muid"),
        tags=body_tags(body),
        parent=body.get("parentId", body.get("parentMessageId")),
        files=files,
    )


def _receiver_entity(svc: Service, sender: str, draft: Draft) -> JSON:
    """The receiver as the message carries it; the rule of who may post where."""
    if draft.receiver_type == "user":
        return {"entity": svc.user_or_fail(draft.receiver), "entityType": "user"}
    group = svc.group_or_fail(draft.receiver)
    if not svc.store.is_member(draft.receiver, sender):
        raise not_a_member(sender, draft.receiver)
    return {"entity": svc.group_entity(group), "entityType": "group"}


def post_message(
    svc: Service,
    sender: str,
    body: JSON,
    device_id: str = SERVER_DEVICE_ID,
    *,
    uploads: Sequence[media.Upload] = (),
    parent: str | None = None,
) -> JSON:
    """Validate, store and fan out a message ``sender`` sends (``POST messages``).

    ``body`` is what the JS SDK posts (``receiver``, ``receiverType``,
    ``category``, ``type``, ``data``, ``text``?, ``muid``?, ``tags``?,
    ``parentId``?); any ``sender`` in it is ignored. Returns the stored
    message JSON. ``device_id`` becomes the frames' ``deviceId`` so the
    sender's own socket can drop the echo. ``uploads`` are the files of a
    multipart body (:mod:`.media`); ``parent`` the id of the message replied to
    when the route names it (``POST messages/{id}/thread``, :mod:`.threads`).
    Mentions in the text are resolved into ``data.mentions`` (:mod:`.mentions`).
    """
    draft = read_draft(svc, body, uploads)
    sender_user = svc.user_or_fail(sender)
    receiver_entity = _receiver_entity(svc, sender, draft)
    refuse_blocked_pair(svc, sender, draft.receiver, draft.receiver_type)
    conversation = conversation_id(sender, draft.receiver, draft.receiver_type)
    parent_id = threads.check_parent(svc, sender, draft.parent if parent is None else parent, conversation)
    mentioned = mentions_in(svc, draft.data.get("text"))
    data = {
        **draft.data,
        **({"mentions": mentioned} if mentioned else {}),
        "entities": {"sender": {"entity": sender_user, "entityType": "user"}, "receiver": receiver_entity},
    }
    now = svc.now()
    message: JSON = {}
    if draft.muid is not None:
        message["muid"] = draft.muid
    message.update(
        {
            "conversationId": conversation,
            "sender": sender,
            "receiver": draft.receiver,
            "receiverType": draft.receiver_type,
            "category": draft.category,
            "type": draft.type,
            "data": data,
            "sentAt": now,
            "updatedAt": now,
        }
    )
    if draft.tags is not None:
        message["tags"] = draft.tags
    if parent_id is not None:
        message["parentId"] = parent_id
    try:
        with svc.store.transaction():
            stored = svc.store.add_message(message, now=now)
            if parent_id is not None:
                threads.count_reply(svc, parent_id, +1)
            media.store_uploads(svc, stored, sender, draft.files)
    except BaseException:
        svc.store.discard_media_files([p.media_id for p in draft.files])
        raise
    svc.fan_out(stored, svc.audience(stored), device_id)
    return stored


def get_message(svc: Service, uid: str, mid: str) -> JSON:
    """A message ``uid`` may read (``ERR_MESSAGE_ID_NOT_FOUND``, ``ERR_PERMISSION_DENIED``)."""
    message = svc.message_or_fail(mid)
    if not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message {mid}.")
    return message


def _own_message(svc: Service, uid: str, mid: str) -> JSON:
    message = get_message(svc, uid, mid)
    if message["sender"] != uid:
        raise permission_denied("Only the sender can change a message.")
    if message["category"] == "action":
        raise bad_request("action messages cannot be changed")
    return message


def edit_message(svc: Service, uid: str, mid: str, body: JSON, device_id: str = SERVER_DEVICE_ID) -> JSON:
    """``PUT messages/{id}``: the sender edits text, customData or metadata;
    an ``edited`` action is stored and pushed to the conversation.

    Returns that action (``data.entities.on.entity`` is the edited
    message): the JS SDK's ``editMessage`` resolves with its ``actionOn``.
    """
    message = _own_message(svc, uid, mid)
    if "deletedAt" in message:
        raise bad_request(f"The message {mid} was deleted and cannot be edited.")
    data_in = body_object(body, "data") or {}
    data = dict(message["data"])
    changed = False
    if message["category"] == "message" and message["type"] in ("text", *MEDIA_TYPES):
        text = data_in.get("text", body.get("text" if message["type"] == "text" else "caption"))
        if text is not None:
            data["text"] = check_text(svc, text)
            changed = True
            data.pop("mentions", None)
            mentioned = mentions_in(svc, text)
            if mentioned:
                data["mentions"] = mentioned
    else:
        custom = data_in.get("customData", body.get("customData"))
        if custom is not None:
            if not isinstance(custom, dict):
                raise bad_request("'data.customData' must be a JSON object")
            data["customData"] = custom
            changed = True
    metadata = body_metadata(body, data_in)
    if metadata is not None:
        data["metadata"] = metadata
        changed = True
    tags = body_tags(body)
    if not changed and tags is None:
        raise bad_request("nothing to update: send data.text, data.customData, data.metadata or tags")
    now = svc.now()
    updated = {**message, "data": data, "editedAt": now, "editedBy": uid, "updatedAt": now}
    if tags is not None:
        updated["tags"] = tags
    return _change_message(svc, updated, "edited", uid, device_id, now)


def delete_message(svc: Service, uid: str, mid: str, device_id: str = SERVER_DEVICE_ID) -> JSON:
    """``DELETE messages/{id}``: soft delete by the sender; a ``deleted``
    action is stored and pushed to the conversation.

    Returns that action, like :func:`edit_message` (the JS SDK's
    ``deleteMessage`` resolves with its ``actionOn``). Idempotent: deleting
    again stores and pushes nothing and answers the ``deleted`` action
    stored the first time.
    """
    message = _own_message(svc, uid, mid)
    if "deletedAt" in message:
        stored = svc.store.find_message_action(message, "deleted")
        return stored or _message_action(svc, message, "deleted", uid, message["deletedAt"])
    now = svc.now()
    updated = {**message, "deletedAt": now, "deletedBy": uid, "updatedAt": now}
    return _change_message(svc, updated, "deleted", uid, device_id, now, reply_delta=-1)


def _message_action(svc: Service, updated: JSON, action: str, uid: str, now: int) -> JSON:
    """An ``edited``/``deleted`` action message about ``updated`` (not stored)."""
    actor = svc.user_or_fail(uid)
    receiver_entity = updated["data"].get("entities", {}).get("receiver")
    entities: JSON = {
        "by": {"entity": actor, "entityType": "user"},
        "on": {"entity": updated, "entityType": "message"},
    }
    if receiver_entity is not None:
        entities["for"] = receiver_entity
    return {
        "conversationId": updated["conversationId"],
        "sender": uid,
        "receiver": updated["receiver"],
        "receiverType": updated["receiverType"],
        "category": "action",
        "type": "message",
        "data": {"action": action, "entities": entities},
        "sentAt": now,
        "updatedAt": now,
    }


def _change_message(
    svc: Service, updated: JSON, action: str, uid: str, device_id: str, now: int, reply_delta: int = 0
) -> JSON:
    """Store ``updated`` and an action about it, push the action; return the stored
    action. ``reply_delta`` changes the parent's ``replyCount`` if ``updated`` is a reply."""
    notice = _message_action(svc, updated, action, uid, now)
    parent = threads.reply_parent(updated)
    with svc.store.transaction():
        svc.store.replace_message(updated)
        if reply_delta and parent is not None:
            threads.count_reply(svc, parent, reply_delta)
        stored = svc.store.add_message(notice, now=now)
    svc.fan_out(stored, svc.audience(stored), device_id)
    return stored


# -- history ------------------------------------------------------------------------
def user_conversation(svc: Service, reader: str, other: str) -> str:
    """The id of ``reader``'s direct conversation with ``other`` (``ERR_UID_NOT_FOUND``)."""
    svc.user_or_fail(other)
    return conversation_id(reader, other, "user")


def group_conversation(svc: Service, reader: str, guid: str) -> str:
    """The id of a group's conversation, for its members only."""
    require_membership(svc, reader, guid)
    return conversation_id(reader, guid, "group")


def history(
    svc: Service, query: HistoryQuery, *, conversation: str | None = None, reader: str | None = None
) -> MessagePage:
    """A page of one conversation (from :func:`user_conversation` or
    :func:`group_conversation`), or of everything ``reader`` can read: their
    direct messages and the messages of the groups they are a member of now."""
    return svc.store.messages_page(query, conversation=conversation, reader=reader)
