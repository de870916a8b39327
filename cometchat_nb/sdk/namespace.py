"""Classes and constants reachable as ``CometChat.X``, as in the JS SDK."""

from __future__ import annotations

from typing import ClassVar

from ..errors import CometChatException
from ..listeners import ConnectionListener, GroupListener, LoginListener, MessageListener, UserListener
from ..models import (
    CATEGORY,
    CONNECTION_STATUS,
    GROUP_MEMBER_SCOPE,
    GROUP_TYPE,
    MESSAGE_TYPE,
    RECEIVER_TYPE,
    Action,
    BaseMessage,
    Call,
    Conversation,
    CustomMessage,
    Group,
    GroupMember,
    MediaMessage,
    MessageReceipt,
    TextMessage,
    TransientMessage,
    TypingIndicator,
    User,
)
from ..protocol.states import ConnectionState, ConnectionStateChange
from ..settings import AppSettings, AppSettingsBuilder
from .requests import (
    ConversationsRequestBuilder,
    GroupMembersRequestBuilder,
    GroupsRequestBuilder,
    MessagesRequestBuilder,
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
