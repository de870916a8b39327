"""The vocabulary of the REST resource modules: a :class:`Route` (method, path
pattern, handler, who may call it), the :class:`Call` a handler receives, and
route lookup. No HTTP library here: handlers are plain functions
``handler(svc, call) -> (data, meta)``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..config import SERVER_DEVICE_ID
from ..service import Service

__all__ = ["JSON", "Auth", "Call", "Handler", "Reply", "Route", "find_route", "route"]

JSON = dict[str, Any]


@dataclass(slots=True)
class Call:
    """One REST call after routing and authentication.

    ``params`` are the path placeholders; ``body`` the JSON object body (``{}``
    when there is none; a multipart body's form fields); ``files`` the files of
    a multipart body (:class:`~..service.media.Upload`); ``resource`` the
    ``resource`` header (the client's device id); ``uid``/``token``/``token_hash``
    the caller of a ``user`` route.
    """

    params: dict[str, str]
    query: Mapping[str, str]
    body: JSON
    raw_body: bytes
    resource: str
    uid: str = ""
    token: str = ""
    token_hash: str = ""
    files: list[Any] = field(default_factory=list)

    @property
    def device_id(self) -> str:
        """The ``deviceId`` frames this call causes carry (the caller's own socket drops the echo)."""
        return self.resource or SERVER_DEVICE_ID


#: What a handler returns: the reply's ``data`` and its ``meta`` (or ``None``).
Reply = tuple[Any, JSON | None]
Handler = Callable[[Service, Call], Reply]
#: Who may call a route: ``admin`` needs the apiKey, ``user`` a live authToken, ``jwt``
#: the socket JWT in ``Authorization`` (the WS host's API), ``none`` nothing; ``media`` an
#: authToken (no appId needed) or a file access token (``?fat=``).
Auth = Literal["admin", "user", "jwt", "none", "media"]


@dataclass(frozen=True, slots=True)
class Route:
    """One row of the route table: ``parts`` are the path segments, ``{name}`` a placeholder."""

    method: str
    parts: tuple[str, ...]
    handler: Handler
    auth: Auth

    @property
    def key(self) -> str:
        """``"GET messages"``: how fault hooks and errors name the route."""
        return f"{self.method} {'/'.join(self.parts)}"

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """The placeholders' values if ``segments`` fit the pattern (placeholders never match ``""``)."""
        if len(segments) != len(self.parts):
            return None
        params: dict[str, str] = {}
        for pattern, seg in zip(self.parts, segments, strict=True):
            if pattern.startswith("{"):
                if not seg:
                    return None
                params[pattern[1:-1]] = seg
            elif pattern != seg:
                return None
        return params


def route(method: str, pattern: str, handler: Handler, *, auth: Auth = "user") -> Route:
    """A :class:`Route` for ``pattern`` (``"groups/{guid}/members"``, relative to ``/v3.0/``)."""
    return Route(method, tuple(pattern.split("/")), handler, auth)


def find_route(
    routes: Iterable[Route], method: str, segments: list[str]
) -> tuple[Route | None, dict[str, str], list[str]]:
    """The first route for ``method`` matching ``segments`` and its parameters; else
    ``None`` and the methods the path does take (empty: no such endpoint)."""
    allowed: list[str] = []
    for candidate in routes:
        found = candidate.match(segments)
        if found is None:
            continue
        if candidate.method == method:
            return candidate, found, allowed
        allowed.append(candidate.method)
    return None, {}, allowed
