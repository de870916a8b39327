"""Classes and constants reachable as ``CometChat.X``, as in the JS SDK."""

from __future__ import annotations

from typing import ClassVar

from ..client.requests import BlockedUsersRequest
from ..errors import CometChatException
from ..listeners import ConnectionListener, GroupListener, LoginListener, MessageListener, UserListener
from ..models import (
    CATEGORY,
    CONNECTION_STATUS,
    GROUP_MEMBER_SCOPE,
    GROUP_TYPE,
    MESSAGE_TYPE,
    REACTION_ACTION,
    RECEIVER_TYPE,
    Action,
    Attachment,
    BaseMessage,
    Call,
    CometChatHelper,
    Conversation,
    CustomMessage,
    Group,
    GroupMember,
    MediaMessage,
    MessageReceipt,
    Reaction,
    ReactionCount,
    ReactionEvent,
    TextMessage,
    TransientMessage,
    TypingIndicator,
    User,
)
from ..models.constants import SORT_BY, SORT_ORDER, USER_STATUS
from ..protocol.states import ConnectionState, ConnectionStateChange
from ..settings import AppSettings, AppSettingsBuilder
from .requests import (
    BannedMembersRequestBuilder,
    BlockedUsersRequestBuilder,
    ConversationsRequestBuilder,
    GroupMembersRequestBuilder,
    GroupsRequestBuilder,
    MessagesRequestBuilder,
    ReactionsRequestBuilder,
    UsersRequestBuilder,
)

__all__ = ["Namespace"]


class Namespace:
    """``CometChat.TextMessage``, ``CometChat.RECEIVER_TYPE.USER`` … (a feature adds its classes here)."""

    AppSettings = AppSettings
    AppSettingsBuilder = AppSettingsBuilder
    BaseMessage = BaseMessage
    TextMessage = TextMessage
    CustomMessage = CustomMessage
    MediaMessage = MediaMessage
    Action = Action
    Call = Call
    User = User
    Group = Group
    GroupMember = GroupMember
    TypingIndicator = TypingIndicator
    MessageReceipt = MessageReceipt
    TransientMessage = TransientMessage
    MessageListener = MessageListener
    ConnectionListener = ConnectionListener
    UserListener = UserListener
    GroupListener = GroupListener
    LoginListener = LoginListener
    CometChatException = CometChatException
    MessagesRequestBuilder = MessagesRequestBuilder
    UsersRequestBuilder = UsersRequestBuilder
    GroupsRequestBuilder = GroupsRequestBuilder
    GroupMembersRequestBuilder = GroupMembersRequestBuilder
    BannedMembersRequestBuilder = BannedMembersRequestBuilder
    BlockedUsersRequestBuilder = BlockedUsersRequestBuilder
    BlockedUsersRequest = BlockedUsersRequest  # for BlockedUsersRequest.directions
    USER_STATUS = USER_STATUS
    SORT_BY = SORT_BY
    SORT_ORDER = SORT_ORDER
    Conversation = Conversation
    ConversationsRequestBuilder = ConversationsRequestBuilder
    ConnectionState = ConnectionState
    ConnectionStateChange = ConnectionStateChange
    RECEIVER_TYPE = RECEIVER_TYPE
    MESSAGE_TYPE = MESSAGE_TYPE
    GROUP_TYPE = GROUP_TYPE
    GROUP_MEMBER_SCOPE = GROUP_MEMBER_SCOPE
    CONNECTION_STATUS = CONNECTION_STATUS
    CATEGORY_MESSAGE: ClassVar[str] = CATEGORY.MESSAGE
    CATEGORY_CUSTOM: ClassVar[str] = CATEGORY.CUSTOM
    CATEGORY_ACTION: ClassVar[str] = CATEGORY.ACTION
    CATEGORY_CALL: ClassVar[str] = CATEGORY.CALL
    # message features (issue 14)
    Reaction = Reaction
    ReactionCount = ReactionCount
    ReactionEvent = ReactionEvent
    ReactionsRequestBuilder = ReactionsRequestBuilder
    REACTION_ACTION = REACTION_ACTION
    Attachment = Attachment
    CometChatHelper = CometChatHelper
