"""Connection states: the transition table, status mapping and the change event."""

from __future__ import annotations

import itertools

import pytest

from cometchat_nb.errors import StateError
from cometchat_nb.protocol.states import (
    COMETCHAT_STATUS,
    TRANSITIONS,
    ConnectionState,
    ConnectionStateChange,
    check_transition,
)

ALL_PAIRS = list(itertools.product(ConnectionState, ConnectionState))
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(ConnectionState)
    for targets in TRANSITIONS.values():
        assert targets <= set(ConnectionState)


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_transitions(current: ConnectionState, new: ConnectionState) -> None:
    check_transition(current, new)


@pytest.mark.parametrize(("current", "new"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_forbidden_transitions_name_both_states(current: ConnectionState, new: ConnectionState) -> None:
    with pytest.raises(StateError) as info:
        check_transition(current, new)
    assert info.value.code == "ERR_INVALID_STATE_TRANSITION"
    assert f"'{current.value}'" in info.value.message
    assert f"'{new.value}'" in info.value.message
    assert info.value.message == f"Cannot move the connection from {current.value!r} to {new.value!r}."


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (ConnectionState.INITIALIZED, ConnectionState.CONNECTING),
        (ConnectionState.CONNECTING, ConnectionState.CONNECTED),
        (ConnectionState.CONNECTED, ConnectionState.DISCONNECTED),
        (ConnectionState.DISCONNECTED, ConnectionState.CONNECTING),
        (ConnectionState.DISCONNECTED, ConnectionState.SUSPENDED),
        (ConnectionState.SUSPENDED, ConnectionState.CONNECTING),
        (ConnectionState.CONNECTED, ConnectionState.CLOSING),
        (ConnectionState.CLOSING, ConnectionState.CLOSED),
        (ConnectionState.CLOSED, ConnectionState.CONNECTING),
        (ConnectionState.CONNECTING, ConnectionState.FAILED),
        (ConnectionState.FAILED, ConnectionState.CONNECTING),
    ],
)
def test_documented_life_cycle_is_allowed(current: ConnectionState, new: ConnectionState) -> None:
    assert new in TRANSITIONS[current]


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (ConnectionState.INITIALIZED, ConnectionState.CONNECTED),  # must connect first
        (ConnectionState.DISCONNECTED, ConnectionState.CONNECTED),  # must go through CONNECTING
        (ConnectionState.CLOSED, ConnectionState.CONNECTED),
        (ConnectionState.CLOSING, ConnectionState.CONNECTING),
        (ConnectionState.CONNECTED, ConnectionState.CONNECTED),
        (ConnectionState.CLOSED, ConnectionState.FAILED),
    ],
)
def test_some_forbidden_transitions(current: ConnectionState, new: ConnectionState) -> None:
    assert (current, new) in FORBIDDEN


def test_closed_and_connecting_are_reachable_from_every_state() -> None:
    for state in ConnectionState:
        reachable = TRANSITIONS[state] | {t for s in TRANSITIONS[state] for t in TRANSITIONS[s]}
        assert ConnectionState.CLOSED in reachable or state is ConnectionState.CLOSED
        assert ConnectionState.CONNECTING in reachable  # connect() always works eventually


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ConnectionState.INITIALIZED, "disconnected"),
        (ConnectionState.CONNECTING, "connecting"),
        (ConnectionState.CONNECTED, "connected"),
        (ConnectionState.DISCONNECTED, "disconnected"),
        (ConnectionState.SUSPENDED, "disconnected"),
        (ConnectionState.CLOSING, "disconnected"),
        (ConnectionState.CLOSED, "disconnected"),
        (ConnectionState.FAILED, "disconnected"),
    ],
)
def test_cometchat_status(state: ConnectionState, status: str) -> None:
    assert state.cometchat_status == status == COMETCHAT_STATUS[state]


def test_status_mapping_is_total_and_uses_js_values() -> None:
    assert set(COMETCHAT_STATUS) == set(ConnectionState)
    assert set(COMETCHAT_STATUS.values()) <= {"connecting", "connected", "disconnected"}


def test_state_str_is_its_value() -> None:
    assert str(ConnectionState.CONNECTED) == "connected"
    assert ConnectionState("suspended") is ConnectionState.SUSPENDED


def test_state_change_str_full() -> None:
    change = ConnectionStateChange(
        previous=ConnectionState.CONNECTED,
        current=ConnectionState.DISCONNECTED,
        reason_code="1006",
        reason="connection lost",
        attempt=3,
        retry_in=1.23456,
        at=1795889915.0,
    )
    assert (
        str(change) == "connected → disconnected reason='connection lost' code=1006 attempt=3 retry_in=1.23s"
    )
    assert not change.is_update


def test_state_change_str_minimal() -> None:
    change = ConnectionStateChange(previous=ConnectionState.INITIALIZED, current=ConnectionState.CONNECTING)
    assert str(change) == "initialized → connecting"
    assert change.attempt == 0 and change.retry_in is None and change.at == 0.0


def test_state_change_retry_in_zero_is_shown() -> None:
    change = ConnectionStateChange(
        previous=ConnectionState.DISCONNECTED, current=ConnectionState.DISCONNECTED, retry_in=0.0
    )
    assert str(change).endswith("retry_in=0.00s")


@pytest.mark.parametrize("state", list(ConnectionState))
def test_is_update_when_state_unchanged(state: ConnectionState) -> None:
    assert ConnectionStateChange(previous=state, current=state).is_update


def test_state_change_is_frozen_and_comparable() -> None:
    a = ConnectionStateChange(
        previous=ConnectionState.CONNECTING, current=ConnectionState.CONNECTED, attempt=1
    )
    b = ConnectionStateChange(
        previous=ConnectionState.CONNECTING, current=ConnectionState.CONNECTED, attempt=1
    )
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.attempt = 2  # type: ignore[misc]
