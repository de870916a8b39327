"""Conversations: each user's list of conversations with their unread counts,
the read and delivered marks behind those counts, and the "read/delivered by
all" receipts of groups.

Rules kept here:

* A user sees only their own conversations: the direct conversations they are
  an end of and the groups they are a member of now (a former member's list
  drops the group, as history does). A conversation exists once it has a
  message (the store's triggers keep the list, see
  :mod:`..store.conversations`); asking for one that does not answers
  ``ERR_CONVERSATION_NOT_FOUND``.
* Reading is a mark, as in CometChat ("marks all the messages up to that
  message as read"): a read receipt for message ``m`` moves the reader's read
  mark forward to ``m``; ``markConversationAsRead`` moves it to the newest
  message; ``markMessageAsUnread(m)`` moves it back to just before ``m``. A read
  also counts as delivered. The unread count is the number of undeleted,
  non-action messages of others after the read mark.
* A member who joins a group late starts with the mark at the group's newest
  message: the history before stays readable (as for any member) but is not
  unread.
* In a group, when every participant but a message's sender has reached it
  (read, or delivered), its sender gets a ``readByAll`` (``deliveredToAll``)
  ``receipts`` frame: one per sender, for the newest of their messages the move
  covered.
* ``deleteConversation`` is per user: the conversation leaves their list until a
  newer message arrives, and counts as read.

Where the features beside this one plug in: :func:`blocked_filter` (blocking:
the official SDK's ``includeBlockedUsers``, ``withBlockedInfo`` and
``hideMessagesFromBlockedUsers`` all arrive there and go on to
:mod:`.blocking`) and :func:`unread_mentions` (``unreadMentionsCount``, from the mentions
the message features record).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ...errors import ApiError, ErrorCode
from ...models import User
from ...protocol import frames
from ..params import bad_request
from ..store import ConversationQuery, Participant
from . import blocking
from .core import JSON, Service, frame_bytes, guid_not_found, uid_not_found
from .groups import require_membership

__all__ = [
    "MAX_TAGS",
    "MAX_TAG_CHARS",
    "BlockedFilter",
    "BlockedOptions",
    "ConversationQuery",
    "blocked_filter",
    "conversation_json",
    "delete_conversation",
    "get_conversation",
    "list_conversations",
    "mark_unread",
    "message_receipts",
    "move_delivered_mark",
    "move_read_mark",
    "newest_unread_from_others",
    "reached",
    "tag_conversation",
    "target",
    "unread_counts",
    "unread_mentions",
]

#: A conversation's tags: at most 25, each at most 100 characters (CometChat's limits).
MAX_TAGS: Final = 25
MAX_TAG_CHARS: Final = 100


# -- hooks for blocking (issue 15) and mentions (issue 14) ----------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class BlockedOptions:
    """The blocking parameters the official SDK sends with conversation calls:
    ``includeBlockedUsers`` and ``withBlockedInfo`` (``GET conversations``),
    ``hideMessagesFromBlockedUsers`` (the unread counts; always sent, 0 or 1)."""

    include_blocked_users: bool = False
    with_blocked_info: bool = False
    hide_messages_from_blocked: bool = False


@dataclass(frozen=True, slots=True)
class BlockedFilter:
    """What blocking changes in one answer: ``hidden_with`` are the users whose
    direct conversations (and their unread counts) are left out; ``info`` holds
    the fields merged into a ``conversationWith`` user, by uid
    (``blockedByMe``, ``hasBlockedMe`` …)."""

    hidden_with: frozenset[str] = frozenset()
    info: Mapping[str, JSON] = field(default_factory=dict)


def blocked_filter(svc: Service, uid: str, options: BlockedOptions) -> BlockedFilter:
    """THE place where blocking affects conversations and unread counts.

    Every conversation list and unread count of ``uid`` asks it; the rules are
    :func:`.blocking.conversation_effects` (the users ``uid`` blocked are hidden
    unless ``includeBlockedUsers``; with ``hideMessagesFromBlockedUsers`` everyone
    in a block with them; ``withBlockedInfo`` adds ``blockedByMe``/``hasBlockedMe``).
    """
    hidden, info = blocking.conversation_effects(
        svc,
        uid,
        include_blocked_users=options.include_blocked_users,
        with_blocked_info=options.with_blocked_info,
        hide_messages_from_blocked=options.hide_messages_from_blocked,
    )
    return BlockedFilter(hidden_with=hidden, info=info)


def unread_mentions(svc: Service, uid: str, rows: Sequence[Participant]) -> dict[str, int]:
    """``unreadMentionsCount`` of these conversations of ``uid``, by conversation id
    (zeros left out): the undeleted messages of others after ``uid``'s read mark
    that mention them (mentions: :mod:`.mentions`). Counted from the same read mark
    as ``unreadMessageCount``, so reading a conversation clears both."""
    return svc.store.unread_mentions_after_marks(uid, [r.conversation_id for r in rows])


# -- which conversation ---------------------------------------------------------------
def target(svc: Service, uid: str, with_id: str, conversation_type: str) -> tuple[str, str]:
    """``(conversation id, canonical uid/guid)`` of ``uid``'s conversation with a
    user or group: ``ERR_UID_NOT_FOUND`` / ``ERR_GUID_NOT_FOUND`` /
    ``ERR_NOT_A_MEMBER``. Ids match ignoring case (the official SDK lowercases
    them)."""
    if conversation_type == "user":
        other = svc.store.canonical_id("user", with_id)
        if other is None:
            raise uid_not_found(with_id)
        a, b = sorted((uid, other))
        return f"{a}_user_{b}", other
    if conversation_type == "group":
        guid = svc.store.canonical_id("group", with_id)
        if guid is None:
            raise guid_not_found(with_id)
        require_membership(svc, uid, guid)
        return f"group_{guid}", guid
    raise bad_request("the conversation type must be 'user' or 'group'")


def _listed(svc: Service, uid: str, with_id: str, conversation_type: str) -> Participant:
    """``uid``'s listed conversation with a user or group, or ``ERR_CONVERSATION_NOT_FOUND``."""
    cid, canonical = target(svc, uid, with_id, conversation_type)
    row = svc.store.participant(uid, cid)
    if row is None or not row.visible:
        raise _not_found(conversation_type, canonical)
    return row


