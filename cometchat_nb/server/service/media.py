"""Media messages: the files they carry, who may fetch them, and the file access
token.

The JS SDK's ``sendMediaMessage(new MediaMessage(receiver, file, type,
receiverType))`` posts ``multipart/form-data`` to ``POST messages`` (or
``messages/{parentId}/thread``): the message's fields as form fields, ``data``
as a JSON string (the caption is ``data.text``), each file as a ``files[]``
part and each tag as a ``tags[]`` part. The REST layer parses that into a body
and a list of :class:`Upload`; :func:`media_data` checks them and builds the
message's ``data.url`` / ``data.attachments`` (``{url, name, extension, size,
mimeType}``); :func:`store_uploads` keeps the files with the stored message.

A media message may instead carry attachments that live elsewhere
(``data.attachments`` in a JSON body, each with ``url``, ``name``, ``extension``
and ``mimeType``; or just ``data.url``): they are kept as given.

Rules: at most :data:`MAX_UPLOAD_FILES` files (``ERR_FILE_COUNT_EXCEEDED``),
each at most ``max_upload_bytes`` (``ERR_FILE_SIZE_EXCEEDED``), non-empty, and
of the message's kind: an ``image`` message takes ``image/*`` files, ``video``
``video/*``, ``audio`` ``audio/*``, ``file`` anything (``ERR_BAD_REQUEST``
naming the file). A refused upload stores nothing.

Fetching: ``GET /v3.0/media/{id}.{ext}`` answers the bytes to a user who may
read the message the file came with, identified by an ``authToken`` header or
by the ``fat`` query parameter. ``fat`` is the "file access token" of ``PUT
me``; the JS SDK appends ``?fat=<token>`` to every URL of a media message that
contains the settings' ``SECURED_MEDIA_HOST`` (its ``MessageController``), so
an ``<img src>`` works without headers. The token is signed like the socket JWT
and names the auth token it was issued for: logging out revokes it.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ...errors import ApiError, ErrorCode
from ...protocol.rest import API_VERSION
from ..config import MAX_UPLOAD_FILES
from ..params import bad_request
from ..store import MediaRow, new_media_id
from ..store.annotations import MEDIA_TYPES
from ..tokens import JwtError, sign_jwt, verify_jwt
from .core import JSON, Service, permission_denied

__all__ = [
    "Blob",
    "Upload",
    "check_attachments",
    "fetch_media",
    "file_access_token",
    "file_too_large",
    "media_base",
    "media_data",
    "media_uid",
    "store_uploads",
]

_EXT_RE: Final = re.compile(r"[A-Za-z0-9]{1,10}\Z")
_MEDIA_ID_RE: Final = re.compile(r"([0-9a-f]{32})(?:\.[A-Za-z0-9]{1,10})?\Z")


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: the part's file name, its declared content type, the bytes."""

    name: str
    content_type: str | None
    content: bytes


@dataclass(frozen=True, slots=True)
class Blob:
    """A reply that is a file, not a JSON envelope."""

    content: bytes
    mime_type: str
    name: str


@dataclass(frozen=True, slots=True)
class _Pending:
    media_id: str
    upload: Upload
    extension: str
    mime_type: str


def media_base(svc: Service) -> str:
    """The URL prefix of stored files (``…/v3.0/media/``); also ``SECURED_MEDIA_HOST`` minus the scheme."""
    scheme = "https" if svc.config.ssl is not None else "http"
    return f"{scheme}://{svc.settings_base['CLIENT_API_HOST']}/{API_VERSION}/media/"


def _extension(name: str) -> str:
    ext = name.rsplit(".", 1)[1] if "." in name else ""
    return ext.lower() if _EXT_RE.match(ext) else "bin"


def _mime(upload: Upload) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and "/" in declared:
        return declared
    guessed, _ = mimetypes.guess_type(upload.name)
    return guessed or declared or "application/octet-stream"


def _check_kind(message_type: str, name: str, mime: str) -> None:
    if message_type in ("image", "video", "audio") and not mime.startswith(message_type + "/"):
        raise bad_request(
            f"the file {name!r} is {mime}, not {message_type}/* (message type {message_type!r})"
        )


