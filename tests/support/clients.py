"""Settings and clients pointed at a local server (loopback only, zero backoff)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from cometchat_nb import AppSettingsBuilder, Client, MemorySessionStore
from cometchat_nb.server import EmbeddedServer
from cometchat_nb.settings import AppSettings

from .events import Recorder

__all__ = ["FlakyTransport", "MakeClient", "new_client", "settings_at", "settings_for"]

#: the ``make_client`` fixture of tests/client: ``client, rec = await make_client(uid, **knobs)``
MakeClient = Callable[..., Awaitable[tuple[Client, Recorder]]]


def settings_for(srv: EmbeddedServer, *, manual: bool = False, **knobs: Any) -> AppSettings:
    """Settings pointing at ``srv`` (its region and hosts, its CA for TLS), with ``knobs`` replaced."""
    builder = (
        AppSettingsBuilder()
        .subscribe_presence_for_all_users()
        .set_region(srv.region)
        .auto_establish_socket_connection(not manual)
        .override_client_host(srv.url)
        .override_admin_host(srv.url)
    )
    if srv.ca_file:
        builder.set_verify(srv.ca_file)
    return builder.build().replace(**knobs) if knobs else builder.build()


def settings_at(url: str, *, manual: bool = False, **knobs: Any) -> AppSettings:
    """Settings pointing at a server's REST ``url`` (a server in another process)."""
    settings = (
        AppSettingsBuilder()
        .set_region("eu")
        .auto_establish_socket_connection(not manual)
        .override_client_host(url)
        .override_admin_host(url)
        .build()
    )
    return settings.replace(**knobs) if knobs else settings


def new_client(
    app_id: str,
    settings: AppSettings,
    *,
    backoff: Callable[[int], float] = lambda attempt: 0.0,
    name: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Client, Recorder]:
    """A client with an in-memory session store and a Recorder sink."""
    client = Client(
        app_id, settings, store=MemorySessionStore(), backoff=backoff, name=name, transport=transport
    )
    rec = Recorder()
    client.add_event_sink(rec)
    return client, rec


class FlakyTransport(httpx.AsyncBaseTransport):
    """An httpx transport that fails the requests ``fail(request)`` selects (a REST outage
    that leaves the web-socket up), and counts requests by path."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.fail: Callable[[httpx.Request], bool] | None = None
        self.failed = 0
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        if self.fail is not None and self.fail(request):
            self.failed += 1
            raise httpx.ConnectError("injected REST outage", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
