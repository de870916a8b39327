"""CometChat data models and their wire (JSON) form.

The models know the JSON keys of users, groups and messages: ``X.from_wire(obj)``
builds a model from decoded JSON and raises
:class:`~cometchat_nb.errors.ProtocolError` (never ``KeyError``) when a
required field is missing or has the wrong type; ``x.to_wire()`` gives the
JSON object the REST API expects. (The socket's envelopes are
:mod:`cometchat_nb.protocol.frames`'; the embedded server reads request bodies
with :mod:`cometchat_nb.server.params` and stores rows in its own schema.)

Each model offers the JS SDK getters (``getId()``, ``getSender().getUid()``,
``getReceiverId()`` …) and setters (``setMetadata()`` …) so snippets from the
CometChat docs port mechanically, plus Pythonic attributes (``msg.id``,
``msg.sender.uid``). Messages are mutable like their JS counterparts (the docs
build them with ``new TextMessage(...)`` and then call setters); events that
are only ever received (typing, receipts, state changes) are frozen.

Messages keep the decoded JSON in ``raw``; rarely used fields (``readAt``,
``replyCount`` …) and the ``sender``/``receiver`` objects are derived from it
on first access, so receiving a message costs one small object.

Modules (each imports only those above it)::

    constants.py   RECEIVER_TYPE, CATEGORY, MESSAGE_TYPE, GROUP_TYPE, GROUP_MEMBER_SCOPE …
    _wire.py       typed reads of decoded JSON: required_str, lenient_str/int/dict/list, put
    users.py       User, GroupMember, Group
    reactions.py   Reaction, ReactionCount
    attachments.py Attachment (received), MediaFile and media_file (to upload)
    messages.py    BaseMessage (with the message features: reactions, mentions, replies,
                   attachments), TextMessage, CustomMessage
    message_kinds.py  MediaMessage, Action, Call; message_from_wire (any message JSON) and
                   live_text_message (the socket's fast path)
    events.py      TypingIndicator, MessageReceipt, TransientMessage, ReactionEvent
    helpers.py     CometChatHelper (updateMessageWithReactionInfo)
    conversations.py  Conversation (and conversation_from_message)

A new model (``Conversation``, ``Reaction``, ``Attachment`` …) goes in the module of
its chapter — or a new one (``conversations.py``) importing only those above —
and is re-exported here (one line, and its name in ``__all__``).
Every model defines snake_case methods and ends with one block of camelCase
aliases (``getText = get_text``).
"""

from __future__ import annotations

from .attachments import Attachment as Attachment
from .attachments import MediaFile as MediaFile
from .attachments import media_file as media_file
from .constants import CATEGORY as CATEGORY
from .constants import CONNECTION_STATUS as CONNECTION_STATUS
from .constants import GROUP_MEMBER_SCOPE as GROUP_MEMBER_SCOPE
from .constants import GROUP_TYPE as GROUP_TYPE
from .constants import MESSAGE_TYPE as MESSAGE_TYPE
from .constants import REACTION_ACTION as REACTION_ACTION
from .constants import RECEIVER_TYPE as RECEIVER_TYPE
from .conversations import Conversation as Conversation
from .events import MessageReceipt as MessageReceipt
from .events import ReactionEvent as ReactionEvent
from .events import TransientMessage as TransientMessage
from .events import TypingIndicator as TypingIndicator
from .helpers import CometChatHelper as CometChatHelper
from .message_kinds import MEDIA_TYPES as MEDIA_TYPES
from .message_kinds import Action as Action
from .message_kinds import Call as Call
from .message_kinds import MediaMessage as MediaMessage
from .message_kinds import message_from_wire as message_from_wire
from .messages import BaseMessage as BaseMessage
from .messages import CustomMessage as CustomMessage
from .messages import TextMessage as TextMessage
from .reactions import Reaction as Reaction
from .reactions import ReactionCount as ReactionCount
from .users import Group as Group
from .users import GroupMember as GroupMember
from .users import User as User

__all__ = [
    "CATEGORY",
    "CONNECTION_STATUS",
    "GROUP_MEMBER_SCOPE",
    "GROUP_TYPE",
    "MEDIA_TYPES",
    "MESSAGE_TYPE",
    "REACTION_ACTION",
    "RECEIVER_TYPE",
    "Action",
    "Attachment",
    "BaseMessage",
    "Call",
    "CometChatHelper",
    "Conversation",
    "CustomMessage",
    "Group",
    "GroupMember",
    "MediaFile",
    "MediaMessage",
    "MessageReceipt",
    "Reaction",
    "ReactionCount",
    "ReactionEvent",
    "TextMessage",
    "TransientMessage",
    "TypingIndicator",
    "User",
    "media_file",
    "message_from_wire",
]
