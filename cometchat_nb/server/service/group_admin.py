"""Group administration: kick, ban, unban, change a member's scope, add members,
transfer the ownership, update and delete a group.

Who may do what is decided by :mod:`.group_rules` (the scope matrix and its
sources). Every change that concerns a member is stored as a ``groupMember``
action and pushed to the members as the official JS SDK dispatches it
(``WSHelper.publishActionMessage``): ``kicked``/``banned``/``unbanned``/
``added`` reach ``onGroupMemberKicked/Banned/Unbanned/AddedToGroup(action,
actionOn, actionBy, actionFor)``, ``scopeChanged`` reaches
``onGroupMemberScopeChanged(action, actionOn, newScope, oldScope, actionFor)``
with the scopes in ``data.extras.scope.{old,new}``.

The SDK has no event for an ownership transfer, a group update or a group
deletion (its action switch knows none), so none is invented: a transfer
makes the new owner an admin, and when that changes their scope the members
get a ``scopeChanged`` action; updates and deletions are seen on the next
read.

Who hears an action: every member before the change (a kicked or banned
member hears their own removal); an unbanned user hears their unban; an
added member hears their addition.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import ApiError, ErrorCode
from ..config import SERVER_DEVICE_ID
from ..store import GroupRow
from . import group_rules as rules
from .core import JSON, Service, not_a_member, uid_not_found
from .groups import member_action

__all__ = [
    "MAX_MEMBERS_PER_CALL",
    "add_members",
    "ban_member",
    "banned_page",
    "change_scope",
    "delete_group",
    "kick_member",
    "seat_of",
    "transfer_ownership",
    "unban_member",
    "update_group",
]

#: "A maximum of 25 users can be added per API call" (CometChat REST docs, "Group Members").
MAX_MEMBERS_PER_CALL = 25


def seat_of(svc: Service, group: GroupRow, uid: str) -> rules.Seat:
    """``uid``'s seat in ``group`` (``ERR_NOT_A_MEMBER`` if they have none)."""
    membership = svc.store.membership(group.guid, uid)
    if membership is None:
        raise not_a_member(uid, group.guid)
    return rules.Seat(uid, membership[0], owner=uid == group.owner)


def _target(svc: Service, group: GroupRow, uid: str) -> tuple[JSON, rules.Seat]:
    """The user ``uid`` (``ERR_UID_NOT_FOUND``) and their seat (``ERR_NOT_A_MEMBER``)."""
    user = svc.user_or_fail(uid)
    return user, seat_of(svc, group, uid)


def kick_member(svc: Service, actor: str, guid: str, uid: str, device_id: str = SERVER_DEVICE_ID) -> None:
    """``actor`` removes ``uid``; every member (the kicked one too) gets a ``kicked`` action."""
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    target_user, target = _target(svc, group, uid)
    rules.check_remove(me, target, "kick")
    audience = svc.store.member_uids(guid)
    now = svc.now()
    with svc.store.transaction():
        svc.store.remove_member(guid, uid)
        action = member_action(svc, svc.user_or_fail(actor), group, "kicked", now, on=target_user)
    svc.fan_out(action, audience, device_id)


def ban_member(svc: Service, actor: str, guid: str, uid: str, device_id: str = SERVER_DEVICE_ID) -> None:
    """``actor`` bans ``uid`` (a member, who is removed, or not): a ``banned`` action
    to the members (the banned member too). ``ERR_ALREADY_BANNED`` if banned already."""
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    _ban(svc, group, me, uid, device_id)


def _ban(svc: Service, group: GroupRow, me: rules.Seat, uid: str, device_id: str) -> None:
    guid = group.guid
    target_user = svc.user_or_fail(uid)
    if svc.store.is_banned(guid, uid):
        raise ApiError(
            f"The user {uid} is already banned from the group {guid}.", code=ErrorCode.ALREADY_BANNED
        )
    membership = svc.store.membership(guid, uid)
    if membership is None:
        rules.check_ban_outsider(me, uid)
        scope = "participant"
    else:
        rules.check_remove(me, rules.Seat(uid, membership[0], owner=uid == group.owner), "ban")
        scope = membership[0]
    audience = svc.store.member_uids(guid)
    now = svc.now()
    with svc.store.transaction():
        svc.store.remove_member(guid, uid)
        svc.store.ban(guid, uid, scope, me.uid, now)
        action = member_action(svc, svc.user_or_fail(me.uid), group, "banned", now, on=target_user)
    svc.fan_out(action, audience, device_id)


