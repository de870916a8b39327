"""Groups: who may create, see, join and leave them, and the ``groupMember``
actions every change stores and pushes to the members (administration —
kick, ban, scopes, adding members, ownership, update, delete — is in
``group_admin.py``, its scope rules in ``group_rules.py``).

Rules kept here: a private group is invisible to non-members (reads answer
``ERR_GUID_NOT_FOUND``) and cannot be joined (``ERR_GROUP_JOIN_NOT_ALLOWED``);
a password group needs its password (``ERR_WRONG_GROUP_PASS``); a banned user
cannot join (``ERR_BANNED_GROUPMEMBER``); the owner cannot leave
(``ERR_GROUP_NO_CLEARANCE``: transfer the ownership first); members and
history are read by members only (``ERR_NOT_A_MEMBER``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import ApiError, ErrorCode
from ..config import GROUP_TYPES, SERVER_DEVICE_ID
from ..params import bad_request, body_id
from ..store import GroupFields, GroupRow, conversation_id, verify_password
from .core import JSON, Service, not_a_member, uid_not_found
from .group_rules import Seat, check_leave

__all__ = [
    "GroupFields",
    "create_group",
    "get_group",
    "join_group",
    "leave_group",
    "list_groups",
    "member_action",
    "members_page",
    "require_membership",
]


def create_group(
    svc: Service,
    guid: str,
    name: str | None = None,
    *,
    group_type: str = "public",
    owner: str | None = None,
    members: Iterable[str] = (),
    password: str | None = None,
    fields: GroupFields | None = None,
) -> JSON:
    """Create a group; ``owner`` joins as admin, ``members`` as participants.

    Errors: ``ERR_BAD_REQUEST`` (bad guid/type, password group without
    password), ``ERR_UID_NOT_FOUND`` (unknown owner/member),
    ``ERR_GUID_ALREADY_EXISTS``.
    """
    guid = body_id({"guid": guid}, "guid")
    if group_type not in GROUP_TYPES:
        raise bad_request("'type' must be 'public', 'private' or 'password'")
    if group_type == "password" and not password:
        raise bad_request("'password' is required for a password group")
    member_list = [m for m in dict.fromkeys(members) if m != owner]
    wanted = ([owner] if owner else []) + member_list
    known = svc.store.existing_uids(wanted)
    missing = [u for u in wanted if u not in known]
    if missing:
        raise uid_not_found(missing[0])
    now = svc.now()
    store = svc.store
    with store.transaction():
        created = store.add_group(
            guid,
            name or guid,
            group_type,
            now=now,
            owner=owner,
            password=password if group_type == "password" else None,
            fields=fields,
        )
        if not created:
            raise ApiError(f"The GUID {guid} already exists.", code=ErrorCode.GUID_ALREADY_EXISTS)
        if owner:
            store.add_member(guid, owner, "admin", now)
        for uid in member_list:
            store.add_member(guid, uid, "participant", now)
    group = store.group(guid)
    assert group is not None
    return store.group_view(group, owner)


def get_group(svc: Service, viewer: str, guid: str) -> JSON:
    """A group as ``viewer`` sees it (a private group only by its members)."""
    return svc.store.group_view(svc.group_or_fail(guid, viewer), viewer)


def list_groups(
    svc: Service,
    viewer: str,
    *,
    limit: int,
    offset: int,
    search: str | None,
    joined_only: bool,
    tags: tuple[str, ...] = (),
    with_tags: bool = True,
) -> tuple[list[JSON], int]:
    """A page of the groups ``viewer`` may see, and how many match (``tags``:
    carrying any of them; ``with_tags`` false: without their ``tags``)."""
    return svc.store.groups(
        viewer,
        limit=limit,
        offset=offset,
        search=search,
        joined_only=joined_only,
        tags=tags,
        with_tags=with_tags,
    )


def require_membership(svc: Service, uid: str, guid: str) -> GroupRow:
    """The group, if it exists and ``uid`` is a member (``ERR_GUID_NOT_FOUND``, ``ERR_NOT_A_MEMBER``)."""
    group = svc.group_or_fail(guid)
    if not svc.store.is_member(guid, uid):
        raise not_a_member(uid, guid)
    return group


def members_page(
    svc: Service,
    guid: str,
    *,
    limit: int,
    offset: int,
    search: str | None = None,
    scopes: tuple[str, ...] = (),
    status: str | None = None,
) -> tuple[list[JSON], int]:
    """A page of a group's members and how many match (callers check
    :func:`require_membership` first: members are listed to members only)."""
    return svc.store.members(guid, limit=limit, offset=offset, search=search, scopes=scopes, status=status)


def join_group(
    svc: Service, uid: str, guid: str, password: str | None = None, device_id: str = SERVER_DEVICE_ID
) -> JSON:
    """``uid`` joins ``guid``; a ``joined`` action is stored and pushed to the members.

    Returns that action message, as the JS SDK expects: it reads the group
    from ``data.entities.for.entity``, which here is the joiner's view
    (``hasJoined``, ``scope``, ``joinedAt``).
    """
    store = svc.store
    group = svc.group_or_fail(guid)
    if store.is_member(guid, uid):
        raise ApiError(
            f"The user {uid} is already a member of the group {guid}.", code=ErrorCode.ALREADY_JOINED
        )
    if group.type == "private":
        raise ApiError(
            f"The group {guid} is private; ask an admin to add you.", code=ErrorCode.GROUP_JOIN_NOT_ALLOWED
        )
    if store.is_banned(guid, uid):
        raise ApiError(f"The user {uid} is banned from the group {guid}.", code=ErrorCode.BANNED_GROUPMEMBER)
    if group.type == "password" and not verify_password(password or "", group.password_hash):
        raise ApiError(
            f"The password for the group {guid} is incorrect.", code=ErrorCode.WRONG_GROUP_PASSWORD
        )
    now = svc.now()
    user = svc.user_or_fail(uid)
    with store.transaction():
        store.add_member(guid, uid, "participant", now)
        action = member_action(svc, user, group, "joined", now)
    svc.fan_out(action, store.member_uids(guid), device_id)
    entities = {**action["data"]["entities"]}
    entities["for"] = {"entity": store.group_view(group, uid), "entityType": "group"}
    return {**action, "data": {**action["data"], "entities": entities}}


def leave_group(svc: Service, uid: str, guid: str, device_id: str = SERVER_DEVICE_ID) -> None:
    """``uid`` leaves ``guid``; every member (the leaver too) gets a ``left`` action.
    The owner may not leave (``ERR_GROUP_NO_CLEARANCE``)."""
    group = svc.group_or_fail(guid)
    audience = svc.store.member_uids(guid)
    membership = svc.store.membership(guid, uid)
    if membership is None:
        raise not_a_member(uid, guid)
    check_leave(Seat(uid, membership[0], owner=uid == group.owner))
    user = svc.user_or_fail(uid)
    now = svc.now()
    with svc.store.transaction():
        svc.store.remove_member(guid, uid)
        action = member_action(svc, user, group, "left", now)
    svc.fan_out(action, audience, device_id)


def member_action(
    svc: Service,
    user: JSON,
    group: GroupRow,
    action: str,
    now: int,
    on: JSON | None = None,
    extras: JSON | None = None,
) -> JSON:
    """Store a ``groupMember`` action: ``by`` the acting user, ``on`` the
    member concerned (the actor for joins and leaves), ``for`` the group —
    the JS SDK passes (actionBy, actionFor) to onGroupMemberJoined/Left and
    (actionOn, actionBy, actionFor) to onGroupMemberKicked/Banned/Unbanned/
    AddedToGroup; ``extras`` rides in ``data.extras`` (a scope change's
    ``{"scope": {"old", "new"}}``, the only place ``Action.actionFromJSON``
    reads it from)."""
    group_entity = svc.group_entity(group)
    user_entity = {"entity": user, "entityType": "user"}
    on_entity = user_entity if on is None else {"entity": on, "entityType": "user"}
    data: JSON = {
        "action": action,
        "entities": {
            "by": user_entity,
            "on": on_entity,
            "for": {"entity": group_entity, "entityType": "group"},
        },
    }
    if extras is not None:
        data["extras"] = extras
    return svc.store.add_message(
        {
            "conversationId": conversation_id(user["uid"], group.guid, "group"),
            "sender": user["uid"],
            "receiver": group.guid,
            "receiverType": "group",
            "category": "action",
            "type": "groupMember",
            "data": data,
            "sentAt": now,
            "updatedAt": now,
        },
        now=now,
    )
