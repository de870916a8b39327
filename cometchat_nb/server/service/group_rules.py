"""The scope rules of group administration, as pure functions (no store).

Scopes rank ``participant`` < ``moderator`` < ``admin``, and the group's owner
(always an admin) ranks above every admin. Who may do what, and the error
each refusal carries (codes from CometChat's REST error guide,
https://www.cometchat.com/docs/articles/error-guide)::

    action        actor needs               target                      refusal
    kick, ban     moderator or above        ranks below the actor       ERR_GROUP_NO_CLEARANCE
    unban         moderator or above        was banned below the actor  ERR_GROUP_NO_CLEARANCE
    change scope  moderator or above        ranks below the actor, and  ERR_GROUP_NO_SCOPE_CLEARANCE
                                            the new scope is at most
                                            the actor's (owner: admin)
    add members   moderator or above        each scope at most the      ERR_GROUP_NO_MODERATOR_SCOPE,
                                            actor's                     per uid ERR_GROUP_NO_SCOPE_CLEARANCE
    update group  moderator or above        -                           ERR_GROUP_NO_MODERATOR_SCOPE
    delete group  admin (the owner is one)  -                           ERR_GROUP_NO_ADMIN_SCOPE
    transfer      the owner                 another member              ERR_GROUP_NO_CLEARANCE
    leave         anyone but the owner      -                           ERR_GROUP_NO_CLEARANCE

Acting on oneself (kick, ban, scope, transfer) is ``ERR_GROUP_NO_SELF_ACTION``;
a scope change to the current scope ``ERR_SAME_SCOPE``. Where the docs say it:
kick/ban/unban/scope "can only be performed by the Admin or the Moderator"
(JS SDK "Ban or Kick Member from a Group"); a moderator may "change scope of
participants, kick & ban participants, update group", an admin "change member
scopes, add/kick/ban members, update/delete group" (REST "Group Members"
overview); "only the group owner can change admin scopes" (Flutter v4
"Change Member Scope"); "only admins and moderators can add members" (Android
v4 "Add Members"); only the owner transfers ownership, and "the owner is not
allowed to leave the group" before transferring it ("Transfer Group
Ownership"). "Ranks below the actor" is this server's reading of those
sentences for the cases the docs leave open (an admin acting on another
admin: only the owner may).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ...errors import ApiError, ErrorCode
from ..params import bad_request

__all__ = [
    "MODERATOR",
    "OWNER",
    "SCOPES",
    "SCOPE_RANK",
    "Seat",
    "check_add",
    "check_change_scope",
    "check_delete",
    "check_leave",
    "check_remove",
    "check_transfer",
    "check_unban",
    "check_update",
    "scope_or_fail",
]

#: The member scopes, lowest first (``CometChat.GROUP_MEMBER_SCOPE``).
SCOPES: Final = ("participant", "moderator", "admin")
SCOPE_RANK: Final = {scope: rank for rank, scope in enumerate(SCOPES, start=1)}
MODERATOR: Final = SCOPE_RANK["moderator"]
#: The owner's rank: above every admin.
OWNER: Final = len(SCOPES) + 1


@dataclass(frozen=True, slots=True)
class Seat:
    """A user's place in a group: their ``scope`` and whether they own it."""

    uid: str
    scope: str
    owner: bool = False

    @property
    def rank(self) -> int:
        return OWNER if self.owner else SCOPE_RANK.get(self.scope, 0)

    @property
    def cap(self) -> int:
        """The highest scope this seat may give (the owner gives admin, like an admin)."""
        return min(self.rank, SCOPE_RANK["admin"])


def scope_or_fail(scope: object) -> str:
    """``scope`` if it is one of :data:`SCOPES` (``ERR_BAD_REQUEST`` otherwise)."""
    if not isinstance(scope, str) or scope not in SCOPE_RANK:
        raise bad_request("'scope' must be 'admin', 'moderator' or 'participant'")
    return scope


