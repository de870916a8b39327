"""Reconnect policy as pure functions (sans-I/O; no clock, no global random).

The supervisor asks two questions after a connection attempt fails or a
live socket drops: *may I retry?* (:func:`is_retryable_code`) and *after how
long?* (:func:`full_jitter`). Both are plain functions so tests inject zero
delays or a seeded random source and get deterministic sequences.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import AUTH_ERROR_CODES
from ..settings import DEFAULTS, AppSettings
from .frames import CloseCode

__all__ = ["BackoffPolicy", "full_jitter", "is_retryable_close", "is_retryable_code"]


def full_jitter(
    attempt: int,
    *,
    min_delay: float = DEFAULTS.reconnect_min_delay,
    max_delay: float = DEFAULTS.reconnect_max_delay,
    factor: float = DEFAULTS.reconnect_factor,
    rand: Callable[[], float] = random.random,
) -> float:
    """Delay before retry number ``attempt`` (1-based), "full jitter" style.

    ``min_delay + U(0, min(max_delay, min_delay * factor**(attempt-1)))``,
    capped at ``max_delay``. With ``min_delay == max_delay == 0`` it is 0.
    """
    if attempt < 1:
        raise ValueError("attempt is 1-based")
    if max_delay <= 0:
        return 0.0
    step = min(attempt - 1, 62)  # keep the power finite
    try:
        growth = min_delay * factor**step
    except OverflowError:  # float ** raises instead of giving inf (factor=1e9, step=62)
        growth = max_delay
    ceiling = min(max_delay, growth)
    return min(max_delay, min_delay + rand() * ceiling)


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Parameters of :func:`full_jitter`, plus the long-term (suspended) tier.

    After ``suspend_after`` seconds without a successful connection the
    client moves to SUSPENDED and retries every ``suspended_retry`` seconds.
    ``max_attempts=None`` retries forever; otherwise the client gives up
    (state FAILED, code ``ERR_RECONNECT_GAVE_UP``) after that many attempts.

    Every field is required: the defaults live on
    :class:`~cometchat_nb.settings.AppSettings` (``reconnect_*``,
    ``suspend_after`` …), and :meth:`from_settings` is the one mapping.
    """

    min_delay: float
    max_delay: float
    factor: float
    suspend_after: float
    suspended_retry: float
    max_attempts: int | None

    @classmethod
    def from_settings(cls, settings: AppSettings) -> BackoffPolicy:
        """The policy ``settings`` describe (what a :class:`~cometchat_nb.client.Client` uses)."""
        return cls(
            min_delay=settings.reconnect_min_delay,
            max_delay=settings.reconnect_max_delay,
            factor=settings.reconnect_factor,
            suspend_after=settings.suspend_after,
            suspended_retry=settings.suspended_retry,
            max_attempts=settings.max_reconnect_attempts,
        )

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        return full_jitter(
            attempt,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            factor=self.factor,
            rand=rand,
        )


def is_retryable_close(code: int | None) -> bool:
    """Whether a socket closed with ``code`` should be reconnected.

    Authentication failures and revoked sessions are terminal; everything
    else (going away, server restart, abnormal closure 1006, 4000 …) is
    retried.
    """
    return not CloseCode.is_terminal(code)


def is_retryable_code(code: str | None) -> bool:
    """Whether an error with this CometChat ``code`` should be retried."""
    return code not in AUTH_ERROR_CODES
