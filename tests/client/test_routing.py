"""The routing table without a socket or a loop: every frame becomes callbacks a listener
(or, for the few sink-only events, the LiveFrame) can receive, with the arguments the
JS SDK passes; our own echoes become nothing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cometchat_nb.client.delivery import DeliveryLedger
from cometchat_nb.client.routing import (
    CONNECTION_CALLBACKS,
    GROUP_ACTIONS,
    MESSAGE_CALLBACKS,
    RECEIPT_CALLBACKS,
    SINK_ONLY_EVENTS,
    Router,
)
from cometchat_nb.listeners import LISTENERS
from cometchat_nb.models import Action, BaseMessage, Group, User, message_from_wire
from cometchat_nb.protocol import frames

from ..support.strategies import valid_frames
from ..support.wire import HIM, ME, text_body

OWN_DEVICE = "PY-this-client"
Emitted = tuple[str, str, tuple[Any, ...]]


def route(*items: frames.Frame) -> list[Emitted]:
    emitted: list[Emitted] = []
    router = Router(
        lambda kind, name, *args: emitted.append((kind, name, args)), DeliveryLedger(), OWN_DEVICE
    )
    for frame in items:
        router.on_frame(frame)
    return emitted


def receivable(kind: str, name: str) -> bool:
    return name in LISTENERS[kind].EVENTS or (kind, name) in SINK_ONLY_EVENTS


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_frames())
def test_every_emitted_event_is_one_a_listener_or_sink_can_receive(frame: frames.Frame) -> None:
    for kind, name, args in route(frame):
        assert receivable(kind, name), (kind, name)
        assert args, f"{name} has no argument"


def test_the_tables_name_only_receivable_events() -> None:
    for name in MESSAGE_CALLBACKS.values():
        assert receivable("message", name), name
    for name in RECEIPT_CALLBACKS.values():
        assert receivable("message", name), name
    for name in GROUP_ACTIONS.values():
        assert receivable("group", name), name
    for name in CONNECTION_CALLBACKS.values():
        assert receivable("connection", name), name
    for kind, name in SINK_ONLY_EVENTS:
        assert name not in LISTENERS[kind].EVENTS, f"{name} has a callback now: drop it from SINK_ONLY_EVENTS"


def action_frame(action: str, on: dict[str, Any], *, scopes: bool = False) -> frames.MessageFrame:
    data: dict[str, Any] = {
        "action": action,
        "entities": {
            "by": {"entity": ME, "entityType": "user"},
            "on": on,
            "for": {"entity": {"guid": "avengers", "name": "Avengers"}, "entityType": "group"},
        },
    }
    if scopes:
        data["extras"] = {"scope": {"old": "participant", "new": "moderator"}}
    body = text_body(
        category="action", type="groupMember", receiver="avengers", receiverType="group", data=data
    )
    return frames.MessageFrame(message=message_from_wire(body), device_id="server")


HIM_ENTITY = {"entity": HIM, "entityType": "user"}


@pytest.mark.parametrize(("verb", "callback"), sorted(GROUP_ACTIONS.items()))
def test_group_actions_reach_the_group_listener_with_the_js_arguments(verb: str, callback: str) -> None:
    [(kind, name, args)] = route(action_frame(verb, HIM_ENTITY, scopes=verb == "scopeChanged"))
    assert (kind, name) == ("group", callback)
    action = args[0]
    assert isinstance(action, Action) and isinstance(args[-1], Group) and args[-1].guid == "avengers"
    if callback in ("onGroupMemberJoined", "onGroupMemberLeft"):  # (action, user, group)
        assert len(args) == 3 and isinstance(args[1], User) and args[1].uid == ME["uid"]
    elif callback == "onGroupMemberScopeChanged":  # (action, user, newScope, oldScope, group)
        assert args[1:4] == (action.action_on, "moderator", "participant")
    else:  # (action, user, by, group)
        assert len(args) == 4 and args[1].uid == HIM["uid"] and args[2].uid == ME["uid"]


@pytest.mark.parametrize(
    ("verb", "callback"), [("edited", "onMessageEdited"), ("deleted", "onMessageDeleted")]
)
def test_an_edit_or_delete_delivers_the_message_it_is_about(verb: str, callback: str) -> None:
    target = text_body(id="7", text="fixed")
    [(kind, name, args)] = route(action_frame(verb, {"entity": target, "entityType": "message"}))
    assert (kind, name) == ("message", callback)
    assert isinstance(args[0], BaseMessage) and args[0].id == "7" and args[0].source == "live"


def test_an_unknown_action_is_a_sink_only_event() -> None:
    [(kind, name, _)] = route(action_frame("somethingNew", HIM_ENTITY))
    assert (kind, name) in SINK_ONLY_EVENTS


def test_our_own_echoes_are_dropped() -> None:
    user = User.from_wire(ME)
    own = [
        frames.MessageFrame(message=message_from_wire(text_body()), device_id=OWN_DEVICE),
        frames.TypingFrame(action="started", user=user, device_id=OWN_DEVICE, receiver="superhero2"),
        frames.TransientFrame(user=user, data={}, device_id=OWN_DEVICE, receiver="superhero2"),
    ]
    assert route(*own) == []
    others = [dataclasses.replace(f, device_id="other") for f in own]
    assert [name for _, name, _ in route(*others)] == [
        "onTextMessageReceived",
        "onTypingStarted",
        "onTransientMessageReceived",
    ]


def test_a_duplicate_message_is_delivered_once() -> None:
    frame = frames.MessageFrame(message=message_from_wire(text_body()), device_id="server")
    again = frames.MessageFrame(message=message_from_wire(text_body()), device_id="server")
    assert [name for _, name, _ in route(frame, again)] == ["onTextMessageReceived"]
