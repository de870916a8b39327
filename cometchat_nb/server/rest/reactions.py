"""Routes of reactions: add, remove, and list a message's reactions."""

from __future__ import annotations

from typing import Final, Literal

from ..config import PER_PAGE_MAX
from ..params import bad_request, query_int, query_optional_int
from ..service import Service, reactions
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]

#: The JS SDK's default ``ReactionsRequestBuilder`` limit.
_LIMIT_DEFAULT: Final = 10


def add(svc: Service, call: Call) -> Reply:
    """``POST messages/{id}/reactions/{reaction}``: the message with its reactions."""
    return reactions.add_reaction(
        svc, call.uid, call.params["id"], call.params["reaction"], call.device_id
    ), None


def remove(svc: Service, call: Call) -> Reply:
    """``DELETE messages/{id}/reactions/{reaction}``: the message with its reactions."""
    return reactions.remove_reaction(
        svc, call.uid, call.params["id"], call.params["reaction"], call.device_id
    ), None


def _list(svc: Service, call: Call, reaction: str | None) -> Reply:
    affix_raw = call.query.get("affix") or "append"
    if affix_raw not in ("append", "prepend"):
        raise bad_request("query parameter 'affix' must be 'append' or 'prepend'")
    affix: Literal["append", "prepend"] = "append" if affix_raw == "append" else "prepend"
    items, meta = reactions.reaction_list(
        svc,
        call.uid,
        call.params["id"],
        reaction=reaction,
        affix=affix,
        cursor=query_optional_int(call.query, "id"),
        limit=query_int(call.query, "limit", _LIMIT_DEFAULT, hi=PER_PAGE_MAX),
    )
    return items, meta


def list_all(svc: Service, call: Call) -> Reply:
    """``GET messages/{id}/reactions``: every reaction, oldest first, by cursor."""
    return _list(svc, call, None)


def list_one(svc: Service, call: Call) -> Reply:
    """``GET messages/{id}/reactions/{reaction}``: who reacted with that reaction."""
    return _list(svc, call, call.params["reaction"])


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "messages/{id}/reactions/{reaction}", add),
    route("DELETE", "messages/{id}/reactions/{reaction}", remove),
    route("GET", "messages/{id}/reactions/{reaction}", list_one),
    route("GET", "messages/{id}/reactions", list_all),
)
