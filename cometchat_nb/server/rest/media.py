"""Route of uploaded files: ``GET media/{id}.{ext}`` (see :mod:`..service.media`)."""

from __future__ import annotations

from typing import Final

from ..service import Service, media
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]


def fetch(svc: Service, call: Call) -> Reply:
    """The file's bytes (a :class:`~..service.media.Blob`), for who may read its message."""
    return media.fetch_media(svc, call.uid, call.params["file"]), None


ROUTES: Final[tuple[Route, ...]] = (route("GET", "media/{file}", fetch, auth="media"),)
