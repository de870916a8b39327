"""Table ``media``: the files uploaded with media messages.

A file's bytes live on disk beside the database, in ``<database>.media/<id>``
(written and flushed before the row that names it is committed, removed again
if that transaction fails), or in the row itself (``data``) for an in-memory
database. A file belongs to the message it was uploaded with; who may fetch it
is who may read that message (the service decides).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .base import Tables

__all__ = ["MediaRow", "MediaTables", "new_media_id"]


def new_media_id() -> str:
    """A fresh, unguessable media id (32 hex digits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True, slots=True)
class MediaRow:
    """One stored file (without its bytes)."""

    id: str
    message_id: int
    uid: str
    name: str
    extension: str
    mime_type: str
    size: int


class MediaTables(Tables):
    """Uploaded files."""

    path: str

    @property
    def media_dir(self) -> Path | None:
        """Where files are kept on disk (``None``: in the database, which is in memory)."""
        return None if self.path == ":memory:" else Path(self.path + ".media")

    def add_media(self, row: MediaRow, content: bytes, at: int) -> None:
        """Store a file for a message already inserted in the current transaction
        (call inside :meth:`transaction`; the file is removed if it rolls back)."""
        folder = self.media_dir
        blob: bytes | None = content
        target: Path | None = None
        if folder is not None:
            folder.mkdir(mode=0o700, exist_ok=True)
            target = folder / row.id
            with open(target, "xb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            blob = None
        try:
            self._db.execute(
                "INSERT INTO media(id, message_id, uid, name, extension, mime_type, size, created_at, data)"
                " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.id, row.message_id, row.uid, row.name, row.extension, row.mime_type, row.size, at, blob),
            )
        except BaseException:
            if target is not None:
                with contextlib.suppress(OSError):
                    target.unlink()
            raise

    def discard_media_files(self, ids: list[str]) -> None:
        """Remove the files of ``ids`` from disk (after their transaction rolled back)."""
        folder = self.media_dir
        if folder is None:
            return
        for media_id in ids:
            with contextlib.suppress(OSError):
                (folder / media_id).unlink()

    def media(self, media_id: str) -> MediaRow | None:
        row = self._db.execute(
            "SELECT id, message_id, uid, name, extension, mime_type, size FROM media WHERE id=?", (media_id,)
        ).fetchone()
        return None if row is None else MediaRow(*row)

    def media_content(self, media_id: str) -> bytes | None:
        """The bytes of a stored file (``None`` if it is gone)."""
        folder = self.media_dir
        if folder is None:
            row = self._db.execute("SELECT data FROM media WHERE id=?", (media_id,)).fetchone()
            return None if row is None or row[0] is None else bytes(row[0])
        try:
            return (folder / media_id).read_bytes()
        except OSError:
            return None
