"""Users: creating and updating them, friendships, and listing them."""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import ApiError, ErrorCode
from ..params import body_id
from ..store import UserFields, UserQuery
from .blocking import annotate
from .core import JSON, Service, uid_not_found

__all__ = [
    "UserFields",
    "UserQuery",
    "add_friends",
    "create_user",
    "get_user",
    "list_users",
    "update_me",
    "update_user",
]

#: Fields ``PUT me`` may change: the profile, not the role ("You cannot update
#: the user's role with this method", JS SDK docs, updateCurrentUserDetails).
ME_FIELDS = ("name", "avatar", "link", "statusMessage", "metadata", "tags")


def create_user(svc: Service, uid: str, name: str | None = None, fields: UserFields | None = None) -> JSON:
    """Create a user named ``name`` (default: the uid); ``ERR_BAD_REQUEST`` for a
    bad uid, ``ERR_UID_ALREADY_EXISTS``."""
    uid = body_id({"uid": uid}, "uid")
    user = svc.store.add_user(uid, name or uid, now=svc.now(), fields=fields)
    if user is None:
        raise ApiError(f"The UID {uid} already exists.", code=ErrorCode.UID_ALREADY_EXISTS)
    return user


def get_user(svc: Service, uid: str, viewer: str | None = None) -> JSON:
    """Any user may see any user (``ERR_UID_NOT_FOUND``); with ``viewer``, marked
    ``blockedByMe``/``hasBlockedMe`` as they see them."""
    user = svc.user_or_fail(uid)
    return annotate(svc, viewer, [user])[0] if viewer is not None else user


def update_user(svc: Service, uid: str, changes: JSON) -> JSON:
    """Change the given wire fields of a user (see ``Store.update_user``)."""
    user = svc.store.update_user(uid, changes)
    if user is None:
        raise uid_not_found(uid)
    return user


def list_users(
    svc: Service,
    *,
    limit: int,
    offset: int,
    search: str | None,
    status: str | None,
    viewer: str | None = None,
    query: UserQuery | None = None,
    with_tags: bool = True,
) -> tuple[list[JSON], int]:
    """A page of users, and how many match (every user may list every user): see
    ``Store.users`` for the order and ``query``; with ``viewer``, each marked
    ``blockedByMe``/``hasBlockedMe``; ``with_tags`` false drops their ``tags``."""
    found, total = svc.store.users(limit=limit, offset=offset, search=search, status=status, query=query)
    if not with_tags:
        for user in found:
            user.pop("tags", None)
    return (annotate(svc, viewer, found) if viewer is not None else found), total


def update_me(svc: Service, uid: str, changes: JSON) -> JSON:
    """``PUT me`` with profile fields: the keys of :data:`ME_FIELDS` present in
    ``changes`` (already checked for type) are changed; the role never is."""
    profile = {k: v for k, v in changes.items() if k in ME_FIELDS}
    if profile:
        return update_user(svc, uid, profile)
    return svc.user_or_fail(uid)


def add_friends(svc: Service, uid: str, friends: Iterable[str]) -> JSON:
    """Make ``uid`` friends with each of ``friends`` (both ways); unknown uids are
    reported per uid, not refused."""
    svc.user_or_fail(uid)
    wanted = list(dict.fromkeys(friends))
    known = svc.store.existing_uids(wanted)
    svc.store.add_friends(uid, [f for f in wanted if f in known])
    return {
        "accepted": {
            f: {"success": True, "message": f"{uid} and {f} are now friends."}
            if f in known
            else {"success": False, "error": {"code": ErrorCode.UID_NOT_FOUND, "message": "no such user"}}
            for f in wanted
        }
    }
