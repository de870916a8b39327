"""Routes of groups: create (with members), list, get, update, delete, join,
leave, members (list, add, kick, change scope), bans (list, ban, unban) and
the ownership."""

from __future__ import annotations

from typing import Final

from ...protocol.rest import Meta
from ..config import MAX_URL
from ..params import (
    JSON,
    bad_request,
    body_id,
    body_object,
    body_str,
    body_tags,
    page_offset,
    pagination,
    query_bool,
    query_list,
    query_page,
)
from ..service import Service, group_admin, groups
from ..service.group_rules import SCOPES
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]


#: ``GET groups/{guid}/members?status=`` values -> the stored presence (as ``GET users``).
_STATUS_FILTER: Final = {"available": "online", "online": "online", "offline": "offline"}


def _uid_list(body: JSON, key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(u, str) and u for u in value):
        raise bad_request(f"'{key}' must be a list of uids")
    return list(value)


def _member_lists(body: JSON) -> dict[str, list[str]]:
    return {key: _uid_list(body, key) for key in ("admins", "moderators", "participants", "usersToBan")}


def _scopes(call: Call) -> tuple[str, ...]:
    scopes = tuple(query_list(call.query, "scopes"))
    if any(s not in SCOPES for s in scopes):
        raise bad_request("query parameter 'scopes' takes 'admin', 'moderator' and 'participant'")
    return scopes


def create_group(svc: Service, call: Call) -> Reply:
    """``POST groups``: the caller creates it and becomes its owner and admin.

    With ``members: {admins, moderators, participants, usersToBan}``
    (``createGroupWithMembers``) they are added as the owner adds members,
    and the reply carries ``members.data`` with the per-uid results (the JS
    SDK reads all four keys there)."""
    body = call.body
    group_type = body.get("type", "public")
    if not isinstance(group_type, str):
        raise bad_request("'type' must be 'public', 'private' or 'password'")
    members = body_object(body, "members")
    lists = _member_lists(members) if members is not None else None
    if (
        lists is not None
        and len({u for uids in lists.values() for u in uids}) > group_admin.MAX_MEMBERS_PER_CALL
    ):
        raise bad_request(f"at most {group_admin.MAX_MEMBERS_PER_CALL} members can be given with a new group")
    created = groups.create_group(
        svc,
        body_id(body, "guid"),
        body_str(body, "name"),
        group_type=group_type,
        owner=call.uid,
        password=body_str(body, "password"),
        fields=groups.GroupFields(
            description=body_str(body, "description", max_len=MAX_URL),
            icon=body_str(body, "icon", max_len=MAX_URL),
            metadata=body_object(body, "metadata"),
            tags=body_tags(body),
        ),
    )
    if lists is not None:
        result = group_admin.add_members(
            svc,
            call.uid,
            created["guid"],
            admins=lists["admins"],
            moderators=lists["moderators"],
            participants=lists["participants"],
            users_to_ban=lists["usersToBan"],
            device_id=call.device_id,
        )
        created = groups.get_group(svc, call.uid, created["guid"])
        created["members"] = {"data": result}
    return created, None


