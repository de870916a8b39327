"""Reactions: one user's ``Reaction`` to a message and a message's ``ReactionCount`` summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._wire import JSON, as_object, lenient_int, lenient_str, required_str
from .users import User

__all__ = ["Reaction", "ReactionCount"]


@dataclass(slots=True, kw_only=True)
class Reaction:
    """``CometChat.Reaction``: who reacted to which message with what, and when.

    The items of a ``ReactionsRequest`` page and the payload of a
    ``ReactionEvent`` (``event.get_reaction()``).
    """

    reaction_id: str | None
    message_id: str
    reaction: str
    uid: str
    reacted_at: int | None = None
    reacted_by: User | None = None

    @classmethod
    def from_wire(cls, obj: Any) -> Reaction:
        """An item of ``GET messages/{id}/reactions`` (id, messageId, reaction, uid, reactedAt, reactedBy)."""
        o = as_object(obj, "reaction")
        by = o.get("reactedBy")
        return cls(
            reaction_id=lenient_str(o, "id"),
            message_id=required_str(o, "messageId", "reaction"),
            reaction=required_str(o, "reaction", "reaction"),
            uid=lenient_str(o, "uid") or "",
            reacted_at=lenient_int(o, "reactedAt"),
            reacted_by=User.from_wire(by) if isinstance(by, dict) else None,
        )

    def get_reaction_id(self) -> str | None:
        return self.reaction_id

    def get_message_id(self) -> str:
        return self.message_id

    def get_reaction(self) -> str:
        return self.reaction

    def get_uid(self) -> str:
        return self.uid

    def get_reacted_at(self) -> int | None:
        return self.reacted_at

    def get_reacted_by(self) -> User | None:
        return self.reacted_by

    # camelCase aliases -------------------------------------------------------------
    getReactionId = get_reaction_id
    getMessageId = get_message_id
    getReaction = get_reaction
    getUid = get_uid
    getReactedAt = get_reacted_at
    getReactedBy = get_reacted_by


@dataclass(slots=True)
class ReactionCount:
    """``CometChat.ReactionCount``: how many reacted with ``reaction``, and whether the reader did."""

    reaction: str
    count: int
    reacted_by_me: bool = False

    @classmethod
    def from_wire(cls, obj: Any) -> ReactionCount | None:
        """An item of a message's ``data.reactions`` (None if it is malformed)."""
        if not isinstance(obj, dict):
            return None
        reaction = lenient_str(obj, "reaction")
        if not reaction:
            return None
        return cls(reaction, lenient_int(obj, "count") or 0, obj.get("reactedByMe") is True)

    def to_wire(self) -> JSON:
        out: JSON = {"reaction": self.reaction, "count": self.count}
        if self.reacted_by_me:
            out["reactedByMe"] = True
        return out

    def get_reaction(self) -> str:
        return self.reaction

    def get_count(self) -> int:
        return self.count

    def get_reacted_by_me(self) -> bool:
        return self.reacted_by_me

    def set_reaction(self, reaction: str) -> None:
        self.reaction = reaction

    def set_count(self, count: int) -> None:
        self.count = count

    def set_reacted_by_me(self, reacted_by_me: bool) -> None:
        self.reacted_by_me = reacted_by_me

    # camelCase aliases -------------------------------------------------------------
    getReaction = get_reaction
    getCount = get_count
    getReactedByMe = get_reacted_by_me
    setReaction = set_reaction
    setCount = set_count
    setReactedByMe = set_reacted_by_me
