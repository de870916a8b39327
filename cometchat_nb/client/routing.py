"""The routing table: which listener callback each incoming frame becomes, sans I/O.

:class:`Router` turns every decoded frame (:mod:`cometchat_nb.protocol.frames`)
into zero or more calls ``emit(kind, name, *args)`` — ``kind`` is a listener
kind (``"message"``, ``"group"`` …) and ``name`` one of that listener's
``EVENTS``, or one of the few :data:`SINK_ONLY_EVENTS` that only event sinks
receive (``tests/client/test_routing.py`` checks every name it can emit).
It runs on the socket reader for every frame, so it routes and returns: no
user code, no waiting (the client's dispatcher queues the events).

* ``message`` frames: our own echoes (``deviceId`` is ours) are dropped;
  the :class:`~cometchat_nb.client.delivery.DeliveryLedger` holds them while
  a catch-up runs and drops duplicates; the message's class picks the
  callback (:data:`MESSAGE_CALLBACKS`), an action its group or edit/delete
  callback (:data:`GROUP_ACTIONS`).
* every other frame kind has a route in :data:`FRAME_ROUTES`: a function
  ``route(router, frame)``. A feature that brings a new frame type adds its
  function and one line in that table (and its callback names to a listener's
  ``EVENTS``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Final

from ..errors import CometChatException
from ..models import Action, BaseMessage, Call, CustomMessage, Group, MediaMessage, TextMessage
from ..protocol.frames import (
    ErrorFrame,
    Frame,
    MessageFrame,
    PresenceFrame,
    ReactionFrame,
    ReceiptFrame,
    TransientFrame,
    TypingFrame,
)
from .delivery import DeliveryLedger
from .wire import TextFrame

__all__ = [
    "CONNECTION_CALLBACKS",
    "FRAME_ROUTES",
    "GROUP_ACTIONS",
    "MESSAGE_CALLBACKS",
    "RECEIPT_CALLBACKS",
    "SINK_ONLY_EVENTS",
    "Emit",
    "Router",
]

log = logging.getLogger(__name__)

#: ``emit(kind, name, *args)``: hands one event to the listeners (the dispatcher's ``emit``).
Emit = Callable[..., None]

#: ``(kind, name)`` of the events emitted for event sinks only (the notebook's LiveFrame
#: records them): the JS SDK has no listener callback for them, so neither do our listeners.
SINK_ONLY_EVENTS: Final = frozenset(
    {
        ("connection", "onServerError"),  # the server refused a frame we sent
        ("message", "onCallMessageReceived"),  # a call message (calling is out of scope)
        ("message", "onMessageReceived"),  # a message of a category without a class
        ("group", "onActionMessage"),  # an action that is neither a member action nor an edit
    }
)
#: CometChat's connection status → the ConnectionListener callback announcing it.
CONNECTION_CALLBACKS: Final = {
    "connecting": "inConnecting",
    "connected": "onConnected",
    "disconnected": "onDisconnected",
}
#: A message's class → its MessageListener callback (other classes: see :meth:`Router.route_message`).
MESSAGE_CALLBACKS: Final[dict[type[BaseMessage], str]] = {
    TextMessage: "onTextMessageReceived",
    CustomMessage: "onCustomMessageReceived",
    MediaMessage: "onMediaMessageReceived",
    Call: "onCallMessageReceived",
}
#: A receipt's type → its MessageListener callback.
RECEIPT_CALLBACKS: Final = {
    "delivery": "onMessagesDelivered",
    "read": "onMessagesRead",
    "deliveredToAll": "onMessagesDeliveredToAll",
    "readByAll": "onMessagesReadByAll",
}
#: A group action's verb → its GroupListener callback.
GROUP_ACTIONS: Final = {
    "joined": "onGroupMemberJoined",
    "left": "onGroupMemberLeft",
    "kicked": "onGroupMemberKicked",
    "banned": "onGroupMemberBanned",
    "unbanned": "onGroupMemberUnbanned",
    "scopeChanged": "onGroupMemberScopeChanged",
    "added": "onMemberAddedToGroup",
    "invited": "onGroupMemberJoined",
}


class Router:
    """Frames in, ``emit(kind, name, *args)`` out (see the module docstring).

    ``own_device``: this client's ``deviceId`` (its resource); frames that
    carry it are our own echoes. ``echoes_dropped`` counts them.
    """

    __slots__ = ("_ledger", "echoes_dropped", "emit", "emit_text", "own_device", "reader")

    def __init__(
        self,
        emit: Emit,
        ledger: DeliveryLedger,
        own_device: str,
        emit_text: Callable[[TextMessage], None] | None = None,
    ) -> None:
        self.emit = emit
        #: ``emit("message", "onTextMessageReceived", message)``, or a faster equivalent
        #: (the dispatcher's ``emit_text``)
        self.emit_text: Callable[[TextMessage], None] = (
            emit_text
            if emit_text is not None
            else functools.partial(emit, "message", "onTextMessageReceived")
        )
        self._ledger = ledger
        self.own_device = own_device
        self.echoes_dropped = 0
        #: the logged-in uid: each routed message's reader (``hasMentionedMe()``)
        self.reader: str | None = None

    def on_frame(self, frame: Frame | TextFrame) -> None:
        """Route one frame from the socket (the reader's callback)."""
        # `type(x) is C`, not isinstance(): an identity test, and messages are most frames
        cls = type(frame)
        if cls is TextFrame or cls is MessageFrame:
            assert isinstance(frame, (TextFrame, MessageFrame))
            if frame.device_id == self.own_device:
                self.echoes_dropped += 1
                return
            ledger = self._ledger
            message = frame.message
            if ledger.catching_up:
                ledger.held.append(message)
            elif ledger.accept(message.id):
                if type(message) is TextMessage:  # route_message() inlined for most messages
                    message._reader = self.reader
                    self.emit_text(message)
                else:
                    self.route_message(message)
            return
        route = FRAME_ROUTES.get(type(frame))
        if route is not None:
            route(self, frame)

    def deliver(self, message: BaseMessage, advance: bool = True) -> bool:
        """Hand ``message`` to the listeners unless the ledger has seen it; True if delivered.

        ``advance``: see :meth:`DeliveryLedger.accept` (catch-up passes False).
        """
        if not self._ledger.accept(message.id, advance):
            return False
        self.route_message(message)
        return True

    def route_message(self, message: BaseMessage) -> None:
        """Emit the callback for ``message`` (no ledger check: see :meth:`deliver`)."""
        message._reader = self.reader
        cls = type(message)
        if cls is TextMessage:  # most messages: no table lookup
            assert isinstance(message, TextMessage)
            self.emit_text(message)
            return
        name = MESSAGE_CALLBACKS.get(cls)
        if name is not None:
            self.emit("message", name, message)
        elif cls is Action:
            assert isinstance(message, Action)
            self.route_action(message)
        elif message.category == "interactive":
            self.emit("message", "onInteractiveMessageReceived", message)
        else:
            self.emit("message", "onMessageReceived", message)

    def route_action(self, action: Action) -> None:
        """An action message: an edit/delete, a group member action, or ``onActionMessage``."""
        emit = self.emit
        target = action.action_on
        if action.action in ("edited", "deleted") and isinstance(target, BaseMessage):
            target.source = action.source
            emit("message", "onMessageEdited" if action.action == "edited" else "onMessageDeleted", target)
            return
        name = GROUP_ACTIONS.get(action.action)
        if name is None:
            emit("group", "onActionMessage", action)
            return
        group = action.action_for if isinstance(action.action_for, Group) else action.action_on
        if name in ("onGroupMemberJoined", "onGroupMemberLeft"):
            emit("group", name, action, action.action_by, group)
        elif name == "onGroupMemberScopeChanged":
            emit("group", name, action, action.action_on, action.new_scope, action.old_scope, group)
        else:  # kicked / banned / unbanned / added: (action, user, by, group)
            emit("group", name, action, action.action_on, action.action_by, group)


# -- the other frame kinds ------------------------------------------------------------


def _typing(router: Router, frame: TypingFrame) -> None:
    if frame.device_id != router.own_device:
        name = "onTypingStarted" if frame.action == "started" else "onTypingEnded"
        router.emit("message", name, frame.indicator)


def _receipt(router: Router, frame: ReceiptFrame) -> None:
    name = RECEIPT_CALLBACKS.get(frame.receipt_type, "onMessagesDelivered")
    router.emit("message", name, frame.receipt)


def _presence(router: Router, frame: PresenceFrame) -> None:
    router.emit("user", "onUserOnline" if frame.online else "onUserOffline", frame.user)


def _transient(router: Router, frame: TransientFrame) -> None:
    if frame.device_id != router.own_device:
        router.emit("message", "onTransientMessageReceived", frame.transient)


def _reaction(router: Router, frame: ReactionFrame) -> None:
    # our own reaction's echo: the JS SDK drops every frame carrying its own deviceId
    if frame.device_id == router.own_device:
        return
    added = "removed" not in frame.event.action
    router.emit("message", "onMessageReactionAdded" if added else "onMessageReactionRemoved", frame.event)


def _error(router: Router, frame: ErrorFrame) -> None:
    log.warning("the server refused a frame: [%s] %s", frame.code, frame.message)
    router.emit("connection", "onServerError", CometChatException(frame.message, code=frame.code))


#: Frame type → its route (``message`` frames are routed by :meth:`Router.on_frame` itself;
#: pongs never reach the router; auth and unknown frames have no route).
FRAME_ROUTES: Final[dict[type[Any], Callable[[Router, Any], None]]] = {
    TypingFrame: _typing,
    ReceiptFrame: _receipt,
    PresenceFrame: _presence,
    TransientFrame: _transient,
    ReactionFrame: _reaction,
    ErrorFrame: _error,
}