def _not_found(conversation_type: str, with_id: str) -> ApiError:
    return ApiError(
        f"Conversation for {conversation_type} {with_id} not found.", code=ErrorCode.CONVERSATION_NOT_FOUND
    )


# -- the conversation object ----------------------------------------------------------
def _with_entity(svc: Service, uid: str, row: Participant, blocked: BlockedFilter) -> JSON:
    if row.conversation_type == "user":
        user = svc.store.user(row.with_id) or {"uid": row.with_id, "name": row.with_id}
        extra = blocked.info.get(row.with_id)
        return {**user, **extra} if extra else user
    group = svc.store.group(row.with_id)
    if group is None:  # pragma: no cover - a deleted group's members are gone, so is the row
        return {"guid": row.with_id, "name": row.with_id}
    return svc.store.group_view(group, uid)


def conversation_json(
    svc: Service,
    uid: str,
    row: Participant,
    *,
    last_message: JSON | None,
    with_tags: bool = True,
    blocked: BlockedFilter | None = None,
    mentions: int = 0,
) -> JSON:
    """The wire form of one of ``uid``'s conversations (the CometChat conversation
    object). ``lastMessage`` is left out when that message was deleted (as
    CometChat documents); ``tags`` only with ``with_tags`` and when there are
    some; ``unreadMessageCount`` is a string, as CometChat's REST API sends it."""
    out: JSON = {
        "conversationId": row.conversation_id,
        "conversationType": row.conversation_type,
        "unreadMessageCount": str(row.unread),
        "unreadMentionsCount": mentions,
    }
    if row.read_id:
        out["lastReadMessageId"] = str(row.read_id)
    if row.last_message_id is not None:
        out["latestMessageId"] = str(row.last_message_id)
    out["createdAt"] = row.created_at
    out["updatedAt"] = row.updated_at
    if last_message is not None and "deletedAt" not in last_message:
        out["lastMessage"] = last_message
    out["conversationWith"] = _with_entity(svc, uid, row, blocked or BlockedFilter())
    if with_tags and row.tags:
        out["tags"] = row.tags
    return out


def _objects(
    svc: Service, uid: str, rows: Sequence[Participant], *, with_tags: bool, blocked: BlockedFilter
) -> list[JSON]:
    lasts = svc.store.messages_json(r.last_message_id for r in rows if r.last_message_id is not None)
    mentions = unread_mentions(svc, uid, rows)
    return [
        conversation_json(
            svc,
            uid,
            row,
            last_message=lasts.get(row.last_message_id) if row.last_message_id is not None else None,
            with_tags=with_tags,
            blocked=blocked,
            mentions=mentions.get(row.conversation_id, 0),
        )
        for row in rows
    ]


