"""Attachments: the files of a media message, received (``Attachment``) or to send (``MediaFile``)."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import ErrorCode, InvalidArgumentError, short_repr
from ._wire import JSON, lenient_int, lenient_str, put

__all__ = ["Attachment", "MediaFile", "media_file"]


@dataclass(slots=True)
class Attachment:
    """``CometChat.Attachment``: one file of a media message (``data.attachments`` item).

    ``url`` is where the server serves it; on the embedded server (and the
    cloud's secured media host) fetching it needs the reader's credentials:
    see ``Client.download_attachment``.
    """

    url: str | None = None
    name: str | None = None
    extension: str | None = None
    size: int | None = None
    mime_type: str | None = None

    @classmethod
    def from_wire(cls, obj: Any) -> Attachment | None:
        """``{url, name, extension, size, mimeType}`` (None if it is not an object)."""
        if not isinstance(obj, dict):
            return None
        return cls(
            url=lenient_str(obj, "url"),
            name=lenient_str(obj, "name"),
            extension=lenient_str(obj, "extension"),
            size=lenient_int(obj, "size"),
            mime_type=lenient_str(obj, "mimeType"),
        )

    def to_wire(self) -> JSON:
        out: JSON = {}
        put(out, "url", self.url)
        put(out, "name", self.name)
        put(out, "extension", self.extension)
        put(out, "size", self.size)
        put(out, "mimeType", self.mime_type)
        return out

    def get_url(self) -> str | None:
        return self.url

    def get_name(self) -> str | None:
        return self.name

    def get_extension(self) -> str | None:
        return self.extension

    def get_size(self) -> int | None:
        return self.size

    def get_mime_type(self) -> str | None:
        return self.mime_type

    # camelCase aliases -------------------------------------------------------------
    getUrl = get_url
    getName = get_name
    getExtension = get_extension
    getSize = get_size
    getMimeType = get_mime_type


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A file ready to upload: its name, bytes and MIME type (one ``files[]`` part)."""

    name: str
    content: bytes = field(repr=False)
    mime_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def _guess_mime(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def media_file(source: Any, name: str | None = None, mime_type: str | None = None) -> MediaFile:
    """Read ``source`` into a :class:`MediaFile`.

    ``source`` is a local path (``str`` or ``os.PathLike``), ``bytes`` /
    ``bytearray`` / ``memoryview``, a binary file-like object (anything with
    ``read()``, read from its current position), or a :class:`MediaFile`.
    ``name`` defaults to the path's or the file object's base name (``"file"``
    for bytes); ``mime_type`` is guessed from the name. A missing file or an
    unreadable source is ``InvalidArgumentError`` (``ERR_INVALID_PARAMETER``).
    """
    if isinstance(source, MediaFile):
        return MediaFile(name or source.name, source.content, mime_type or source.mime_type)
    content: bytes
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as f:
                content = f.read()
        except OSError as exc:
            raise InvalidArgumentError(
                f"cannot read the file {path!r}: {exc.strerror or exc}", code=ErrorCode.INVALID_PARAMETER
            ) from None
        name = name or os.path.basename(path)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
    elif callable(getattr(source, "read", None)):
        data = source.read()
        if isinstance(data, str):
            raise InvalidArgumentError(
                "the file object is open in text mode; open it with 'rb'", code=ErrorCode.INVALID_PARAMETER
            )
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError(
                f"the file object's read() gave {type(data).__name__}, not bytes",
                code=ErrorCode.INVALID_PARAMETER,
            )
        content = bytes(data)
        own = getattr(source, "name", None)
        if not name and isinstance(own, str) and own:
            name = os.path.basename(own)
    else:
        raise InvalidArgumentError(
            f"a media file is a path, bytes or a binary file object, got {short_repr(source)}",
            code=ErrorCode.INVALID_PARAMETER,
        )
    if not name:
        name = "file"
    if "/" in name or "\\" in name:
        name = name.replace("\\", "/").rsplit("/", 1)[-1] or "file"
    return MediaFile(name, content, mime_type or _guess_mime(name))
