"""The Jupyter kernel we may run in: :func:`in_kernel` and Python's thread switch interval.

The SDK reads its socket and fills the LiveFrame on its own thread. While
events stream in, that thread holds the GIL most of the time, and every time a
kernel thread (shell, IOPub, the cell itself) needs the GIL it waits for
Python's switch interval, 5 ms by default. A trivial cell needs the GIL some
twenty times, so at 10 000 events/s it took 80-100 ms longer on a slow machine;
at 0.5 ms (:data:`KERNEL_SWITCH_INTERVAL`) it takes under 20 ms longer
(``bench/bench_kernel.py``). :class:`SwitchInterval` lowers it while the
notebook layer is in use in a kernel and gives Python's value back afterwards.
"""

from __future__ import annotations

import math
import sys
import threading
from typing import Any, Final

from ..errors import ErrorCode, InvalidArgumentError

__all__ = ["KERNEL_SWITCH_INTERVAL", "SwitchInterval", "check_switch_interval", "in_kernel"]

KERNEL_SWITCH_INTERVAL: Final = 0.0005
"""Python's thread switch interval in a Jupyter kernel while the notebook layer is in use."""


def in_kernel() -> bool:
    """True when running inside a Jupyter kernel (widgets can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebook layer
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def check_switch_interval(value: Any) -> float | None:
    """``value`` as a float if it is a number of seconds in (0, 1], or None (leave Python's);
    else :class:`~cometchat_nb.errors.InvalidArgumentError`."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not 0 < value <= 1
    ):
        raise InvalidArgumentError(
            f"switch_interval must be a number of seconds within (0, 1] or None, got {value!r}",
            code=ErrorCode.INVALID_PARAMETER,
        )
    return float(value)


class SwitchInterval:
    """Owns the thread switch interval this layer sets in a kernel.

    :meth:`apply` lowers Python's interval to :attr:`target` (only in a kernel,
    and only ever lowers it); :meth:`restore` gives back the value from before.
    A value someone else set since we set ours is left alone, unless
    :meth:`apply` is forced (an explicit ``%config``).
    """

    def __init__(self, target: float | None = KERNEL_SWITCH_INTERVAL) -> None:
        self._lock = threading.Lock()
        self._target = check_switch_interval(target)
        self._saved: float | None = None  # Python's interval before we lowered it
        self._set: float | None = None  # the interval we set

    @property
    def target(self) -> float | None:
        """The interval wanted in a kernel, seconds (None: leave Python's)."""
        return self._target

    def configure(self, target: float | None) -> None:
        """Validate and use ``target`` now (None gives Python's value back)."""
        self._target = check_switch_interval(target)
        self.apply(force=True)

    def apply(self, *, force: bool = False) -> None:
        """In a kernel, lower Python's interval to :attr:`target` (see the class docstring)."""
        if self._target is None:
            self.restore()
            return
        if not in_kernel():
            return
        with self._lock:
            current = sys.getswitchinterval()
            if self._saved is None:
                self._saved = current
            elif current != self._set and not force:
                return
            sys.setswitchinterval(min(self._saved, self._target))
            self._set = sys.getswitchinterval()

    def restore(self) -> None:
        """Give back Python's interval from before :meth:`apply` (if ours is still set)."""
        with self._lock:
            saved, self._saved = self._saved, None
            if saved is not None and sys.getswitchinterval() == self._set:
                sys.setswitchinterval(saved)
            self._set = None
