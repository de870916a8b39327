"""Routes of groups: create, list, get, join, leave, remove a member, list members."""

from __future__ import annotations

from typing import Final

from ...protocol.rest import Meta
from ..config import MAX_URL
from ..params import (
    bad_request,
    body_id,
    body_object,
    body_str,
    body_tags,
    page_offset,
    pagination,
    query_bool,
    query_page,
)
from ..service import Service, groups
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]


def create_group(svc: Service, call: Call) -> Reply:
    """``POST groups``: the caller creates it and becomes its owner and admin."""
    body = call.body
    group_type = body.get("type", "public")
    if not isinstance(group_type, str):
        raise bad_request("'type' must be 'public', 'private' or 'password'")
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
    return created, None


def list_groups(svc: Service, call: Call) -> Reply:
    """``GET groups?per_page&page&searchKey&hasJoined`` (or ``joinedOnly``)."""
    page, per_page = query_page(call.query)
    found, total = groups.list_groups(
        svc,
        call.uid,
        limit=per_page,
        offset=page_offset(page, per_page),
        search=call.query.get("searchKey") or None,
        joined_only=query_bool(call.query, "hasJoined") or query_bool(call.query, "joinedOnly"),
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def get_group(svc: Service, call: Call) -> Reply:
    return groups.get_group(svc, call.uid, call.params["guid"]), None


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
        groups.kick_member(svc, call.uid, guid, uid, call.device_id)
    return {"success": True}, None


def list_members(svc: Service, call: Call) -> Reply:
    """``GET groups/{guid}/members?per_page&page``, for members."""
    guid = call.params["guid"]
    groups.require_membership(svc, call.uid, guid)
    page, per_page = query_page(call.query)
    members, total = groups.members_page(svc, guid, limit=per_page, offset=page_offset(page, per_page))
    return members, Meta(pagination=pagination(total, len(members), per_page, page)).to_wire()


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "groups", create_group),
    route("GET", "groups", list_groups),
    route("GET", "groups/{guid}", get_group),
    route("POST", "groups/{guid}/members", join_group),
    route("GET", "groups/{guid}/members", list_members),
    route("DELETE", "groups/{guid}/members", leave_group),
    route("DELETE", "groups/{guid}/members/{uid}", remove_member),
)