def unban_member(svc: Service, actor: str, guid: str, uid: str, device_id: str = SERVER_DEVICE_ID) -> None:
    """``actor`` lifts ``uid``'s ban (``ERR_NOT_A_BANNED_USER`` if there is none); the
    members and the unbanned user get an ``unbanned`` action. They may join again."""
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    target_user = svc.user_or_fail(uid)
    banned_scope = svc.store.ban_scope(guid, uid)
    if banned_scope is None:
        raise ApiError(
            f"The user {uid} is not banned from the group {guid}.", code=ErrorCode.NOT_A_BANNED_USER
        )
    rules.check_unban(me, uid, banned_scope)
    now = svc.now()
    with svc.store.transaction():
        svc.store.unban(guid, uid)
        action = member_action(svc, svc.user_or_fail(actor), group, "unbanned", now, on=target_user)
    svc.fan_out(action, [*svc.store.member_uids(guid), uid], device_id)


def banned_page(
    svc: Service,
    actor: str,
    guid: str,
    *,
    search: str | None,
    scopes: tuple[str, ...],
    limit: int,
    offset: int,
) -> tuple[list[JSON], int]:
    """A page of a group's banned users, for its members."""
    group = svc.group_or_fail(guid)
    seat_of(svc, group, actor)
    return svc.store.banned_page(guid, search=search, scopes=scopes, limit=limit, offset=offset)


def change_scope(
    svc: Service, actor: str, guid: str, uid: str, scope: object, device_id: str = SERVER_DEVICE_ID
) -> JSON:
    """``actor`` makes member ``uid`` ``scope``; the members get a ``scopeChanged``
    action. Returns the reply ``{"success", "message"}``."""
    new_scope = rules.scope_or_fail(scope)
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    target_user, target = _target(svc, group, uid)
    rules.check_change_scope(me, target, new_scope)
    with svc.store.transaction():
        action = _scope_changed(svc, group, actor, target_user, target.scope, new_scope)
    svc.fan_out(action, svc.store.member_uids(guid), device_id)
    return {"success": True, "message": f"The user {uid} is now {new_scope} of the group {guid}."}


def _scope_changed(svc: Service, group: GroupRow, actor: str, target_user: JSON, old: str, new: str) -> JSON:
    """Set the scope and store the ``scopeChanged`` action (the caller holds the
    transaction and pushes the returned action)."""
    svc.store.set_scope(group.guid, target_user["uid"], new)
    extras = {"scope": {"old": old, "new": new}}
    return member_action(
        svc, svc.user_or_fail(actor), group, "scopeChanged", svc.now(), on=target_user, extras=extras
    )


def add_members(
    svc: Service,
    actor: str,
    guid: str,
    *,
    admins: Sequence[str] = (),
    moderators: Sequence[str] = (),
    participants: Sequence[str] = (),
    users_to_ban: Sequence[str] = (),
    device_id: str = SERVER_DEVICE_ID,
) -> JSON:
    """``PUT groups/{guid}/members``: add members with scopes and ban users.

    Returns ``{"admins", "moderators", "participants", "usersToBan"}``, each
    ``{uid: {"success": true, "message"} | {"success": false, "error": {code,
    message}}}`` (the JS SDK reads all four keys). A uid in several lists
    counts once, in the highest scope (admin > moderator > participant >
    ban: CometChat REST docs). Refused per uid: ``ERR_UID_NOT_FOUND``,
    ``ERR_ALREADY_JOINED``, ``ERR_BANNED_GROUPMEMBER``,
    ``ERR_GROUP_NO_SCOPE_CLEARANCE`` and the ban refusals; refused as a whole:
    ``ERR_GROUP_NO_MODERATOR_SCOPE``, ``ERR_NOT_A_MEMBER``, more than
    :data:`MAX_MEMBERS_PER_CALL` uids (``ERR_BAD_REQUEST``).
    """
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    rules.check_add(me)
    wanted = [*admins, *moderators, *participants, *users_to_ban]
    if len(set(wanted)) > MAX_MEMBERS_PER_CALL:
        raise ApiError(
            f"At most {MAX_MEMBERS_PER_CALL} users can be added or banned in one call.",
            code=ErrorCode.BAD_REQUEST,
        )
    known = svc.store.existing_uids(wanted)
    result: JSON = {"admins": {}, "moderators": {}, "participants": {}, "usersToBan": {}}
    seen: set[str] = set()
    actor_user = svc.user_or_fail(actor)
    for key, scope, uids in (
        ("admins", "admin", admins),
        ("moderators", "moderator", moderators),
        ("participants", "participant", participants),
    ):
        for uid in uids:
            if uid in seen:
                continue
            seen.add(uid)
            try:
                _add_one(svc, group, me, actor_user, uid, scope, uid in known, device_id)
            except ApiError as exc:
                result[key][uid] = {"success": False, "error": {"code": exc.code, "message": exc.message}}
            else:
                result[key][uid] = {
                    "success": True,
                    "message": f"{uid} added to the group {guid} as {scope}.",
                }
    for uid in users_to_ban:
        if uid in seen:
            continue
        seen.add(uid)
        try:
            _ban(svc, group, me, uid, device_id)
        except ApiError as exc:
            result["usersToBan"][uid] = {
                "success": False,
                "error": {"code": exc.code, "message": exc.message},
            }
        else:
            result["usersToBan"][uid] = {"success": True, "message": f"{uid} banned from the group {guid}."}
    return result


