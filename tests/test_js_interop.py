"""A Python SDK user and an OFFICIAL JS SDK user (Node, ``tests/js/driver.js``)
talk through the embedded server: text both ways, typing both ways and
presence both ways, over plain http/ws and over TLS; and wire facts the official
SDK relies on (user status filter, settings key, scope-change actions)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cometchat_nb import CustomMessage, TextMessage, TypingIndicator
from cometchat_nb.server import EmbeddedServer

from .node_driver import WAIT, MakePy, NodeDriver, python_clients, require_node
from .support import Recorder

pytestmark = pytest.mark.node

JS_UID = "superhero1"
PY_UID = "superhero2"


@pytest.fixture(params=["plain", "tls"])
def server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    require_node()
    with EmbeddedServer(tls=request.param == "tls", auth_timeout=5.0) as srv:
        yield srv


@pytest.fixture
async def make_py(server: EmbeddedServer) -> AsyncIterator[MakePy]:
    async with python_clients(server) as make:
        yield make


def presence(rec: Recorder, name: str, uid: str) -> list[object]:
    return [u for u in rec.args(name) if u.uid == uid]


async def test_python_and_official_js_sdk_chat_type_and_see_each_other(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    py, rec = await make_py(PY_UID)
    # auto mode (autoEstablishSocketConnection on), subscribePresenceForAllUsers
    js = NodeDriver(server, "interop", tmp_path / "localStorage.json", uid=JS_UID)
    try:
        await js.step("init")
        await js.step("login")
        await js.expect("onConnected")  # login opened the socket by itself
        await js.expect("ready")
        # both SDKs report their logged-in user as online
        js_me = (await js.call("getLoggedInUser"))["user"]
        assert (js_me["uid"], js_me["status"]) == (JS_UID, "online")
        py_me = py.get_logged_in_user()
        assert py_me is not None and (py_me.uid, py_me.getStatus()) == (PY_UID, "online")

        # presence JS → Python: the JS user came online
        await rec.wait(lambda r: bool(presence(r, "onUserOnline", JS_UID)))
        (js_online,) = presence(rec, "onUserOnline", JS_UID)
        assert js_online.getStatus() == "online" and js_online.getName() == "Iron Man"

        # text Python → JS
        sent = await py.send_message(TextMessage(JS_UID, "hello node", "user"))
        got = await js.expect("onTextMessageReceived", id=sent.id)
        assert (got["text"], got["sender"], got["receiver"], got["receiverType"]) == (
            "hello node",
            PY_UID,
            JS_UID,
            "user",
        )

        # text JS → Python
        reply = (await js.call("sendMessage", to=PY_UID, text="hello python"))["message"]
        await rec.wait(lambda r: any(m.id == reply["id"] for m in r.args("onTextMessageReceived")))
        (msg,) = [m for m in rec.args("onTextMessageReceived") if m.id == reply["id"]]
        assert msg.getText() == "hello python" and msg.getSender().getUid() == JS_UID
        assert msg.getReceiverId() == PY_UID and msg.getConversationId() == sent.getConversationId()

        # typing JS → Python
        await js.call("startTyping", to=PY_UID, metadata={"mood": "curious"})
        (typing,) = await rec.wait_for("onTypingStarted")
        assert typing.getSender().getUid() == JS_UID
        assert (typing.getReceiverId(), typing.getReceiverType()) == (PY_UID, "user")
        assert typing.getMetadata() == {"mood": "curious"}
        await js.call("endTyping", to=PY_UID)
        (ended,) = await rec.wait_for("onTypingEnded")
        assert ended.getSender().getUid() == JS_UID

        # typing Python → JS
        await py.start_typing(TypingIndicator(JS_UID, "user", {"mood": "busy"}))
        started = await js.expect("onTypingStarted")
        assert (started["sender"], started["receiver"], started["metadata"]) == (
            PY_UID,
            JS_UID,
            {"mood": "busy"},
        )
        await py.end_typing(TypingIndicator(JS_UID, "user"))
        assert (await js.expect("onTypingEnded"))["sender"] == PY_UID

        # presence Python → JS: offline, then online again
        await py.disconnect()
        off = await js.expect("onUserOffline", uid=PY_UID)
        assert off["status"] == "offline" and off["lastActiveAt"]
        await py.connect(timeout=WAIT)
        on = await js.expect("onUserOnline", uid=PY_UID)
        assert on["status"] == "online"

        # presence JS → Python: the JS user disconnects, then connects again
        await js.call("disconnect")
        await rec.wait(lambda r: bool(presence(r, "onUserOffline", JS_UID)))
        (js_offline,) = presence(rec, "onUserOffline", JS_UID)
        assert js_offline.getStatus() == "offline" and js_offline.getLastActiveAt()
        await js.call("connect")
        await js.expect("ready")
        await rec.wait(lambda r: len(presence(r, "onUserOnline", JS_UID)) == 2)

        # and the reconnected JS user still gets messages
        again = await py.send_message(TextMessage(JS_UID, "still there?", "user"))
        assert (await js.expect("onTextMessageReceived", id=again.id))["text"] == "still there?"
        assert not js.seen("error")
        assert js.exit_code() == 0
    finally:
        js.close()


async def test_edits_deletes_custom_and_group_messages_cross_the_sdks(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    """``PUT``/``DELETE messages/{id}`` answer the edited/deleted *action* (the
    JS SDK resolves editMessage/deleteMessage with its ``actionOn``), and both
    SDKs see the other's edits, deletions, custom and group messages."""
    py, rec = await make_py(PY_UID)
    js = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    try:
        await js.expect("ready")

        # JS edits and deletes its own message; the results are the message itself
        sent = (await js.call("sendMessage", to=PY_UID, text="tpyo", metadata={"v": 1}))["message"]
        edited = (await js.call("editMessage", to=PY_UID, id=sent["id"], text="typo"))["message"]
        assert (edited["id"], edited["text"], edited["category"]) == (sent["id"], "typo", "message")
        assert edited["editedAt"] and edited["metadata"] == {"v": 1}
        (on_edit,) = await rec.wait_for("onMessageEdited")
        assert on_edit.id == sent["id"] and on_edit.getText() == "typo"
        deleted = (await js.call("deleteMessage", id=sent["id"]))["message"]
        assert deleted["id"] == sent["id"] and deleted["deletedAt"]
        (on_delete,) = await rec.wait_for("onMessageDeleted")
        assert on_delete.id == sent["id"] and on_delete.getDeletedAt()
        details = (await js.call("getMessageDetails", id=sent["id"]))["message"]
        assert details["deletedAt"] == deleted["deletedAt"] and details["text"] == "typo"

        # Python edits and deletes; JS hears both
        mine = await py.send_message(TextMessage(JS_UID, "helo", "user"))
        await js.expect("onTextMessageReceived", id=mine.id)
        mine.setText("hello")
        fixed = await py.edit_message(mine)
        assert fixed.id == mine.id and fixed.getText() == "hello" and fixed.getEditedAt()
        js_edit = await js.expect("onMessageEdited", id=mine.id)
        assert js_edit["text"] == "hello" and js_edit["editedAt"] and js_edit["sender"] == PY_UID
        gone = await py.delete_message(mine.id)
        assert gone.id == mine.id and gone.getDeletedAt()
        assert (await js.expect("onMessageDeleted", id=mine.id))["deletedAt"]

        # custom messages both ways
        custom = CustomMessage(JS_UID, "user", "location", {"lat": 52.5})
        custom.setMetadata({"k": "v"})
        sent_custom = await py.send_custom_message(custom)
        got_custom = await js.expect("onCustomMessageReceived", id=sent_custom.id)
        assert (got_custom["type"], got_custom["category"]) == ("location", "custom")
        assert got_custom["customData"] == {"lat": 52.5} and got_custom["metadata"] == {"k": "v"}
        js_custom = (await js.call("sendCustomMessage", to=PY_UID, customType="poll", data={"q": "tea?"}))[
            "message"
        ]
        await rec.wait(lambda r: any(m.id == js_custom["id"] for m in r.args("onCustomMessageReceived")))
        (py_custom,) = [m for m in rec.args("onCustomMessageReceived") if m.id == js_custom["id"]]
        assert py_custom.getType() == "poll" and py_custom.getCustomData() == {"q": "tea?"}

        # a group both are members of: text and typing
        await js.call("sendMessage", to="supergroup", receiverType="group", text="hello group")
        await rec.wait(lambda r: any(m.getReceiverType() == "group" for m in r.args("onTextMessageReceived")))
        await py.send_message(TextMessage("supergroup", "hi all", "group"))
        got_group = await js.expect("onTextMessageReceived", receiverType="group")
        assert (got_group["text"], got_group["receiver"], got_group["sender"]) == (
            "hi all",
            "supergroup",
            PY_UID,
        )
        await py.start_typing(TypingIndicator("supergroup", "group"))
        group_typing = await js.expect("onTypingStarted", receiverType="group")
        assert (group_typing["sender"], group_typing["receiver"]) == (PY_UID, "supergroup")
        history = (await js.call("fetchPrevious", guid="supergroup"))["messages"]
        assert [m["text"] for m in history] == ["hello group", "hi all"]
        assert not js.seen("error")
        assert js.exit_code() == 0
    finally:
        js.close()


