"""Routes of users: create and update (admin), friends (admin), list (every
``UsersRequestBuilder`` filter) and get, and the caller's blocked users."""

from __future__ import annotations

from typing import Final

from ...protocol.rest import Meta
from ..config import MAX_NAME, MAX_ROLE, MAX_URL, WS_API_VERSION
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
    query_bool,
    query_list,
    query_page,
)
from ..service import Service, auth, blocking, presence, users
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]

#: ``GET users?status=`` values → the stored presence they select. The official
#: SDKs send "available" for USER_STATUS.ONLINE (and validate available/offline);
#: "online" is the status users carry, accepted too.
_STATUS_FILTER: Final = {"available": "online", "online": "online", "offline": "offline"}

#: Fields ``PUT users/{uid}`` may change: wire key → longest value.
_UPDATABLE_STRINGS: Final = (("name", MAX_NAME), ("avatar", MAX_URL), ("link", MAX_URL), ("role", MAX_ROLE))
#: ``sortBy`` / ``sortOrder`` values (the JS SDK lower-cases them).
_SORT_BY: Final = ("status", "name")
_SORT_ORDER: Final = ("asc", "desc")
_SEARCH_IN: Final = ("uid", "name")
#: "setUIDs() fetches a maximum of 25 users per request" (JS SDK docs, Retrieve Users).
MAX_UIDS: Final = 25


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


def profile_changes(body: JSON) -> JSON:
    """The user fields present in a ``PUT users/{uid}`` or ``PUT me`` body, checked
    (a null name is ignored); the JS SDK sends its whole ``User`` object, whose
    other keys (uid, status, blockedByMe …) are not fields one sets."""
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
    return changes


def update_user(svc: Service, call: Call) -> Reply:
    """``PUT users/{uid}`` (admin): the fields present are changed."""
    uid = call.params["uid"]
    svc.user_or_fail(uid)
    return users.update_user(svc, uid, profile_changes(call.body)), None


def add_friends(svc: Service, call: Call) -> Reply:
    """``POST users/{uid}/friends`` (admin) with ``{"accepted": [uid, …]}``."""
    accepted = call.body.get("accepted")
    if not isinstance(accepted, list) or not all(isinstance(u, str) for u in accepted):
        raise bad_request("'accepted' must be a list of uids")
    return users.add_friends(svc, call.params["uid"], accepted), None


def _choice(call: Call, key: str, choices: tuple[str, ...], default: str) -> str:
    value = (call.query.get(key) or default).lower()
    if value not in choices:
        raise bad_request(f"query parameter '{key}' must be one of {', '.join(choices)}")
    return value


def list_users(svc: Service, call: Call) -> Reply:
    """``GET users?per_page&page&searchKey&searchIn&status&roles&tags&withTags&uids
    &friendsOnly&hideBlockedUsers&sortBy&sortOrder`` (what ``UsersRequestBuilder``
    sends; lists are comma-separated). Each user carries ``blockedByMe``/
    ``hasBlockedMe`` when true; ``tags`` only with ``withTags``."""
    query = call.query
    page, per_page = query_page(query)
    raw_status = (query.get("status") or "").lower() or None
    status = _STATUS_FILTER.get(raw_status) if raw_status is not None else None
    if raw_status is not None and status is None:
        raise bad_request("query parameter 'status' must be 'available' (or 'online') or 'offline'")
    search_in = tuple(s.lower() for s in query_list(query, "searchIn"))
    if any(s not in _SEARCH_IN for s in search_in):
        raise bad_request("query parameter 'searchIn' takes 'uid' and 'name'")
    uids = tuple(query_list(query, "uids"))
    if len(uids) > MAX_UIDS:
        raise bad_request(f"query parameter 'uids' takes at most {MAX_UIDS} uids")
    filters = users.UserQuery(
        roles=tuple(query_list(query, "roles")),
        uids=uids,
        tags=tuple(query_list(query, "tags")),
        friends_of=call.uid if query_bool(query, "friendsOnly") else None,
        hide_blocked_by=call.uid if query_bool(query, "hideBlockedUsers") else None,
        search_in=search_in or _SEARCH_IN,
        sort_by=_choice(call, "sortBy", _SORT_BY, "status"),
        sort_order=_choice(call, "sortOrder", _SORT_ORDER, "asc"),
    )
    found, total = users.list_users(
        svc,
        limit=per_page,
        offset=page_offset(page, per_page),
        search=query.get("searchKey") or None,
        status=status,
        viewer=call.uid,
        query=filters,
        with_tags=query_bool(query, "withTags"),
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def get_user(svc: Service, call: Call) -> Reply:
    return users.get_user(svc, call.params["uid"], viewer=call.uid), None


def block_users(svc: Service, call: Call) -> Reply:
    """``POST blockedusers`` ``{blockedUids}``: per-uid results."""
    uids = blocking.uids_or_fail(call.body.get("blockedUids"))
    return blocking.block_users(svc, call.uid, uids), None


def unblock_users(svc: Service, call: Call) -> Reply:
    """``DELETE blockedusers`` ``{blockedUids}``: per-uid results."""
    uids = blocking.uids_or_fail(call.body.get("blockedUids"))
    return blocking.unblock_users(svc, call.uid, uids), None


def list_blocked(svc: Service, call: Call) -> Reply:
    """``GET blockedusers?per_page&page&direction&searchKey``."""
    page, per_page = query_page(call.query)
    found, total = blocking.blocked_users(
        svc,
        call.uid,
        blocking.direction_or_fail(call.query.get("direction")),
        search=call.query.get("searchKey") or None,
        limit=per_page,
        offset=page_offset(page, per_page),
    )
    return found, Meta(pagination=pagination(total, len(found), per_page, page)).to_wire()


def online_members(svc: Service, call: Call) -> Reply:
    """``POST api/{WS_API_VERSION}/online-members`` (JWT in ``Authorization``):
    ``{}`` counts online users, ``{"groups": [guid, …]}`` online members per group."""
    return presence.online_counts(svc, call.body.get("groups")), None


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "users", create_user, auth="admin"),
    route("PUT", "users/{uid}", update_user, auth="admin"),
    route("POST", "users/{uid}/friends", add_friends, auth="admin"),
    route("GET", "users", list_users),
    route("GET", "users/{uid}", get_user),
    route("POST", "blockedusers", block_users),
    route("GET", "blockedusers", list_blocked),
    route("DELETE", "blockedusers", unblock_users),
    route("POST", f"api/{WS_API_VERSION}/online-members", online_members, auth="jwt"),
)
