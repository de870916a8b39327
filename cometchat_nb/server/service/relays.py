"""Transient frames a socket sends: typing indicators, transient messages and
receipts — who may send them about what, and who gets them."""

from __future__ import annotations

from ...models import User
from ...protocol import frames
from ..params import bad_request
from . import conversations
from .core import Service, frame_bytes, not_a_member, permission_denied, uid_not_found

__all__ = ["mark_conversation", "record_receipt", "relay_audience"]


def relay_audience(svc: Service, uid: str, receiver: str | None, receiver_type: str) -> list[str]:
    """Uids whose sockets get a typing indicator or transient message ``uid``
    sends to ``receiver``: that user, or every member of that group (the sender
    must be one). The sending socket itself is left out by the caller.
    Nothing reaches a user in a block with ``uid`` (no error: the sender is
    not told who blocked them)."""
    if not receiver:
        raise bad_request("the frame has no 'receiver'")
    partners = svc.store.block_partners(uid)
    if receiver_type == "user":
        if not svc.store.user_exists(receiver):
            raise uid_not_found(receiver)
        return [] if receiver in partners else [receiver]
    svc.group_or_fail(receiver)
    members = svc.store.member_uids(receiver)
    if uid not in members:
        raise not_a_member(uid, receiver)
    return [m for m in members if m not in partners] if partners else members


def record_receipt(svc: Service, uid: str, message_id: str, receipt_type: str, device_id: str) -> bool:
    """``uid`` received (``delivery``) or read (``read``) a message someone else
    sent them: store it once, stamp ``deliveredAt``/``readAt`` on a direct
    message, push a ``receipts`` frame to the sender's sockets, and move
    ``uid``'s marks in the conversation (:func:`.conversations.reached`).

    Returns ``False`` (nothing stored or pushed; the marks still move) for a
    receipt already recorded. A receipt between a blocked pair is stored but
    not pushed.
    """
    if receipt_type not in ("delivery", "read"):
        raise bad_request("clients may only send 'delivered' and 'read' receipts")
    message = svc.message_or_fail(message_id)
    if not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message {message_id}.")
    if message["sender"] == uid:
        raise bad_request("receipts are for messages other users sent")
    now = svc.now()
    kind = "delivered" if receipt_type == "delivery" else "read"
    store = svc.store
    with store.transaction():
        if not store.add_receipt(int(message["id"]), uid, kind, now):
            conversations.reached(svc, uid, message, kind, device_id)
            return False
        if message["receiverType"] == "user":
            updated = dict(message)
            updated.setdefault("deliveredAt", now)
            if kind == "read":
                updated.setdefault("readAt", now)
            if updated != message:
                store.replace_message(updated)
    author = message["sender"]
    receiver = message["receiver"] if message["receiverType"] == "group" else author
    out = frames.ReceiptFrame(
        app_id=svc.config.app_id,
        receiver=receiver,
        receiver_type=message["receiverType"],
        device_id=device_id,
        sender=uid,
        receipt_type=receipt_type,
        message_id=message["id"],
        user=User.from_wire(svc.user_or_fail(uid)),
        message_sender=author,
        timestamp=now,
    )
    if not any(store.block_between(uid, author)):
        svc.notifier.push([author], frame_bytes(out))
    conversations.reached(svc, uid, message, kind, device_id)
    return True


def mark_conversation(
    svc: Service, uid: str, with_id: str, conversation_type: str, kind: str, device_id: str
) -> None:
    """``markConversationAsRead`` (``kind="read"``) / ``…AsDelivered`` (``"delivery"``):
    the receipt ``markAsRead``/``markAsDelivered`` would send for the newest message
    others sent there (see :func:`record_receipt`), then ``uid``'s mark moves to the
    conversation's newest message (their own and actions included)."""
    row, newest = conversations.newest_unread_from_others(svc, uid, with_id, conversation_type)
    mark = row.read_id if kind == "read" else row.delivered_id
    if newest is not None and newest > mark:
        record_receipt(svc, uid, str(newest), kind, device_id)
    if kind == "read":
        conversations.move_read_mark(svc, row, row.latest_id)
    else:
        conversations.move_delivered_mark(svc, row, row.latest_id)