def check_attachments(value: Any, message_type: str) -> list[JSON]:
    """``data.attachments`` given in a JSON body (files stored elsewhere)."""
    if not isinstance(value, list) or not value:
        raise bad_request("'data.attachments' must be a non-empty list")
    if len(value) > MAX_UPLOAD_FILES:
        raise ApiError(
            f"The number of attachments exceeds the allowed limit of {MAX_UPLOAD_FILES}.",
            code=ErrorCode.FILE_COUNT_EXCEEDED,
        )
    out: list[JSON] = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("each attachment must be a JSON object")
        for key in ("url", "name", "extension", "mimeType"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise bad_request(f"each attachment needs a non-empty string '{key}'")
        size = item.get("size")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise bad_request("an attachment's 'size' must be a non-negative integer")
        _check_kind(message_type, item["name"], item["mimeType"].lower())
        out.append({k: item[k] for k in ("url", "name", "extension", "mimeType", "size") if k in item})
    return out


def media_data(
    svc: Service, message_type: str, data_in: JSON, uploads: Sequence[Upload]
) -> tuple[JSON, list[_Pending]]:
    """The ``url``/``attachments`` of a media message's ``data`` and the files to
    store with it (see the module docstring for the rules)."""
    if message_type not in MEDIA_TYPES:  # pragma: no cover - the caller checks
        raise bad_request(f"{message_type!r} is not a media message type")
    if uploads:
        limit = svc.config.max_upload_bytes
        if len(uploads) > MAX_UPLOAD_FILES:
            raise ApiError(
                f"The number of attachments exceeds the allowed limit of {MAX_UPLOAD_FILES}.",
                code=ErrorCode.FILE_COUNT_EXCEEDED,
            )
        pending: list[_Pending] = []
        attachments: list[JSON] = []
        base = media_base(svc)
        for upload in uploads:
            if len(upload.content) > limit:
                raise file_too_large(upload.name, limit)
            if not upload.content:
                raise bad_request(f"the file {upload.name!r} is empty")
            mime = _mime(upload)
            _check_kind(message_type, upload.name, mime)
            ext = _extension(upload.name)
            media_id = new_media_id()
            pending.append(_Pending(media_id, upload, ext, mime))
            attachments.append(
                {
                    "url": f"{base}{media_id}.{ext}",
                    "name": upload.name,
                    "extension": ext,
                    "size": len(upload.content),
                    "mimeType": mime,
                }
            )
        return {"url": attachments[0]["url"], "attachments": attachments}, pending
    if "attachments" in data_in:
        attachments = check_attachments(data_in["attachments"], message_type)
        return {"url": attachments[0]["url"], "attachments": attachments}, []
    url = data_in.get("url")
    if isinstance(url, str) and url:
        return {"url": url}, []
    raise bad_request(f"a {message_type} message needs a file (files[]), data.attachments or data.url")


def file_too_large(name: str, limit: int) -> ApiError:
    return ApiError(
        f"The file {name} exceeds the maximum allowed size of {limit} bytes.",
        code=ErrorCode.FILE_SIZE_EXCEEDED,
    )


def store_uploads(svc: Service, message: JSON, sender: str, pending: Sequence[Any]) -> None:
    """Keep the files of a message just stored (inside its transaction)."""
    now = svc.now()
    for p in pending:
        row = MediaRow(
            id=p.media_id,
            message_id=int(message["id"]),
            uid=sender,
            name=p.upload.name,
            extension=p.extension,
            mime_type=p.mime_type,
            size=len(p.upload.content),
        )
        svc.store.add_media(row, p.upload.content, now)


# -- fetching -----------------------------------------------------------------------
def _token_app(svc: Service) -> str:
    return f"{svc.config.app_id}#media"


def file_access_token(svc: Service, uid: str, token_hash: str) -> str:
    """The ``fat`` of ``PUT me``: lets ``uid`` fetch media while that auth token lives."""
    return sign_jwt(
        uid=uid,
        app_id=_token_app(svc),
        tid=token_hash,
        secret=svc.secret,
        now=svc.now(),
        ttl=svc.config.jwt_ttl,
    )


def media_uid(svc: Service, fat: str) -> str:
    """The user a ``fat`` was issued to (``AUTH_ERR_AUTH_TOKEN_NOT_FOUND`` if it is
    not valid or its auth token was revoked)."""
    try:
        claims = verify_jwt(fat, secret=svc.secret, app_id=_token_app(svc), now=svc.now())
    except JwtError as exc:
        raise ApiError(
            f"The file access token is not valid: {exc}.", code=ErrorCode.AUTH_TOKEN_NOT_FOUND
        ) from None
    if svc.store.token_uid(claims["tid"]) != claims["uid"]:
        raise ApiError(
            "The auth token of this file access token was revoked.", code=ErrorCode.AUTH_TOKEN_NOT_FOUND
        )
    return str(claims["uid"])


def fetch_media(svc: Service, uid: str, file: str) -> Blob:
    """``GET media/{id}.{ext}``: the file, for a user who can read its message."""
    match = _MEDIA_ID_RE.match(file)
    row = svc.store.media(match.group(1)) if match else None
    if row is None:
        raise ApiError(f"The file {file} does not exist.", code=ErrorCode.ENDPOINT_NOT_FOUND)
    message = svc.store.message(row.message_id)
    if message is None or not svc.can_read(uid, message):
        raise permission_denied(f"The user {uid} cannot read the message of the file {file}.")
    content = svc.store.media_content(row.id)
    if content is None:
        raise ApiError(
            f"The file {file} is gone from the server's storage.", code=ErrorCode.ENDPOINT_NOT_FOUND
        )
    return Blob(content=content, mime_type=row.mime_type, name=row.name)
