"""Every parser of the sans-I/O layer is total on arbitrary JSON.

One generated value is fed to all of them, so the property costs one
hypothesis run: each returns its model (which must then be usable) or raises
the documented CometChat error, never KeyError/TypeError/AttributeError/
IndexError/ValueError/OverflowError/RecursionError.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from cometchat_nb.errors import CometChatException, ProtocolError, error_from_wire
from cometchat_nb.models import Group, GroupMember, User, message_from_wire
from cometchat_nb.protocol.rest import Meta, ServerSettings, parse_envelope

from ..support.strategies import decode_object_total, json_values


def _bounded(exc: CometChatException) -> None:
    assert exc.code and exc.message is not None
    assert len(str(exc)) < 1000


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_all_parsers_are_total_on_any_json(obj: Any) -> None:
    decode_object_total(obj)

    for decoder in (User.from_wire, Group.from_wire, GroupMember.from_wire, message_from_wire):
        try:
            decoder(obj)
        except ProtocolError as exc:
            _bounded(exc)

    e = error_from_wire(obj)
    assert isinstance(e, CometChatException) and e.code in str(e)
    e.to_dict()
    repr(e)

    meta = Meta.from_wire(obj)
    assert isinstance(meta.pagination.total, int)
    meta.to_wire()

    try:
        parse_envelope(obj)
    except CometChatException as exc:
        _bounded(exc)

    try:
        ServerSettings.from_wire(obj).hosts()
    except ProtocolError as exc:
        _bounded(exc)
