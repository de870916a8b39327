"""Routes of users: create and update (admin), friends (admin), list and get."""

from __future__ import annotations

from typing import Final

from ...protocol.rest import Meta
from ..config import MAX_NAME, MAX_ROLE, MAX_URL
from ..params import (
    JSON,
    bad_request,
    body_bool,
    body_id,
    body_object,
    body_str,
    body_tags,
    page_offset,
    pagination,
    query_page,
)
from ..service import Service, auth, users
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]

#: ``GET users?status=`` values → the stored presence they select. The official
#: SDKs send "available" for USER_STATUS.ONLINE (and validate available/offline);
#: "online" is the status users carry, accepted too.
_STATUS_FILTER: Final = {"available": "online", "online": "online", "offline": "offline"}

#: Fields ``PUT users/{uid}`` may change: wire key → longest value.
_UPDATABLE_STRINGS: Final = (("name", MAX_NAME), ("avatar", MAX_URL), ("link", MAX_URL), ("role", MAX_ROLE))


def create_user(svc: Service, call: Call) -> Reply:
    """``POST users`` (admin); ``withAuthToken: true`` adds a new ``authToken``."""
    body = call.body
    with_token = body_bool(body, "withAuthToken")
    user = users.create_user(
        svc,
        body_id(body, "uid"),
        body_str(body, "name"),
        users.UserFields(
            avatar=body_str(body, "avatar", max_len=MAX_URL),
            link=body_str(body, "link", max_len=MAX_URL),
            role=body_str(body, "role", max_len=MAX_ROLE),
            status_message=body_str(body, "statusMessage"),
            metadata=body_object(body, "metadata"),
            tags=body_tags(body),
        ),
    )
    if with_token:
        user["authToken"] = auth.issue_auth_token(svc, user["uid"])
    return user, None


def update_user(svc: Service, call: Call) -> Reply:
    """``PUT users/{uid}`` (admin): the fields present are changed (a null name is ignored)."""
    uid = call.params["uid"]
    svc.user_or_fail(uid)
    body = call.body
    changes: JSON = {}
    for key, max_len in _UPDATABLE_STRINGS:
        if key in body:
            changes[key] = body_str(body, key, max_len=max_len)
    if "statusMessage" in body:
        changes["statusMessage"] = body_str(body, "statusMessage")
    if "metadata" in body:
        changes["metadata"] = body_object(body, "metadata")
    if "tags" in body:
        changes["tags"] = body_tags(body)
    if changes.get("name") is None:
        changes.pop("name", None)
    return users.update_user(svc, uid, changes), None


def add_friends(svc: Service, call: Call) -> Reply:
    """``POST users/{uid}/friends`` (admin) with ``{"accepted": [uid, …]}``."""
    accepted = call.body.get("accepted")
    if not isinstance(accepted, list) or not all(isinstance(u, str) for u in accepted):
        raise bad_request("'accepted' must be a list of uids")
    return users.add_friends(svc, call.params["uid"], accepted), None


def list_users(svc: Service, call: Call) -> Reply:
    """``GET users?per_page&page&searchKey&status``."""
    page, per_page = query_page(call.query)
    raw_status = (call.query.get("status") or "").lower() or None
    status = _STATUS_FILTER.get(raw_status) if raw_status is not None else None
    if raw_status is not None and status is None:
        raise bad_request("query parameter 'status' must be 'available' (or 'online') or 'offline'")
    found, total = users.list_users(
        svc,
        limit=per_page,
        offset=page_offset(page, per_page),
        search=call.query.get("searchKey") or None,
        status=status,
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def get_user(svc: Service, call: Call) -> Reply:
    return users.get_user(svc, call.params["uid"]), None


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "users", create_user, auth="admin"),
    route("PUT", "users/{uid}", update_user, auth="admin"),
    route("POST", "users/{uid}/friends", add_friends, auth="admin"),
    route("GET", "users", list_users),
    route("GET", "users/{uid}", get_user),
)
