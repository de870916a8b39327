"""``CometChat.CometChatHelper``: applying a live reaction event to a message you hold."""

from __future__ import annotations

from ..errors import ErrorCode, InvalidArgumentError
from .constants import REACTION_ACTION
from .events import ReactionEvent
from .messages import BaseMessage
from .reactions import Reaction, ReactionCount

__all__ = ["CometChatHelper"]


class CometChatHelper:
    """Static helpers of the JS SDK's ``CometChatHelper`` that concern messages."""

    @staticmethod
    def update_message_with_reaction_info(
        base_message: BaseMessage,
        message_reaction: Reaction | ReactionEvent,
        action: str,
        me: str | None = None,
    ) -> BaseMessage:
        """``message`` with ``message_reaction`` applied to its reaction counts, in place.

        ``action`` is :attr:`REACTION_ACTION.REACTION_ADDED` or ``_REMOVED``
        (what ``onMessageReactionAdded`` / ``Removed`` report). As the JS SDK
        does: an added reaction counts one more (a new :class:`ReactionCount`
        if it is the first), a removed one one less (dropped at zero), and
        "reacted by me" follows when the reacting user is ``me`` (default: the
        user who received the message). A reaction to another message leaves
        it as it is. Returns the message.
        """
        if not isinstance(base_message, BaseMessage):
            raise InvalidArgumentError(
                "updateMessageWithReactionInfo needs a message", code=ErrorCode.MISSING_PARAMETERS
            )
        reaction = message_reaction
        if isinstance(reaction, ReactionEvent):
            reaction = reaction.get_reaction()
        if not isinstance(reaction, Reaction):
            raise InvalidArgumentError(
                "updateMessageWithReactionInfo needs a Reaction", code=ErrorCode.MISSING_PARAMETERS
            )
        if action not in (REACTION_ACTION.REACTION_ADDED, REACTION_ACTION.REACTION_REMOVED):
            raise InvalidArgumentError(
                f"action must be a REACTION_ACTION value, got {action!r}", code=ErrorCode.MISSING_PARAMETERS
            )
        if str(base_message.id) != str(reaction.message_id):
            return base_message
        mine = reaction.uid == (me if me is not None else base_message.reader)
        counts = base_message.reactions
        found = next((c for c in counts if c.reaction == reaction.reaction), None)
        if action == REACTION_ACTION.REACTION_ADDED:
            if found is None:
                counts.append(ReactionCount(reaction.reaction, 1, mine))
            else:
                found.count += 1
                found.reacted_by_me = found.reacted_by_me or mine
        elif found is not None:
            if found.count > 1:
                found.count -= 1
                if mine:
                    found.reacted_by_me = False
            else:
                counts.remove(found)
        base_message.set_reactions(counts)
        return base_message

    # camelCase aliases -------------------------------------------------------------
    updateMessageWithReactionInfo = update_message_with_reaction_info