def list_groups(svc: Service, call: Call) -> Reply:
    """``GET groups?per_page&page&searchKey&hasJoined&tags&withTags`` (``joinedOnly``
    too). ``tags`` keeps groups carrying any of them; without ``withTags`` the
    groups come without their tags."""
    page, per_page = query_page(call.query)
    found, total = groups.list_groups(
        svc,
        call.uid,
        limit=per_page,
        offset=page_offset(page, per_page),
        search=call.query.get("searchKey") or None,
        joined_only=query_bool(call.query, "hasJoined") or query_bool(call.query, "joinedOnly"),
        tags=tuple(query_list(call.query, "tags")),
        with_tags=query_bool(call.query, "withTags"),
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def get_group(svc: Service, call: Call) -> Reply:
    return groups.get_group(svc, call.uid, call.params["guid"]), None


def update_group(svc: Service, call: Call) -> Reply:
    """``PUT groups/{guid}`` with the JS SDK's ``Group`` object: ``name``,
    ``description``, ``icon``, ``metadata``, ``tags`` change; a ``type`` other
    than the group's is refused (other fields of the object are ignored)."""
    guid = call.params["guid"]
    body = call.body
    current = svc.group_or_fail(guid, call.uid)
    if "type" in body and body["type"] not in (None, current.type):
        raise bad_request(f"the type of the group {guid} ({current.type}) cannot be changed")
    changes: JSON = {}
    if body.get("name") is not None:
        name = body_str(body, "name")
        if not name:
            raise bad_request("'name' must not be empty")
        changes["name"] = name
    for key in ("description", "icon"):
        if key in body:
            changes[key] = body_str(body, key, max_len=MAX_URL)
    if "metadata" in body:
        changes["metadata"] = body_object(body, "metadata")
    if "tags" in body:
        changes["tags"] = body_tags(body)
    return group_admin.update_group(svc, call.uid, guid, changes), None


def delete_group(svc: Service, call: Call) -> Reply:
    """``DELETE groups/{guid}`` (admins)."""
    guid = call.params["guid"]
    group_admin.delete_group(svc, call.uid, guid)
    return {"success": True, "message": f"The group {guid} has been deleted."}, None


def join_group(svc: Service, call: Call) -> Reply:
    """``POST groups/{guid}/members``: the caller joins; the ``joined`` action."""
    password = body_str(call.body, "password")
    return groups.join_group(svc, call.uid, call.params["guid"], password, call.device_id), None


def leave_group(svc: Service, call: Call) -> Reply:
    """``DELETE groups/{guid}/members``: the caller leaves."""
    groups.leave_group(svc, call.uid, call.params["guid"], call.device_id)
    return {"success": True}, None


def remove_member(svc: Service, call: Call) -> Reply:
    """``DELETE groups/{guid}/members/{uid}``: leave (oneself) or kick (someone else)."""
    guid, uid = call.params["guid"], call.params["uid"]
    if uid == call.uid:
        groups.leave_group(svc, uid, guid, call.device_id)
    else:
        group_admin.kick_member(svc, call.uid, guid, uid, call.device_id)
    return {"success": True}, None


def add_members(svc: Service, call: Call) -> Reply:
    """``PUT groups/{guid}/members`` ``{admins, moderators, participants, usersToBan}``:
    per-uid results under the same four keys."""
    lists = _member_lists(call.body)
    return (
        group_admin.add_members(
            svc,
            call.uid,
            call.params["guid"],
            admins=lists["admins"],
            moderators=lists["moderators"],
            participants=lists["participants"],
            users_to_ban=lists["usersToBan"],
            device_id=call.device_id,
        ),
        None,
    )


def change_scope(svc: Service, call: Call) -> Reply:
    """``PUT groups/{guid}/members/{uid}`` ``{scope}``."""
    guid, uid = call.params["guid"], call.params["uid"]
    scope = call.body.get("scope")
    return group_admin.change_scope(svc, call.uid, guid, uid, scope, call.device_id), None


def list_members(svc: Service, call: Call) -> Reply:
    """``GET groups/{guid}/members?per_page&page&searchKey&scopes&status``, for members."""
    guid = call.params["guid"]
    groups.require_membership(svc, call.uid, guid)
    page, per_page = query_page(call.query)
    raw_status = (call.query.get("status") or "").lower() or None
    status = _STATUS_FILTER.get(raw_status) if raw_status is not None else None
    if raw_status is not None and status is None:
        raise bad_request("query parameter 'status' must be 'available' (or 'online') or 'offline'")
    members, total = groups.members_page(
        svc,
        guid,
        limit=per_page,
        offset=page_offset(page, per_page),
        search=call.query.get("searchKey") or None,
        scopes=_scopes(call),
        status=status,
    )
    return members, Meta(pagination=pagination(total, len(members), per_page, page)).to_wire()


def list_banned(svc: Service, call: Call) -> Reply:
    """``GET groups/{guid}/bannedusers?per_page&page&searchKey&scopes``, for members."""
    page, per_page = query_page(call.query)
    banned, total = group_admin.banned_page(
        svc,
        call.uid,
        call.params["guid"],
        search=call.query.get("searchKey") or None,
        scopes=_scopes(call),
        limit=per_page,
        offset=page_offset(page, per_page),
    )
    return banned, Meta(pagination=pagination(total, len(banned), per_page, page)).to_wire()


def ban_member(svc: Service, call: Call) -> Reply:
    """``POST groups/{guid}/bannedusers/{uid}``."""
    guid, uid = call.params["guid"], call.params["uid"]
    group_admin.ban_member(svc, call.uid, guid, uid, call.device_id)
    return {"success": True, "message": f"The user {uid} has been banned from the group {guid}."}, None


def unban_member(svc: Service, call: Call) -> Reply:
    """``DELETE groups/{guid}/bannedusers/{uid}``."""
    guid, uid = call.params["guid"], call.params["uid"]
    group_admin.unban_member(svc, call.uid, guid, uid, call.device_id)
    return {"success": True, "message": f"The user {uid} has been unbanned from the group {guid}."}, None


def transfer_ownership(svc: Service, call: Call) -> Reply:
    """``PATCH groups/{guid}/owner`` ``{owner: uid}``."""
    owner = body_id(call.body, "owner")
    return group_admin.transfer_ownership(svc, call.uid, call.params["guid"], owner, call.device_id), None


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "groups", create_group),
    route("GET", "groups", list_groups),
    route("GET", "groups/{guid}", get_group),
    route("PUT", "groups/{guid}", update_group),
    route("DELETE", "groups/{guid}", delete_group),
    route("POST", "groups/{guid}/members", join_group),
    route("GET", "groups/{guid}/members", list_members),
    route("PUT", "groups/{guid}/members", add_members),
    route("DELETE", "groups/{guid}/members", leave_group),
    route("PUT", "groups/{guid}/members/{uid}", change_scope),
    route("DELETE", "groups/{guid}/members/{uid}", remove_member),
    route("GET", "groups/{guid}/bannedusers", list_banned),
    route("POST", "groups/{guid}/bannedusers/{uid}", ban_member),
    route("DELETE", "groups/{guid}/bannedusers/{uid}", unban_member),
    route("PATCH", "groups/{guid}/owner", transfer_ownership),
)
