"""Listener objects: callbacks by docs name or snake_case, subclass methods, typos caught."""

from __future__ import annotations

from typing import Any

import pytest

from cometchat_nb.errors import InvalidArgumentError
from cometchat_nb.listeners import (
    ConnectionListener,
    GroupListener,
    Listener,
    LoginListener,
    MessageListener,
    UserListener,
    snake_case,
)

ALL = [ConnectionListener, MessageListener, UserListener, GroupListener, LoginListener]


def _noop(*args: Any) -> None:
    return None


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        ("onTextMessageReceived", "on_text_message_received"),
        ("inConnecting", "in_connecting"),
        ("onConnected", "on_connected"),
        ("loginSuccess", "login_success"),
        ("onMessagesReadByAll", "on_messages_read_by_all"),
        ("x", "x"),
    ],
)
def test_snake_case(name: str, snake: str) -> None:
    assert snake_case(name) == snake


@pytest.mark.parametrize("cls", ALL)
def test_every_event_in_either_spelling(cls: type[Listener]) -> None:
    assert cls.EVENTS
    for event in cls.EVENTS:
        camel = cls(**{event: _noop})
        snake = cls(**{snake_case(event): _noop})
        assert camel.callback(event) is _noop
        assert snake.callback(event) is _noop
        assert camel.handles(event) and snake.handles(event)
        others = [e for e in cls.EVENTS if e != event]
        assert not any(camel.handles(e) for e in others)


def test_connection_listener_docs_names() -> None:
    events = {"onConnected", "inConnecting", "onDisconnected", "onFeatureThrottled"}
    assert events <= set(ConnectionListener.EVENTS)
    fns = {name: (lambda n=name: n) for name in events}
    listener = ConnectionListener(**fns)
    for name in events:
        cb = listener.callback(name)
        assert cb is not None and cb() == name


def test_message_listener_mixed_spellings() -> None:
    got: list[str] = []
    listener = MessageListener(
        onTextMessageReceived=lambda m: got.append("text"),
        on_typing_started=lambda t: got.append("typing"),
    )
    text_cb = listener.callback("onTextMessageReceived")
    typing_cb = listener.callback("onTypingStarted")
    assert text_cb is not None and typing_cb is not None
    text_cb(None)
    typing_cb(None)
    assert got == ["text", "typing"]
    assert listener.callback("on_typing_started") is None  # look-ups use the docs name
    assert repr(listener) == "MessageListener(onTextMessageReceived, onTypingStarted)"


def test_none_callbacks_are_skipped() -> None:
    listener = UserListener(onUserOnline=None, on_user_offline=_noop)
    assert not listener.handles("onUserOnline")
    assert listener.handles("onUserOffline")


def test_empty_listener() -> None:
    listener = LoginListener()
    for event in LoginListener.EVENTS:
        assert listener.callback(event) is None
    assert repr(listener) == "LoginListener()"


def test_coroutine_functions_are_accepted() -> None:
    async def on_connected() -> None:
        return None

    assert ConnectionListener(onConnected=on_connected).callback("onConnected") is on_connected


@pytest.mark.parametrize(
    ("cls", "typo"),
    [
        (MessageListener, "onTextMessageRecieved"),
        (MessageListener, "on_text_message_recieved"),
        (ConnectionListener, "onConnect"),
        (ConnectionListener, "OnConnected"),
        (UserListener, "onUserOnline_"),
        (GroupListener, "onGroupMemberJoin"),
        (LoginListener, "callback"),
        (LoginListener, "EVENTS"),
    ],
)
def test_unknown_name_lists_the_valid_ones(cls: type[Listener], typo: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        cls(**{typo: _noop})
    e = info.value
    assert e.code == "ERR_INVALID_PARAMETER"
    assert repr(typo) in e.message
    assert cls.__name__ in e.message
    for event in cls.EVENTS:
        assert event in e.message
    assert "snake_case" in e.message


@pytest.mark.parametrize("value", [1, "onConnected", ["f"], {"a": 1}, True])
def test_non_callable_rejected(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"ConnectionListener\.onConnected must be callable"):
        ConnectionListener(onConnected=value)
    with pytest.raises(InvalidArgumentError, match=r"ConnectionListener\.on_connected must be callable"):
        ConnectionListener(on_connected=value)


class CamelMine(MessageListener):
    def onTextMessageReceived(self, message: Any) -> str:
        return "camel"


class SnakeMine(MessageListener):
    def on_text_message_received(self, message: Any) -> str:
        return "snake"

    def on_typing_ended(self, indicator: Any) -> str:
        return "ended"

    not_an_event = "ignored"


class BothMine(MessageListener):
    def onTextMessageReceived(self, message: Any) -> str:
        return "camel"

    def on_text_message_received(self, message: Any) -> str:
        return "snake"


def test_subclass_methods_in_camel_case() -> None:
    listener = CamelMine()
    cb = listener.callback("onTextMessageReceived")
    assert cb is not None and cb(None) == "camel"
    assert not listener.handles("onTypingStarted")


def test_subclass_methods_in_snake_case() -> None:
    listener = SnakeMine()
    text = listener.callback("onTextMessageReceived")
    ended = listener.callback("onTypingEnded")
    assert text is not None and text(None) == "snake"
    assert ended is not None and ended(None) == "ended"


def test_camel_case_method_wins_over_snake() -> None:
    cb = BothMine().callback("onTextMessageReceived")
    assert cb is not None and cb(None) == "camel"


def test_keyword_wins_over_subclass_method() -> None:
    listener = CamelMine(onTextMessageReceived=lambda m: "kw")
    cb = listener.callback("onTextMessageReceived")
    assert cb is not None and cb(None) == "kw"


def test_subclass_of_subclass_keeps_aliases() -> None:
    class Deeper(SnakeMine):
        pass

    listener = Deeper(on_typing_started=_noop)
    assert listener.handles("onTypingStarted") and listener.handles("onTextMessageReceived")


def test_extension_events() -> None:
    for name in ("onStateChange", "onCatchupStarted", "onCatchupFinished", "onGaveUp"):
        assert ConnectionListener(**{snake_case(name): _noop}).handles(name)


def test_group_listener_events() -> None:
    assert set(GroupListener.EVENTS) == {
        "onGroupMemberJoined",
        "onGroupMemberLeft",
        "onGroupMemberKicked",
        "onGroupMemberBanned",
        "onGroupMemberUnbanned",
        "onGroupMemberScopeChanged",
        "onMemberAddedToGroup",
    }