def _add_one(
    svc: Service,
    group: GroupRow,
    me: rules.Seat,
    actor_user: JSON,
    uid: str,
    scope: str,
    exists: bool,
    device_id: str,
) -> None:
    guid = group.guid
    if not exists:
        raise uid_not_found(uid)
    if not rules.may_give(me, scope):
        raise ApiError(
            f"The user {me.uid} ({me.scope}) cannot add {uid} as {scope}.",
            code=ErrorCode.GROUP_NO_SCOPE_CLEARANCE,
        )
    if svc.store.is_banned(guid, uid):
        raise ApiError(f"The user {uid} is banned from the group {guid}.", code=ErrorCode.BANNED_GROUPMEMBER)
    now = svc.now()
    with svc.store.transaction():
        if not svc.store.add_member(guid, uid, scope, now):
            raise ApiError(
                f"The user {uid} is already a member of the group {guid}.", code=ErrorCode.ALREADY_JOINED
            )
        action = member_action(svc, actor_user, group, "added", now, on=svc.user_or_fail(uid))
    svc.fan_out(action, svc.store.member_uids(guid), device_id)


def transfer_ownership(
    svc: Service, actor: str, guid: str, uid: str, device_id: str = SERVER_DEVICE_ID
) -> JSON:
    """The owner hands the group to member ``uid``, who becomes (or stays) an admin;
    the previous owner stays an admin. Returns ``{"success", "message"}`` (the JS
    SDK resolves ``transferGroupOwnership`` with ``data.message``)."""
    group = svc.group_or_fail(guid)
    me = seat_of(svc, group, actor)
    rules.check_transfer(me, uid)
    target_user, target = _target(svc, group, uid)
    action = None
    with svc.store.transaction():
        svc.store.set_owner(guid, uid, svc.now())
        if target.scope != "admin":
            action = _scope_changed(svc, group, actor, target_user, target.scope, "admin")
    if action is not None:
        svc.fan_out(action, svc.store.member_uids(guid), device_id)
    return {
        "success": True,
        "message": f"Ownership transferred to user {uid} for the group with guid {guid}.",
    }


def update_group(svc: Service, actor: str, guid: str, changes: JSON) -> JSON:
    """A moderator or above changes ``name``, ``description``, ``icon``,
    ``metadata``, ``tags`` (already checked for type); the group as ``actor`` sees it."""
    group = svc.group_or_fail(guid)
    rules.check_update(seat_of(svc, group, actor))
    svc.store.update_group(guid, changes, svc.now())
    updated = svc.store.group(guid)
    assert updated is not None
    return svc.store.group_view(updated, actor)


def delete_group(svc: Service, actor: str, guid: str) -> None:
    """An admin deletes the group: its members and bans go with it; its messages
    stay in the store, readable by nobody."""
    group = svc.group_or_fail(guid)
    rules.check_delete(seat_of(svc, group, actor))
    with svc.store.transaction():
        svc.store.drop_bans(guid)
        svc.store.delete_group(guid)
