"""REST calls over one ``httpx.AsyncClient`` per :class:`~cometchat_nb.Client`.

:meth:`RestApi.call` takes an endpoint name from
:data:`cometchat_nb.protocol.rest.ENDPOINTS`, fills the path, adds the exact
header set the JS SDK sends and returns ``(data, meta)`` from the envelope.
Failures are CometChat exceptions: an ``{"error"}`` envelope becomes
:class:`~cometchat_nb.errors.ApiError` (or ``AuthError``), an unreachable
server or a body that is not JSON becomes
:class:`~cometchat_nb.errors.TransportError` with code ``FAILED_TO_FETCH``,
as in the JS SDK. Secrets (auth key, tokens) never appear in messages or logs.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import httpx
import orjson

from ..errors import ErrorCode, InvalidArgumentError, StateError, TransportError
from ..errors import TimeoutError as SdkTimeoutError
from ..protocol import rest

__all__ = ["RestApi", "make_ssl_context"]

log = logging.getLogger(__name__)


def make_ssl_context(verify: bool | str) -> ssl.SSLContext:
    """TLS context for REST and the socket: verify with the system CAs (True),
    a CA bundle file (str, e.g. the embedded server's self-signed cert), or not at all (False)."""
    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if isinstance(verify, str):
        try:
            return ssl.create_default_context(cafile=verify)
        except (OSError, ssl.SSLError) as exc:
            raise InvalidArgumentError(f"cannot load CA bundle {verify!r}: {exc}") from None
    return ssl.create_default_context()


class RestApi:
    """Typed REST access for one client session (``appId`` + ``resource``)."""

    def __init__(
        self,
        *,
        app_id: str,
        resource: str,
        timeout: float,
        ssl_context: ssl.SSLContext,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._app_id = app_id
        self._resource = resource
        self._timeout = timeout
        self._ssl = ssl_context
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.calls = 0

    def _http(self) -> httpx.AsyncClient:
        # created lazily, on the loop that uses it; recreated after aclose()
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                timeout=self._timeout,
                verify=self._ssl,
                transport=self._transport,
                follow_redirects=True,
                headers={"User-Agent": f"cometchat_nb/{rest.SDK_HEADER}"},
            )
        return self._client

    async def call(
        self,
        hosts: rest.Hosts,
        endpoint: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
        auth_token: str | None = None,
        api_key: str | None = None,
        jwt: str | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Call ``endpoint`` and return ``(data, meta)``; raises CometChat exceptions.

        ``jwt``: also send the socket JWT as ``Authorization: Bearer`` (online counts)."""
        ep = rest.ENDPOINTS[endpoint]
        if ep.admin:
            if not api_key:
                raise InvalidArgumentError("an auth key is needed for this call", code=ErrorCode.EMPTY_APIKEY)
            headers = rest.admin_headers(self._app_id, self._resource, api_key)
        else:
            if not auth_token:
                raise StateError(
                    f"An authToken is needed to use the {endpoint} end-point: log in first.",
                    code=ErrorCode.USER_NOT_LOGGED_IN,
                )
            headers = rest.client_headers(self._app_id, self._resource, auth_token)
            if jwt:
                headers["Authorization"] = f"Bearer {jwt}"
        url = hosts.url(ep, **(path or {})) + rest.query_string(query or {})
        form: dict[str, Any] = {}
        if isinstance(body, rest.Multipart):
            # httpx writes the multipart body and its Content-Type (with the boundary)
            del headers["Content-Type"]
            form["data"] = _form_fields(body.fields)
            form["files"] = [(field, (name, blob, mime)) for field, name, blob, mime in body.files]
            content = None
        else:
            content = orjson.dumps(body) if body is not None else None
            if content is None and ep.method in ("POST", "PUT"):
                content = b"{}"
        self.calls += 1
        try:
            response = await self._http().request(
                ep.method,
                url,
                headers=headers,
                content=content,
                extensions={"trace": _CloseUnwrappedStream()},
                **form,
            )
        except httpx.TimeoutException:
            raise SdkTimeoutError(
                f"{ep.method} {ep.path} got no answer within {self._timeout:g} s",
                code=ErrorCode.FAILED_TO_FETCH,
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(
                f"There is an issue reaching the CometChat API ({_origin(url)}): {type(exc).__name__}: {exc}",
                details={"endpoint": endpoint},
            ) from None
        try:
            obj = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise TransportError(
                f"The CometChat API answered HTTP {response.status_code} for {ep.method} {ep.path} "
                "with a body that is not JSON.",
                details={"endpoint": endpoint, "status": response.status_code},
            ) from None
        return rest.parse_envelope(obj)

    async def download(self, url: str, auth_token: str | None) -> tuple[bytes, str | None]:
        """``GET url``: the body and its ``Content-Type`` (a media file).

        ``auth_token`` goes in the ``authToken`` header (the embedded server's
        media route takes it, as it takes ``?fat=``); pass it only for the
        chat's own hosts. A JSON error envelope becomes the CometChat error.
        """
        headers = {"authToken": auth_token} if auth_token else {}
        self.calls += 1
        try:
            response = await self._http().get(
                url, headers=headers, extensions={"trace": _CloseUnwrappedStream()}
            )
        except httpx.TimeoutException:
            raise SdkTimeoutError(
                f"GET {url} got no answer within {self._timeout:g} s", code=ErrorCode.FAILED_TO_FETCH
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(
                f"There is an issue reaching {_origin(url)}: {type(exc).__name__}: {exc}"
            ) from None
        ctype = response.headers.get("content-type")
        if response.status_code != 200:
            try:
                obj = orjson.loads(response.content)
            except orjson.JSONDecodeError:
                raise TransportError(
                    f"GET {_origin(url)}/… answered HTTP {response.status_code}",
                    details={"status": response.status_code},
                ) from None
            rest.parse_envelope(obj)  # raises the error it carries
            raise TransportError(f"GET {_origin(url)}/… answered HTTP {response.status_code}")
        return response.content, ctype

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class _CloseUnwrappedStream:
    """A request's ``trace`` hook that closes a TCP stream whose TLS handshake did not finish.

    httpcore (1.0.x) closes the TCP stream when ``start_tls`` fails with an
    error, but not when the request is cancelled during the handshake (its
    ``except Exception`` lets ``CancelledError`` through, and no connection
    owns the stream yet): the socket then stays open, registered on the
    loop, until the loop itself is closed. A cancelled REST call is routine
    (``Client.close()`` cancels a running catch-up; Ctrl-C on a blocking
    call), so without this hook ``close()`` could leave such a socket open.
    ``trace`` is httpx's documented per-request extension; the event names
    are httpcore's (``connection.connect_tcp.complete`` …).
    """

    __slots__ = ("_stream",)

    def __init__(self) -> None:
        self._stream: Any = None

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.complete":
            self._stream = info.get("return_value")
        elif event == "connection.start_tls.complete":
            self._stream = None  # owned by the pooled connection from here on
        elif event == "connection.start_tls.failed" and self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.aclose()  # idempotent: httpcore already closed it after an error


def _form_fields(fields: tuple[tuple[str, str], ...]) -> dict[str, str | list[str]]:
    # httpx takes repeated form fields as a list under one name, in order
    out: dict[str, str | list[str]] = {}
    for name, value in fields:
        prev = out.get(name)
        if prev is None:
            out[name] = value
        elif isinstance(prev, list):
            prev.append(value)
        else:
            out[name] = [prev, value]
    return out


def _origin(url: str) -> str:
    parts = httpx.URL(url)
    return f"{parts.scheme}://{parts.host}{':' + str(parts.port) if parts.port else ''}"
