"""Reconnect policy: full-jitter backoff and what is retryable."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cometchat_nb.errors import AUTH_ERROR_CODES, ErrorCode
from cometchat_nb.protocol.frames import CloseCode
from cometchat_nb.protocol.retry import BackoffPolicy, full_jitter, is_retryable_close, is_retryable_code
from cometchat_nb.settings import AppSettings


def _ceiling(attempt: int, min_delay: float, max_delay: float, factor: float) -> float:
    return min(max_delay, min_delay + min(max_delay, min_delay * factor ** (attempt - 1)))


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 10, 63, 64, 1000])
def test_rand_zero_gives_min_delay(attempt: int) -> None:
    assert full_jitter(attempt, min_delay=0.5, max_delay=20.0, rand=lambda: 0.0) == 0.5


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(1, 1.0), (2, 1.5), (3, 2.5), (4, 4.5), (5, 8.5), (6, 16.5), (7, 20.0), (50, 20.0), (10_000, 20.0)],
)
def test_rand_one_gives_the_ceiling(attempt: int, expected: float) -> None:
    d = full_jitter(attempt, min_delay=0.5, max_delay=20.0, factor=2.0, rand=lambda: 1.0)
    assert d == pytest.approx(expected)
    assert d == pytest.approx(
        min(20.0, 0.5 + min(20.0, 0.5 * 2.0 ** (attempt - 1))) if attempt < 64 else 20.0
    )


def test_rand_half() -> None:
    assert full_jitter(3, min_delay=1.0, max_delay=100.0, factor=3.0, rand=lambda: 0.5) == pytest.approx(
        1.0 + 4.5
    )


@pytest.mark.parametrize("attempt", [1, 2, 10, 100])
def test_zero_delays_give_zero(attempt: int) -> None:
    assert full_jitter(attempt, min_delay=0.0, max_delay=0.0) == 0.0
    zero = dataclasses.replace(BackoffPolicy.from_settings(AppSettings()), min_delay=0.0, max_delay=0.0)
    assert zero.delay(attempt) == 0.0


def test_zero_max_delay_wins_over_min_delay() -> None:
    assert full_jitter(1, min_delay=5.0, max_delay=0.0, rand=lambda: 1.0) == 0.0


def test_max_delay_caps_a_large_min_delay() -> None:
    assert full_jitter(1, min_delay=30.0, max_delay=20.0, rand=lambda: 0.0) == 20.0


@pytest.mark.parametrize("attempt", [0, -1, -100])
def test_attempt_is_one_based(attempt: int) -> None:
    with pytest.raises(ValueError, match="1-based"):
        full_jitter(attempt)


@pytest.mark.parametrize("factor", [1e9, 1e300, float("inf")])
def test_huge_factor_does_not_overflow(factor: float) -> None:
    for attempt in (1, 2, 40, 63, 100):
        d = full_jitter(attempt, min_delay=0.5, max_delay=20.0, factor=factor, rand=lambda: 1.0)
        assert 0.5 <= d <= 20.0


def test_factor_one_is_constant() -> None:
    delays = {
        full_jitter(a, min_delay=2.0, max_delay=10.0, factor=1.0, rand=lambda: 1.0) for a in range(1, 50)
    }
    assert delays == {4.0}


@settings(max_examples=300, deadline=None)
@given(
    attempt=st.integers(min_value=1, max_value=10_000),
    min_delay=st.floats(min_value=0.0, max_value=60.0),
    max_delay=st.floats(min_value=0.0, max_value=600.0),
    factor=st.floats(min_value=1.0, max_value=1e6),
    u=st.floats(min_value=0.0, max_value=1.0),
)
def test_bounds(attempt: int, min_delay: float, max_delay: float, factor: float, u: float) -> None:
    d = full_jitter(attempt, min_delay=min_delay, max_delay=max_delay, factor=factor, rand=lambda: u)
    if max_delay <= 0:
        assert d == 0.0
    else:
        assert min(min_delay, max_delay) <= d <= max_delay
    # the upper bound never shrinks as attempts grow
    if max_delay > 0:
        hi_now = full_jitter(
            attempt, min_delay=min_delay, max_delay=max_delay, factor=factor, rand=lambda: 1.0
        )
        hi_next = full_jitter(
            attempt + 1, min_delay=min_delay, max_delay=max_delay, factor=factor, rand=lambda: 1.0
        )
        assert hi_next >= hi_now


def test_default_random_source_stays_in_bounds() -> None:
    for attempt in range(1, 30):
        d = full_jitter(attempt)
        assert 0.5 <= d <= 20.0


def test_seeded_random_is_deterministic() -> None:
    a = [full_jitter(n, rand=random.Random(7).random) for n in range(1, 10)]
    b = [full_jitter(n, rand=random.Random(7).random) for n in range(1, 10)]
    assert a == b


def test_backoff_policy_defaults_and_delay() -> None:
    p = BackoffPolicy.from_settings(AppSettings())  # the defaults live on AppSettings
    assert (p.min_delay, p.max_delay, p.factor) == (0.5, 20.0, 2.0)
    assert (p.suspend_after, p.suspended_retry, p.max_attempts) == (120.0, 30.0, None)
    assert p.delay(1, rand=lambda: 0.0) == 0.5
    assert p.delay(3, rand=lambda: 1.0) == pytest.approx(2.5)
    custom = dataclasses.replace(p, min_delay=1.0, max_delay=3.0, factor=10.0)
    assert custom.delay(5, rand=lambda: 1.0) == 3.0


@pytest.mark.parametrize(("code", "retry"), [(4001, False), (4003, False)])
def test_terminal_close_codes(code: int, retry: bool) -> None:
    assert is_retryable_close(code) is retry
    assert code in CloseCode.TERMINAL


@pytest.mark.parametrize("code", [None, 1000, 1001, 1005, 1006, 1008, 1009, 1011, 1012, 4000, 4002, 4999])
def test_retryable_close_codes(code: int | None) -> None:
    assert is_retryable_close(code)


@pytest.mark.parametrize("code", sorted(AUTH_ERROR_CODES))
def test_auth_codes_are_not_retried(code: str) -> None:
    assert not is_retryable_code(code)


@pytest.mark.parametrize(
    "code",
    [
        None,
        "",
        ErrorCode.FAILED_TO_FETCH,
        ErrorCode.TIMEOUT,
        ErrorCode.INTERNAL,
        "ERR_SERVICE_UNAVAILABLE",
        "X",
    ],
)
def test_other_codes_are_retried(code: str | None) -> None:
    assert is_retryable_code(code)


def test_ws_auth_fail_is_terminal() -> None:
    assert not is_retryable_code(ErrorCode.WS_AUTH_FAIL)
    assert not is_retryable_code(ErrorCode.AUTH_TOKEN_NOT_FOUND)
