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

S = ConnectionState
ALL_PAIRS = list(itertools.product(S, S))
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(S)
    for targets in TRANSITIONS.values():
        assert targets <= set(S)


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
        (S.INITIALIZED, S.CONNECTING),
        (S.CONNECTING, S.CONNECTED),
        (S.CONNECTED, S.DISCONNECTED),
        (S.DISCONNECTED, S.CONNECTING),
        (S.DISCONNECTED, S.SUSPENDED),
        (S.SUSPENDED, S.CONNECTING),
        (S.CONNECTED, S.CLOSING),
        (S.CLOSING, S.CLOSED),
        (S.CLOSED, S.CONNECTING),
        (S.CONNECTING, S.FAILED),
        (S.FAILED, S.CONNECTING),
    ],
)
def test_documented_life_cycle_is_allowed(current: ConnectionState, new: ConnectionState) -> None:
    assert new in TRANSITIONS[current]


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.INITIALIZED, S.CONNECTED),  # must connect first
        (S.DISCONNECTED, S.CONNECTED),  # must go through CONNECTING
        (S.CLOSED, S.CONNECTED),
        (S.CLOSING, S.CONNECTING),
        (S.CONNECTED, S.CONNECTED),
        (S.CLOSED, S.FAILED),
    ],
)
def test_some_forbidden_transitions(current: ConnectionState, new: ConnectionState) -> None:
    assert (current, new) in FORBIDDEN


def test_closed_and_connecting_are_reachable_from_every_state() -> None:
    for state in S:
        reachable = TRANSITIONS[state] | {t for s in TRANSITIONS[state] for t in TRANSITIONS[s]}
        assert S.CLOSED in reachable or state is S.CLOSED
        assert S.CONNECTING in reachable  # connect() always works eventually


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.INITIALIZED, "disconnected"),
        (S.CONNECTING, "connecting"),
        (S.CONNECTED, "connected"),
        (S.DISCONNECTED, "disconnected"),
        (S.SUSPENDED, "disconnected"),
        (S.CLOSING, "disconnected"),
        (S.CLOSED, "disconnected"),
        (S.FAILED, "disconnected"),
    ],
)
def test_cometchat_status(state: ConnectionState, status: str) -> None:
    assert state.cometchat_status == status == COMETCHAT_STATUS[state]


def test_status_mapping_is_total_and_uses_js_values() -> None:
    assert set(COMETCHAT_STATUS) == set(S)
    assert set(COMETCHAT_STATUS.values()) <= {"connecting", "connected", "disconnected"}


def test_state_str_is_its_value() -> None:
    assert str(S.CONNECTED) == "connected"
    assert S("suspended") is S.SUSPENDED


def test_state_change_str_full() -> None:
    change = ConnectionStateChange(
        previous=S.CONNECTED,
        current=S.DISCONNECTED,
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
    change = ConnectionStateChange(previous=S.INITIALIZED, current=S.CONNECTING)
    assert str(change) == "initialized → connecting"
    assert change.attempt == 0 and change.retry_in is None and change.at == 0.0


def test_state_change_retry_in_zero_is_shown() -> None:
    change = ConnectionStateChange(previous=S.DISCONNECTED, current=S.DISCONNECTED, retry_in=0.0)
    assert str(change).endswith("retry_in=0.00s")


@pytest.mark.parametrize("state", list(S))
def test_is_update_when_state_unchanged(state: ConnectionState) -> None:
    assert ConnectionStateChange(previous=state, current=state).is_update


def test_state_change_is_frozen_and_comparable() -> None:
    a = ConnectionStateChange(previous=S.CONNECTING, current=S.CONNECTED, attempt=1)
    b = ConnectionStateChange(previous=S.CONNECTING, current=S.CONNECTED, attempt=1)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.attempt = 2  # type: ignore[misc]
