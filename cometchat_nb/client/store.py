"""Session persistence: what ``init()`` restores on the next start.

A session is a JSON object: the logged-in user, ``authToken``, ``jwt``, the
server's ``settings``, the install ``deviceId`` and the highest message id
delivered (``lastMessageId``, the catch-up cursor). :class:`FileSessionStore`
keeps one file per app id (and optional profile) in the user's data directory
(``platformdirs``; override with ``COMETCHAT_NB_DATA_DIR``), written
atomically with mode 0600 in a 0700 directory because it holds credentials.
:class:`MemorySessionStore` keeps it in memory (tests; share one instance
between two clients to simulate a restart).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import platformdirs

__all__ = ["DATA_DIR_ENV", "FileSessionStore", "MemorySessionStore", "SessionStore", "default_data_dir"]

log = logging.getLogger(__name__)

DATA_DIR_ENV = "COMETCHAT_NB_DATA_DIR"


def default_data_dir() -> Path:
    """Where sessions live: ``$COMETCHAT_NB_DATA_DIR`` or the platform's user data dir."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_data_dir("cometchat_nb", appauthor=False))


@runtime_checkable
class SessionStore(Protocol):
    """Where a client keeps its session between runs."""

    def load(self) -> dict[str, Any] | None:
        """The saved session, or None."""

    def save(self, session: dict[str, Any]) -> None:
        """Replace the saved session."""

    def clear(self) -> None:
        """Forget the session (logout). The install ``deviceId`` may be kept."""


class MemorySessionStore:
    """A session kept in memory (thread-safe)."""

    def __init__(self) -> None:
        self._data: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> dict[str, Any] | None:
        with self._lock:
            return json.loads(json.dumps(self._data)) if self._data is not None else None

    def save(self, session: dict[str, Any]) -> None:
        with self._lock:
            self._data = json.loads(json.dumps(session))

    def clear(self) -> None:
        with self._lock:
            device = (self._data or {}).get("deviceId")
            self._data = {"deviceId": device} if device else None

    def __repr__(self) -> str:
        return "MemorySessionStore()"


_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class FileSessionStore:
    """One JSON file per app id (and profile), mode 0600."""

    def __init__(
        self, app_id: str, *, profile: str | None = None, directory: str | os.PathLike[str] | None = None
    ) -> None:
        base = Path(directory) if directory is not None else default_data_dir()
        name = _SAFE.sub("_", app_id) + (f"--{_SAFE.sub('_', profile)}" if profile else "")
        self.path = base / "sessions" / f"{name}.json"
        self._lock = threading.Lock()

    def load(self) -> dict[str, Any] | None:
        with self._lock:
            try:
                text = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            except OSError as exc:
                log.warning("cannot read session file %s: %s", self.path, exc)
                return None
            try:
                data = json.loads(text)
            except ValueError:
                log.warning("session file %s is corrupt; ignoring it", self.path)
                return None
            return data if isinstance(data, dict) else None

    def save(self, session: dict[str, Any]) -> None:
        with self._lock:
            self._private_dir()
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(session, fh, separators=(",", ":"))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600)  # in case of a permissive umask on an existing file
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def _private_dir(self) -> None:
        """Create the sessions directory 0700, or tighten one that is group/world-accessible."""
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            try:
                os.chmod(folder, mode & 0o700)
            except OSError as exc:  # not ours to change: say so, the file itself stays 0600
                log.warning("session directory %s is accessible to others (%o): %s", folder, mode, exc)

    def clear(self) -> None:
        data = self.load()
        device = (data or {}).get("deviceId")
        if device:
            self.save({"deviceId": device})
        else:
            with self._lock, contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def __repr__(self) -> str:
        return f"FileSessionStore({str(self.path)!r})"