def _one(svc: Service, uid: str, row: Participant) -> JSON:
    return _objects(svc, uid, [row], with_tags=True, blocked=blocked_filter(svc, uid, BlockedOptions()))[0]


# -- reading the list -----------------------------------------------------------------
def list_conversations(
    svc: Service,
    uid: str,
    query: ConversationQuery,
    *,
    with_tags: bool = False,
    blocked: BlockedOptions = BlockedOptions(),
) -> tuple[list[JSON], int]:
    """A page of ``uid``'s conversations, newest first, and how many match (see
    :class:`~..store.ConversationQuery`; ``with_tags`` adds each one's ``tags``)."""
    found = blocked_filter(svc, uid, blocked)
    rows, total = svc.store.conversations_page(uid, replace(query, hidden_with=found.hidden_with))
    return _objects(svc, uid, rows, with_tags=with_tags, blocked=found), total


def get_conversation(
    svc: Service, uid: str, with_id: str, conversation_type: str, *, listed_only: bool = True
) -> JSON:
    """``uid``'s conversation with a user or group (``ERR_CONVERSATION_NOT_FOUND``
    before its first message or, with ``listed_only``, after ``uid`` deleted it)."""
    if listed_only:
        return _one(svc, uid, _listed(svc, uid, with_id, conversation_type))
    row, _ = newest_unread_from_others(svc, uid, with_id, conversation_type)
    return _one(svc, uid, row)


def unread_counts(
    svc: Service,
    uid: str,
    *,
    conversation_type: str | None = None,
    conversation_id: str | None = None,
    blocked: BlockedOptions = BlockedOptions(),
) -> list[JSON]:
    """``[{entityId, entityType, count}]``: the conversations of ``uid`` (all, of
    one type, or one) that have unread messages (the answer of ``GET messages``,
    ``users/{uid}/messages``, ``groups/{guid}/messages`` with ``unread=1&count=1``)."""
    found = blocked_filter(svc, uid, blocked)
    rows = svc.store.unread_counts(
        uid,
        conversation_type=conversation_type,
        conversation_id=conversation_id,
        hidden_with=found.hidden_with,
    )
    return [{"entityId": with_id, "entityType": kind, "count": count} for with_id, kind, count in rows]


# -- changing it ----------------------------------------------------------------------
def tag_conversation(svc: Service, uid: str, with_id: str, conversation_type: str, tags: Any) -> JSON:
    """Replace ``uid``'s tags of a conversation (``PUT …/conversation {tags}``); the conversation."""
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise bad_request("'tags' must be a list of strings")
    if len(tags) > MAX_TAGS:
        raise bad_request(f"a conversation has at most {MAX_TAGS} tags")
    if any(not t or len(t) > MAX_TAG_CHARS for t in tags):
        raise bad_request(f"a conversation tag has 1 to {MAX_TAG_CHARS} characters")
    row = _listed(svc, uid, with_id, conversation_type)
    svc.store.set_conversation_tags(uid, row.conversation_id, list(dict.fromkeys(tags)))
    updated = svc.store.participant(uid, row.conversation_id)
    assert updated is not None
    return _one(svc, uid, updated)


def delete_conversation(svc: Service, uid: str, with_id: str, conversation_type: str) -> JSON:
    """``uid`` deletes a conversation for themselves (``DELETE …/conversation``)."""
    row = _listed(svc, uid, with_id, conversation_type)
    svc.store.clear_conversation(uid, row.conversation_id, svc.now())
    return {"conversationId": row.conversation_id, "success": True}


def newest_unread_from_others(
    svc: Service, uid: str, with_id: str, conversation_type: str
) -> tuple[Participant, int | None]:
    """``uid``'s conversation and the id of the newest message others sent there
    (``None`` if there is none), for a conversation-level read or delivered mark."""
    cid, _ = target(svc, uid, with_id, conversation_type)
    row = svc.store.participant(uid, cid)
    if row is None:
        raise _not_found(conversation_type, with_id)
    return row, svc.store.newest_from_others(cid, uid)


def mark_unread(svc: Service, uid: str, with_id: str, conversation_type: str, message_id: Any) -> JSON:
    """``markMessageAsUnread``: ``uid``'s read mark goes back to just before the
    message, which with everything newer from others counts as unread again;
    answers ``{"conversation": …}``."""
    row = _listed(svc, uid, with_id, conversation_type)
    message = svc.message_or_fail(message_id)
    if message["conversationId"] != row.conversation_id:
        raise bad_request(f"The message {message_id} is not in this conversation.")
    before = svc.store.message_before(row.conversation_id, int(message["id"]))
    svc.store.set_read(uid, row.conversation_id, before, svc.now())
    updated = svc.store.participant(uid, row.conversation_id)
    assert updated is not None
    return {"conversation": _one(svc, uid, updated)}


