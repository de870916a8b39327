"""Messages over REST: send, edit, delete, fetch one, and history requests."""

from __future__ import annotations

from typing import Any

from ...errors import ErrorCode, InvalidArgumentError
from ...models import Action, BaseMessage, CustomMessage, MediaMessage, message_from_wire
from ...protocol.rest import Multipart
from ..requests import MessagesRequestBuilder
from .base import ApiBase

__all__ = ["MessagesApi", "action_target"]


def action_target(data: Any) -> BaseMessage:
    """The message an edit/delete answer is about.

    ``PUT``/``DELETE messages/{id}`` answer the ``edited``/``deleted`` action
    message; like the JS SDK (``getActionOn()``) return the message it acts
    on. A bare message (an older server) is returned as is.
    """
    msg = message_from_wire(data, source="sent")
    if isinstance(msg, Action) and isinstance(msg.action_on, BaseMessage):
        return msg.action_on
    return msg


class MessagesApi(ApiBase):
    """``sendMessage``, ``editMessage``, ``deleteMessage``, ``getMessageDetails``, history."""

    async def send_message(self, message: BaseMessage) -> BaseMessage:
        """Send a message over REST (works whether or not the socket is up).

        Returns the message as the server stored it (with ``id``, ``sentAt``
        and ``sender``). It is not delivered back to this client's listeners.
        A message with a ``parent_message_id`` is a reply, posted to
        ``messages/{parent}/thread``; a :class:`MediaMessage` with files is
        uploaded as ``multipart/form-data`` (see ``send_media_message``).
        """
        self._bind()
        if not isinstance(message, BaseMessage):
            raise InvalidArgumentError(f"sendMessage expects a message object, got {type(message).__name__}")
        if not message.receiver_id:
            raise InvalidArgumentError("the message has no receiver id", code=ErrorCode.MISSING_PARAMETERS)
        body: Any = message.to_wire()
        if isinstance(message, MediaMessage) and message.files:
            fields, files = message.to_form()
            body = Multipart(tuple(fields), tuple(("files[]", f.name, f.content, f.mime_type) for f in files))
        if message.parent_message_id:
            # a reply goes to its parent's thread, as the JS SDK posts it (sendMessageInThread)
            path = {"messageId": str(message.parent_message_id)}
            data, _ = await self.rest_call("sendMessageInThread", path=path, body=body)
        else:
            data, _ = await self.rest_call("sendMessage", body=body)
        sent = message_from_wire(data, source="sent")
        sent._set_reader(self.uid)
        if sent.id is not None:
            self._ledger.remember(sent.id)  # its live echo and a catch-up page skip it
        return sent

    async def send_custom_message(self, message: CustomMessage) -> BaseMessage:
        """Send a :class:`CustomMessage` (``CometChat.sendCustomMessage``)."""
        if not isinstance(message, CustomMessage):
            raise InvalidArgumentError("sendCustomMessage expects a CustomMessage")
        return await self.send_message(message)

    async def edit_message(self, message: BaseMessage) -> BaseMessage:
        """Edit a message you sent (text, custom data, metadata); returns the edited message."""
        self._bind()
        if not message.id:
            raise InvalidArgumentError(
                "editMessage needs a message with an id", code=ErrorCode.MISSING_PARAMETERS
            )
        data, _ = await self.rest_call(
            "updateMessage", path={"messageId": message.id}, body=message.to_wire()
        )
        return action_target(data)

    async def delete_message(self, message_id: str | int) -> BaseMessage:
        """Delete a message you sent; returns it with ``deletedAt`` set."""
        self._bind()
        data, _ = await self.rest_call("deleteMessage", path={"messageId": str(message_id)})
        return action_target(data)

    async def get_message(self, message_id: str | int) -> BaseMessage:
        """One message by id (if you can read it)."""
        self._bind()
        data, _ = await self.rest_call("getMessage", path={"messageId": str(message_id)})
        message = message_from_wire(data, source="history")
        message._set_reader(self.uid)
        return message

    def messages_request(self) -> MessagesRequestBuilder:
        """A ``MessagesRequestBuilder`` bound to this client."""
        return MessagesRequestBuilder(self.rest_call)

    # camelCase aliases -------------------------------------------------------------
    sendMessage = send_message
    sendCustomMessage = send_custom_message
    editMessage = edit_message
    deleteMessage = delete_message
    getMessageDetails = get_message
