"""Routes of threads (a message's replies): ``POST``/``GET messages/{id}/thread``."""

from __future__ import annotations

from typing import Final

from ..service import Service, messages, threads
from .messages import history_query, history_reply
from .routing import Call, Reply, Route, route

__all__ = ["ROUTES"]


def reply(svc: Service, call: Call) -> Reply:
    """``POST messages/{id}/thread``: a reply (JSON or multipart body), stored and pushed."""
    return (
        messages.post_message(
            svc, call.uid, call.body, call.device_id, uploads=call.files, parent=call.params["id"]
        ),
        None,
    )


def thread_messages(svc: Service, call: Call) -> Reply:
    """``GET messages/{id}/thread``: a page of the thread (``setParentMessageId``)."""

    parent = svc.message_or_fail(call.params["id"])
    query = history_query(call.query, call.uid, parent_id=int(parent["id"]))
    page = threads.thread_history(svc, call.uid, parent["id"], query)
    return history_reply(svc, call, query, page)


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "messages/{id}/thread", reply),
    route("GET", "messages/{id}/thread", thread_messages),
)