# -- receipts -------------------------------------------------------------------------
def reached(svc: Service, uid: str, message: JSON, kind: str, device_id: str) -> None:
    """``uid`` read (``kind="read"``) or received (``"delivered"``) ``message``:
    move their mark forward to it (a read moves both) and, in a group, send
    ``readByAll``/``deliveredToAll`` for what everyone has now reached. Called for
    every receipt a client sends (:func:`.relays.record_receipt`)."""
    cid = message["conversationId"]
    mid = int(message["id"])
    row = svc.store.participant(uid, cid)
    if row is None:
        return
    now = svc.now()
    if kind == "read" and mid > row.read_id:
        svc.store.set_read(uid, cid, mid, now)
        if row.conversation_type == "group":
            _all_reached(svc, uid, row, row.read_id, mid, "read", device_id, now)
    if mid > row.delivered_id:
        if kind != "read":
            svc.store.set_delivered(uid, cid, mid, now)
        if row.conversation_type == "group":
            _all_reached(svc, uid, row, row.delivered_id, mid, "delivered", device_id, now)


def move_read_mark(svc: Service, row: Participant, read_id: int) -> None:
    """Move a participant's read mark forward to ``read_id`` (no receipts)."""
    if read_id > row.read_id:
        svc.store.set_read(row.uid, row.conversation_id, read_id, svc.now())


def move_delivered_mark(svc: Service, row: Participant, delivered_id: int) -> None:
    """Move a participant's delivered mark forward to ``delivered_id`` (no receipts)."""
    svc.store.set_delivered(row.uid, row.conversation_id, delivered_id, svc.now())


_TO_ALL: Final = {"read": "readByAll", "delivered": "deliveredToAll"}


def _all_reached(
    svc: Service, reader: str, row: Participant, after: int, upto: int, kind: str, device_id: str, now: int
) -> None:
    column = "read_id" if kind == "read" else "delivered_id"
    lowest = svc.store.lowest_marks(row.conversation_id, reader, column)
    covered = svc.store.newest_covered_by_sender(row.conversation_id, reader, after, upto, lowest)
    if not covered:
        return
    user = User.from_wire(svc.user_or_fail(reader))
    for sender, mid in covered:
        frame = frames.ReceiptFrame(
            app_id=svc.config.app_id,
            receiver=row.with_id,
            receiver_type="group",
            device_id=device_id,
            sender=reader,
            receipt_type=_TO_ALL[kind],
            message_id=str(mid),
            user=user,
            message_sender=sender,
            timestamp=now,
        )
        svc.notifier.push([sender], frame_bytes(frame))


def message_receipts(svc: Service, viewer: str, message: JSON) -> JSON | None:
    """``receipts`` of ``GET messages/{id}`` for the message's sender:
    ``{"data": [{recipient, deliveredAt?, readAt?}]}``, one entry per recipient the
    message reached (by a receipt for it, or a mark past it); ``None`` for anyone else."""
    if message["sender"] != viewer or message["category"] == "action":
        return None
    mid = int(message["id"])
    explicit: dict[str, dict[str, int]] = {}
    for uid, kind, at in svc.store.receipts(mid):
        explicit.setdefault(uid, {})[kind] = at
    times: dict[str, dict[str, int]] = {}
    for row in svc.store.recipients_reached(message["conversationId"], mid, viewer):
        entry: dict[str, int] = {}
        if row.delivered_id >= mid and row.delivered_at is not None:
            entry["deliveredAt"] = row.delivered_at
        if row.read_id >= mid and row.read_at is not None:
            entry["readAt"] = row.read_at
        times[row.uid] = entry
    for uid, kinds in explicit.items():
        entry = times.setdefault(uid, {})
        if "delivered" in kinds or "read" in kinds:
            entry["deliveredAt"] = kinds.get("delivered", kinds.get("read", 0))
        if "read" in kinds:
            entry["readAt"] = kinds["read"]
    data = []
    for uid in sorted(times):
        entry = times[uid]
        if not entry:
            continue
        if "readAt" in entry:
            entry.setdefault("deliveredAt", entry["readAt"])
        user = svc.store.user(uid) or {"uid": uid, "name": uid}
        data.append({"recipient": user, **entry})
    return {"data": data}
