"""The socket reader's decoder: text-message frames straight from bytes to models (msgspec).

Nearly every frame a busy client reads is a ``message`` frame carrying a text
message. :func:`decode` reads those with a typed `msgspec`_ decoder: one pass
over the bytes builds small C structs of just the fields the model needs
(``data.entities``, half of a frame, is skipped unparsed; the structs are not
tracked by the garbage collector), and
:func:`~cometchat_nb.models.message_kinds.live_text_message` copies them into the
:class:`~cometchat_nb.models.TextMessage`. That is ≈2.5× cheaper per frame than
``orjson.loads`` into dicts and then walking them (``bench/profile_ingest.py``).

Everything else — another frame type, another kind of message, a field of an
unexpected type (a numeric id, a string timestamp …), invalid JSON — falls back
to :func:`cometchat_nb.protocol.codec.decode`, the one general decoder, so
the lenient rules and error messages live in one place and the two paths give
equal frames for every input (``tests/client/test_wire.py`` checks that with
hypothesis). The message keeps the frame's bytes and parses them again with
``orjson`` if :attr:`~cometchat_nb.models.BaseMessage.raw` is asked for.

.. _msgspec: https://jcristharif.com/msgspec/
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
import orjson

from ..models import TextMessage
from ..models.message_kinds import live_text_message
from ..protocol import codec
from ..protocol.frames import Frame

__all__ = ["TextFrame", "decode"]

# The typed view of a frame. Values a text message needs are typed strictly: anything
# else (a numeric id, a string timestamp, a text that is not a string …) makes the
# decoder refuse the frame, and the general decoder applies its lenient rules. Where
# msgspec and orjson read the same JSON differently, the view takes only what both read
# alike: signed 64-bit integers (orjson reads a float past 64 bits; msgspec checks bounds only
# within int64), and the
# metadata object as its raw JSON, parsed with orjson (its numbers could be anything).
# Values that only count when they are strings (sender, receiver …) are ``Any``.
_Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
# (a Raw, not Raw | None: msgspec reads that union as null only; an absent field is the empty Raw)
_RawJSON = msgspec.Raw
_ABSENT: Final = msgspec.Raw()


class _Data(msgspec.Struct, gc=False):
    text: str | None = None
    metadata: _RawJSON = _ABSENT


class _Body(msgspec.Struct, gc=False):
    id: str | None = None
    type: Any = None
    category: str | None = None
    muid: str | None = None
    conversationId: str | None = None
    sender: Any = None
    receiver: Any = None
    receiverType: Any = None
    sentAt: _Int | None = None
    updatedAt: _Int | None = None
    editedAt: _Int | None = None
    editedBy: str | None = None
    deletedAt: _Int | None = None
    deletedBy: str | None = None
    parentId: str | None = None
    parentMessageId: str | None = None
    tags: list[str] | None = None
    metadata: _RawJSON = _ABSENT
    text: str | None = None
    data: _Data | None = None


class _MessageFrame(msgspec.Struct, gc=False, tag_field="type", tag="message"):
    body: _Body
    appId: str | None = None
    deviceId: str | None = None
    sender: str | None = None
    receiver: str | None = None
    receiverType: str | None = None


class TextFrame(msgspec.Struct, gc=False):
    """A ``message`` frame that carries a text message, as the client reads it.

    What :func:`decode` gives for the frames it reads itself, instead of a
    :class:`~cometchat_nb.protocol.frames.MessageFrame`: the message, and the
    device that sent it (the router drops the client's own echoes). The other
    envelope fields (``appId``, ``sender``, ``receiver``, ``receiverType``)
    are not kept: the message has its own sender and receiver. A small C struct
    the garbage collector does not track, built in a tenth of a
    ``MessageFrame``'s time.
    """

    message: TextMessage
    device_id: str | None


_decode_view = msgspec.json.Decoder(_MessageFrame).decode
_RECEIVER_TYPES: Final = {"user": "user", "group": "group", "chat": "user", "groupchat": "group"}
# orjson refuses JSON nested deeper than 1024 levels; msgspec skips an unknown field
# (data.entities) however deep it is on Python 3.12+ (3.11's recursion limit stopped it).
# A frame with more than _MAX_OPENERS brackets may be that deep: the general decoder reads it.
# Nesting needs an opener and a closer per level, so a short frame cannot be.
_MAX_OPENERS: Final = 512
_SHORT: Final = 2 * _MAX_OPENERS


def decode(data: bytes) -> Frame | TextFrame:
    """One frame from the socket: a :class:`TextFrame` for a text message, else the frame
    :func:`codec.decode` gives.

    Raises :class:`~cometchat_nb.errors.ProtocolError` as :func:`codec.decode` does.
    """
    if len(data) > _SHORT and data.count(b"{") + data.count(b"[") > _MAX_OPENERS:
        return codec.decode(data, loads=orjson.loads)
    try:
        view = _decode_view(data)
    except (msgspec.DecodeError, RecursionError):  # not a message frame, or one for the general decoder
        return codec.decode(data, loads=orjson.loads)
    rt = view.receiverType
    if rt is not None and rt not in _RECEIVER_TYPES:
        return codec.decode(data, loads=orjson.loads)
    try:
        message = live_text_message(view.body, data, orjson.loads)
    except orjson.JSONDecodeError:  # metadata orjson refuses (1e400): the general decoder says so
        return codec.decode(data, loads=orjson.loads)
    if message is None:
        return codec.decode(data, loads=orjson.loads)
    return TextFrame(message, view.deviceId)
