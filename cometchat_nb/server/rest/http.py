"""The REST API on aiohttp: routing a request, checking its credentials, reading
its body, and answering every outcome with CometChat's envelope.

Every route answers both under ``/v3.0/`` and at the root (the JS SDK calls
``/users/{uid}/auth_tokens`` and ``/me`` at the override host's root before it
knows the settings). Replies are ``{"data", "meta"?}`` or ``{"error": {"code",
"message"}}`` with an informative HTTP status; unknown routes, wrong methods,
malformed bodies, oversized bodies and unexpected exceptions all answer an error
envelope. CORS headers are added and ``OPTIONS`` preflights answered.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final
from urllib.parse import quote, unquote

import orjson
from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ...errors import ApiError, ErrorCode
from ...protocol.rest import API_VERSION
from ..config import MAX_UPLOAD_FILES
from ..faults import Faults
from ..params import bad_request
from ..service import Service
from ..service.auth import socket_identity
from ..service.media import Blob, Upload, file_too_large, media_uid
from ..tokens import token_hash
from .routing import JSON, Auth, Call, Route, find_route

__all__ = ["ClientFaultLogger", "RestApi"]

log = logging.getLogger(__name__)

#: HTTP status of each error code (400 for any other).
_STATUS: Final = {
    ErrorCode.EMPTY_APPID: 401,
    ErrorCode.INVALID_APPID: 401,
    ErrorCode.EMPTY_APIKEY: 401,
    ErrorCode.APIKEY_NOT_FOUND: 401,
    ErrorCode.EMPTY_AUTH_TOKEN: 401,
    ErrorCode.AUTH_TOKEN_NOT_FOUND: 401,
    ErrorCode.WS_AUTH_FAIL: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_A_MEMBER: 403,
    ErrorCode.WRONG_GROUP_PASSWORD: 403,
    ErrorCode.GROUP_JOIN_NOT_ALLOWED: 403,
    ErrorCode.GROUP_NO_CLEARANCE: 403,
    ErrorCode.GROUP_NO_ADMIN_SCOPE: 403,
    ErrorCode.GROUP_NO_MODERATOR_SCOPE: 403,
    ErrorCode.GROUP_NO_SCOPE_CLEARANCE: 403,
    ErrorCode.GROUP_NO_SELF_ACTION: 403,
    ErrorCode.BANNED_GROUPMEMBER: 403,
    ErrorCode.BLOCKED_RECEIVER: 403,
    ErrorCode.BLOCKED_SENDER: 403,
    ErrorCode.NOT_A_BANNED_USER: 404,
    ErrorCode.ALREADY_BANNED: 409,
    ErrorCode.UID_NOT_FOUND: 404,
    ErrorCode.GUID_NOT_FOUND: 404,
    ErrorCode.MESSAGE_ID_NOT_FOUND: 404,
    ErrorCode.ENDPOINT_NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.UID_ALREADY_EXISTS: 409,
    ErrorCode.GUID_ALREADY_EXISTS: 409,
    ErrorCode.ALREADY_JOINED: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.FILE_SIZE_EXCEEDED: 413,
    ErrorCode.FILE_COUNT_EXCEEDED: 413,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.INTERNAL: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}

_CORS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "appId, authToken, apiKey, resource, sdk, content-type, accept, settingsHash, "
        "settingsHashReceivedAt, authorization, onbehalfofuser"
    ),
    "Access-Control-Max-Age": "600",
}


class ClientFaultLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp logs every malformed HTTP request (a request line or header over
    8 KiB, bytes that are not HTTP) at ERROR with a traceback, and answers it a
    plain 400 itself (the request never reaches the API). That is the client's
    fault and a way to flood the log: one line at DEBUG. Anything else is kept."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info")
        if exc is True:
            exc = sys.exc_info()[1]
        if isinstance(exc, HttpProcessingError):
            kwargs.pop("exc_info")
            super().log(logging.DEBUG, "malformed HTTP request refused (%s): %s", exc.code, exc.message)
            return
        super().log(level, msg, *args, **kwargs)


def _respond(status: int, envelope: JSON) -> web.Response:
    return web.Response(
        body=orjson.dumps(envelope), status=status, content_type="application/json", headers=_CORS
    )


def _error(code: str, message: str) -> web.Response:
    return _respond(_STATUS.get(code, 400), {"error": {"code": code, "message": message}})


class RestApi:
    """Serves ``routes`` over HTTP for ``svc``, with ``faults`` applied."""

    def __init__(self, svc: Service, faults: Faults, routes: Sequence[Route]) -> None:
        self._svc = svc
        self._faults = faults
        self._routes = routes

    def application(self) -> web.Application:
        """The aiohttp application: one catch-all route into :meth:`handle`."""
        app = web.Application(client_max_size=self._svc.config.max_body_bytes, middlewares=[_envelope_errors])
        # ``[\s\S]``, not ``.``: a path with an encoded newline must reach our router too
        app.router.add_route("*", r"/{tail:[\s\S]*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one request; never raises (errors become envelopes, bugs a logged 500)."""
        try:
            return await self._dispatch(request)
        except ApiError as exc:
            return _error(exc.code, exc.message)
        except Exception:
            log.exception("internal error while handling %s %s", request.method, request.path)
            return _error(ErrorCode.INTERNAL, "The server could not process the request.")

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=_CORS)
        # segments are split before they are decoded: an encoded '/' (a reaction's,
        # a file name's) stays inside its segment
        path = request.rel_url.raw_path.strip("/")
        if path == API_VERSION:
            path = ""
        elif path.startswith(API_VERSION + "/"):
            path = path[len(API_VERSION) + 1 :]
        segments = [unquote(seg, errors="replace") if "%" in seg else seg for seg in path.split("/")]
        path = "/".join(segments)
        route, params, allowed = find_route(self._routes, request.method, segments)
        if route is None:
            if allowed:
                raise ApiError(
                    f"{request.method} is not allowed on /{path}; use {', '.join(sorted(set(allowed)))}.",
                    code=ErrorCode.METHOD_NOT_ALLOWED,
                )
            raise ApiError(f"The endpoint /{path} does not exist.", code=ErrorCode.ENDPOINT_NOT_FOUND)
        call = Call(
            params=params,
            query=request.query,
            body={},
            raw_body=b"",
            resource=request.headers.get("resource", ""),
        )
        if self._faults.outage is not None:
            await self._faults.gate(route.key)
        if route.auth != "none":
            self._check_credentials(request, route.auth, call)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.can_read_body:
            await self._read_body(request, call)
        data, meta = route.handler(self._svc, call)
        if isinstance(data, Blob):
            return _file_response(data)
        envelope: JSON = {"data": data}
        if meta is not None:
            envelope["meta"] = meta
        return _respond(200, envelope)

    def _check_credentials(self, request: web.Request, auth: Auth, call: Call) -> None:
        if auth == "media" and not request.headers.get("authToken"):
            # a browser fetching <img src=…?fat=…> sends no headers of ours
            fat = request.query.get("fat")
            if not fat:
                raise ApiError(
                    "The authToken header or the fat parameter is missing.", code=ErrorCode.EMPTY_AUTH_TOKEN
                )
            call.uid = media_uid(self._svc, fat)
            return
        if auth != "media":  # a file needs a live token, not the appId (a download has none)
            self._check_app(request, auth)
            if auth == "admin":
                return
        if auth == "jwt":
            jwt = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not jwt:
                raise ApiError(
                    "The Authorization header (the JWT) is missing.", code=ErrorCode.EMPTY_AUTH_TOKEN
                )
            call.uid, call.token_hash = socket_identity(self._svc, jwt)
            return
        token = request.headers.get("authToken")
        if not token:
            raise ApiError("The authToken header is missing.", code=ErrorCode.EMPTY_AUTH_TOKEN)
        hashed = token_hash(token)
        uid = self._svc.store.token_uid(hashed)
        if uid is None:
            raise ApiError(
                "The auth token does not exist or has been revoked.", code=ErrorCode.AUTH_TOKEN_NOT_FOUND
            )
        call.uid, call.token, call.token_hash = uid, token, hashed

    def _check_app(self, request: web.Request, auth: Auth) -> None:
        """The appId header, and for an ``admin`` route the apiKey."""
        config = self._svc.config
        app_id = request.headers.get("appId")
        if not app_id:
            raise ApiError("The appId header is missing.", code=ErrorCode.EMPTY_APPID)
        if app_id != config.app_id:
            raise ApiError("The appId is invalid.", code=ErrorCode.INVALID_APPID)
        if auth == "admin":
            key = request.headers.get("apiKey")
            if not key:
                raise ApiError("The apiKey header is missing.", code=ErrorCode.EMPTY_APIKEY)
            if not secrets.compare_digest(key.encode(), config.auth_key.encode()):
                raise ApiError("The apiKey is invalid.", code=ErrorCode.APIKEY_NOT_FOUND)

    async def _read_body(self, request: web.Request, call: Call) -> None:
        if request.content_type == "multipart/form-data":
            await self._read_multipart(request, call)
            return
        limit = self._svc.config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise ApiError(f"The request body is over {limit} bytes.", code=ErrorCode.PAYLOAD_TOO_LARGE)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(
                f"The request body is larger than {limit} bytes.", code=ErrorCode.PAYLOAD_TOO_LARGE
            ) from None
        call.raw_body = raw
        if not raw.strip():
            return
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise bad_request("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        call.body = body

    async def _read_multipart(self, request: web.Request, call: Call) -> None:
        """A ``multipart/form-data`` body as the JS SDK's ``sendMediaMessage`` sends
        it: every field a form field (``data`` a JSON string, ``tags[]`` one part
        per tag), every file a ``files[]`` part. Files become ``call.files``; a
        file over ``max_upload_bytes`` or more than ``MAX_UPLOAD_FILES`` files stop
        the reading with the SDK's own error codes."""
        config = self._svc.config
        file_limit = config.max_upload_bytes
        total = MAX_UPLOAD_FILES * file_limit + config.max_body_bytes
        if request.content_length is not None and request.content_length > total:
            raise ApiError(f"The request body is over {total} bytes.", code=ErrorCode.PAYLOAD_TOO_LARGE)
        body: JSON = {}
        field_bytes = 0
        try:
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    raise bad_request("nested multipart bodies are not supported")
                name = part.name or ""
                if part.filename is not None:
                    if len(call.files) >= MAX_UPLOAD_FILES:
                        raise ApiError(
                            f"The number of attachments exceeds the allowed limit of {MAX_UPLOAD_FILES}.",
                            code=ErrorCode.FILE_COUNT_EXCEEDED,
                        )
                    filename = part.filename
                    content = await _read_part(part, file_limit, file_too_large(filename, file_limit))
                    call.files.append(Upload(filename, part.headers.get("Content-Type"), content))
                    continue
                raw = await _read_part(
                    part,
                    config.max_body_bytes - field_bytes,
                    ApiError(
                        f"The form fields are over {config.max_body_bytes} bytes.",
                        code=ErrorCode.PAYLOAD_TOO_LARGE,
                    ),
                )
                field_bytes += len(raw)
                text = raw.decode("utf-8", errors="replace")
                if name.endswith("[]"):
                    body.setdefault(name[:-2], []).append(text)
                elif name in ("data", "metadata"):
                    try:
                        body[name] = orjson.loads(raw) if raw.strip() else None
                    except orjson.JSONDecodeError:
                        raise bad_request(f"The form field '{name}' is not valid JSON.") from None
                else:
                    body[name] = text
        except (ValueError, AssertionError) as exc:  # aiohttp's answer to a malformed multipart body
            raise bad_request(f"The multipart body is malformed: {exc}") from None
        call.body = body


async def _read_part(part: BodyPartReader, limit: int, too_large: ApiError) -> bytes:
    """A part's (decoded) bytes, refusing more than ``limit`` without reading them all."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(65536):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return part.decode(b"".join(chunks))


def _file_response(blob: Blob) -> web.Response:
    headers = {
        **_CORS,
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(blob.name)}",
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
    }
    return web.Response(body=blob.content, content_type=blob.mime_type, headers=headers)


@web.middleware
async def _envelope_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answers aiohttp itself produces (no route, body too large …) get the envelope too."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {
            404: ErrorCode.ENDPOINT_NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
            413: ErrorCode.PAYLOAD_TOO_LARGE,
        }.get(exc.status, ErrorCode.BAD_REQUEST if exc.status < 500 else ErrorCode.INTERNAL)
        return _respond(exc.status, {"error": {"code": code, "message": exc.reason}})