async def test_group_join_and_leave_seen_across_the_sdks(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    """joinGroup answers the ``joined`` action (the JS SDK reads the group from
    ``data.entities.for.entity``); leaveGroup is ``DELETE groups/{guid}/members``.
    Each SDK sees the other join and leave."""
    server.create_group("readers", "Readers", members=["superhero3"])
    py, rec = await make_py(PY_UID)
    js = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    try:
        await js.expect("ready")
        joined = (await js.call("joinGroup", guid="readers"))["group"]
        assert joined == {"guid": "readers", "name": "Readers", "hasJoined": True}
        group = await py.join_group("readers")
        assert (group.guid, group.name, group.has_joined) == ("readers", "Readers", True)
        seen = await js.expect("onGroupMemberJoined", uid=PY_UID)
        assert (seen["action"], seen["guid"]) == ("joined", "readers")

        await js.call("sendMessage", to="readers", receiverType="group", text="hi readers")
        await rec.wait(lambda r: any(m.getReceiverId() == "readers" for m in r.args("onTextMessageReceived")))

        assert (await js.call("leaveGroup", guid="readers"))["value"] is True
        await rec.wait(lambda r: r.count("onGroupMemberLeft") >= 1)
        action, user, left_group = rec.args("onGroupMemberLeft")[0]
        assert (action.getAction(), user.uid, left_group.guid) == ("left", JS_UID, "readers")
        assert await py.leave_group("readers") is True
        assert not js.seen("error")
        assert js.exit_code() == 0
    finally:
        js.close()


def _scope_changed_frame(server: EmbeddedServer, *, by: str, on: str, old: str, new: str) -> str:
    """A ``scopeChanged`` group action as a ``message`` frame, in the shape the official
    SDK reads (``Action.actionFromJSON``: ``data.extras.scope.{old,new}``, both needed).
    (The embedded server now sends it itself: tests/test_js_groups.py; this frame pins the shape.)"""
    now = int(time.time())
    body = {
        "id": "1000000000",
        "conversationId": "group_supergroup",
        "sender": by,
        "receiver": "supergroup",
        "receiverType": "group",
        "category": "action",
        "type": "groupMember",
        "data": {
            "action": "scopeChanged",
            "extras": {"scope": {"old": old, "new": new}},
            "entities": {
                "by": {"entity": {"uid": by, "name": by}, "entityType": "user"},
                "on": {"entity": {"uid": on, "name": on, "scope": new}, "entityType": "user"},
                "for": {
                    "entity": {"guid": "supergroup", "name": "Super Group", "type": "public"},
                    "entityType": "group",
                },
            },
        },
        "sentAt": now,
        "updatedAt": now,
    }
    frame = {
        "type": "message",
        "appId": server.app_id,
        "receiver": "supergroup",
        "receiverType": "group",
        "deviceId": "server",
        "sender": by,
        "body": body,
    }
    return json.dumps(frame)


async def test_official_sdk_status_filter_settings_key_and_scope_change(
    server: EmbeddedServer, make_py: MakePy, tmp_path: Path
) -> None:
    """Three wire facts of the official SDK (issue 11, item 5):

    * ``UsersRequestBuilder().setStatus(USER_STATUS.ONLINE)`` sends ``status=available``
      and the server answers the online users (it answered 400);
    * the settings carry the SDK's own key ``CHAT_USE_SSL`` (the invented
      ``CHAT_USE_TLS`` is gone), true over TLS and false over plain http/ws;
    * one ``scopeChanged`` frame in the SDK's shape (``data.extras.scope``) gives both
      SDKs the same member, new scope and old scope.
    """
    py, rec = await make_py(PY_UID)
    js = NodeDriver(server, "login", tmp_path / "localStorage.json", uid=JS_UID)
    try:
        await js.expect("ready")
        online = (await js.call("fetchUsers", status="ONLINE"))["users"]
        assert sorted((u["uid"], u["status"]) for u in online) == [(JS_UID, "online"), (PY_UID, "online")]
        (query,) = [
            urlsplit(f["url"]).query for f in js.seen("fetch") if urlsplit(f["url"]).path == "/v3.0/users"
        ]
        # the SDK's constant says "online", its request says "available"
        assert (await js.call("sdkConstant", path=["USER_STATUS", "ONLINE"]))["value"] == "online"
        assert "status=available" in query.split("&"), query
        offline = (await js.call("fetchUsers", status="OFFLINE"))["users"]
        assert offline and {u["status"] for u in offline} == {"offline"}
        assert not {JS_UID, PY_UID} & {u["uid"] for u in offline}
        # the Python SDK's own filter speaks the same value
        mine = await py.users_request().setStatus("online").build().fetch_next()
        assert sorted(u.uid for u in mine) == [JS_UID, PY_UID]

        settings = (await js.call("getAppSettings"))["settings"]
        assert settings["CHAT_USE_SSL"] is server.tls and "CHAT_USE_TLS" not in settings

        frame = _scope_changed_frame(server, by="superhero3", on=PY_UID, old="participant", new="moderator")
        assert server.push_frames(JS_UID, [frame]) == 1
        assert server.push_frames(PY_UID, [frame]) == 1
        got = await js.expect("onGroupMemberScopeChanged")
        assert (got["action"], got["uid"], got["by"], got["guid"]) == (
            "scopeChanged",
            PY_UID,
            "superhero3",
            "supergroup",
        )
        assert (got["newScope"], got["oldScope"]) == ("moderator", "participant")
        ((action, user, new_scope, old_scope, group),) = await rec.wait_for("onGroupMemberScopeChanged")
        assert (action.getAction(), user.uid, action.getActionBy().uid, group.guid) == (
            "scopeChanged",
            PY_UID,
            "superhero3",
            "supergroup",
        )
        assert (new_scope, old_scope) == (got["newScope"], got["oldScope"])
        assert (action.getNewScope(), action.getOldScope()) == ("moderator", "participant")
        assert not js.seen("error")
        assert js.exit_code() == 0
    finally:
        js.close()