def _no_self(actor: Seat, target_uid: str, what: str) -> None:
    if actor.uid == target_uid:
        raise ApiError(f"The user {actor.uid} cannot {what} themselves.", code=ErrorCode.GROUP_NO_SELF_ACTION)


def _clearance(actor: Seat, target_rank: int, what: str, target_uid: str) -> None:
    if actor.rank < MODERATOR or target_rank >= actor.rank:
        raise ApiError(
            f"The user {actor.uid} ({_title(actor)}) cannot {what} {target_uid}.",
            code=ErrorCode.GROUP_NO_CLEARANCE,
        )


def _title(seat: Seat) -> str:
    return "owner" if seat.owner else seat.scope


def check_remove(actor: Seat, target: Seat, what: str = "kick") -> None:
    """Kick or ban ``target`` (a member): the actor outranks them, as a moderator at least."""
    _no_self(actor, target.uid, what)
    _clearance(actor, target.rank, what, target.uid)


def check_ban_outsider(actor: Seat, uid: str) -> None:
    """Ban ``uid`` who is no member: a moderator or above."""
    _no_self(actor, uid, "ban")
    _clearance(actor, SCOPE_RANK["participant"], "ban", uid)


def check_unban(actor: Seat, uid: str, banned_scope: str) -> None:
    """Lift the ban of ``uid``, banned while ``banned_scope``: the actor outranks that scope."""
    _clearance(actor, SCOPE_RANK.get(banned_scope, 1), "unban", uid)


def check_change_scope(actor: Seat, target: Seat, new_scope: str) -> None:
    """Change ``target``'s scope to ``new_scope`` (already validated)."""
    _no_self(actor, target.uid, "change the scope of")
    if target.scope == new_scope and not target.owner:
        raise ApiError(f"The user {target.uid} is already {new_scope}.", code=ErrorCode.SAME_SCOPE)
    if actor.rank < MODERATOR or target.rank >= actor.rank or SCOPE_RANK[new_scope] > actor.cap:
        raise ApiError(
            f"The user {actor.uid} ({_title(actor)}) cannot make {target.uid}"
            f" ({_title(target)}) {new_scope}.",
            code=ErrorCode.GROUP_NO_SCOPE_CLEARANCE,
        )


def check_add(actor: Seat) -> None:
    """Add members at all: a moderator or above (each scope is then checked by :func:`may_give`)."""
    if actor.rank < MODERATOR:
        raise ApiError(
            f"The user {actor.uid} ({_title(actor)}) cannot add members.",
            code=ErrorCode.GROUP_NO_MODERATOR_SCOPE,
        )


def may_give(actor: Seat, scope: str) -> bool:
    """Whether ``actor`` may add a member with ``scope``."""
    return SCOPE_RANK[scope] <= actor.cap


def check_update(actor: Seat) -> None:
    if actor.rank < MODERATOR:
        raise ApiError(
            f"The user {actor.uid} ({_title(actor)}) cannot update the group.",
            code=ErrorCode.GROUP_NO_MODERATOR_SCOPE,
        )


def check_delete(actor: Seat) -> None:
    if actor.rank < SCOPE_RANK["admin"]:
        raise ApiError(
            f"The user {actor.uid} ({_title(actor)}) cannot delete the group.",
            code=ErrorCode.GROUP_NO_ADMIN_SCOPE,
        )


def check_transfer(actor: Seat, target_uid: str) -> None:
    """Transfer ownership to ``target_uid`` (a member, checked by the caller): the owner only."""
    _no_self(actor, target_uid, "transfer the ownership to")
    if not actor.owner:
        raise ApiError(
            f"Only the owner can transfer the ownership; {actor.uid} is {actor.scope}.",
            code=ErrorCode.GROUP_NO_CLEARANCE,
        )


def check_leave(actor: Seat) -> None:
    if actor.owner:
        raise ApiError(
            f"The owner {actor.uid} cannot leave the group; transfer the ownership first.",
            code=ErrorCode.GROUP_NO_CLEARANCE,
        )
