"""Messages over REST: sending, validation, reading rights, edits/deletes, history and pagination."""

from __future__ import annotations

from typing import Any

import pytest

from cometchat_nb.errors import ErrorCode
from cometchat_nb.models import Action, CustomMessage, TextMessage, message_from_wire
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Login, Rest, data, error_code


@pytest.fixture
def one(rest: Rest) -> Login:
    return rest.login("superhero1")


@pytest.fixture
def two(rest: Rest) -> Login:
    return rest.login("superhero2")


def _post(rest: Rest, who: Login, body: dict[str, Any]) -> Any:
    return rest.call("POST", "/messages", token=who.token, json=body, resource=who.resource)


def test_send_text_shape(rest: Rest, one: Login) -> None:
    body = {
        "receiver": "superhero2",
        "receiverType": "user",
        "category": "message",
        "type": "text",
        "data": {"text": "hello", "metadata": {"k": "v"}},
        "text": "hello",
        "muid": "m-1",
        "tags": ["t"],
        "sender": "superhero5",  # a client cannot choose the sender
    }
    msg = data(_post(rest, one, body))
    assert msg["sender"] == "superhero1" and msg["receiver"] == "superhero2"
    assert msg["conversationId"] == "superhero1_user_superhero2"
    assert msg["muid"] == "m-1" and msg["tags"] == ["t"] and msg["data"]["metadata"] == {"k": "v"}
    assert msg["data"]["entities"]["sender"]["entity"]["uid"] == "superhero1"
    assert msg["data"]["entities"]["receiver"] == {
        "entity": msg["data"]["entities"]["receiver"]["entity"],
        "entityType": "user",
    }
    assert isinstance(msg["id"], str) and msg["sentAt"] == msg["updatedAt"]
    model = message_from_wire(msg, source="sent")
    assert isinstance(model, TextMessage) and model.text == "hello"
    assert model.sender is not None and model.sender.name == "Iron Man"
    second = rest.send_text(one, "superhero2", "again")
    assert int(second["id"]) > int(msg["id"])


def test_send_custom(rest: Rest, one: Login) -> None:
    body = {
        "receiver": "supergroup",
        "receiverType": "group",
        "category": "custom",
        "type": "location",
        "data": {"customData": {"lat": 1.5}},
    }
    msg = data(_post(rest, one, body))
    assert msg["conversationId"] == "group_supergroup" and msg["type"] == "location"
    assert msg["data"]["entities"]["receiver"]["entityType"] == "group"
    model = message_from_wire(msg)
    assert isinstance(model, CustomMessage) and model.custom_data == {"lat": 1.5}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"receiverType": "user", "data": {"text": "x"}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "receiverType": "room", "data": {"text": "x"}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "category": "call", "data": {"text": "x"}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "type": "sticker", "data": {"url": "x"}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "type": "image", "data": {}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "data": {"text": ""}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "data": {"text": 5}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "data": "text"}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "data": {"text": "x", "metadata": [1]}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "category": "custom", "type": "loc", "data": {}}, ErrorCode.BAD_REQUEST),
        ({"receiver": "superhero2", "data": {"text": "x"}, "tags": [1]}, ErrorCode.BAD_REQUEST),
        ({"receiver": "ghost", "data": {"text": "x"}}, ErrorCode.UID_NOT_FOUND),
        ({"receiver": "nogroup", "receiverType": "group", "data": {"text": "x"}}, ErrorCode.GUID_NOT_FOUND),
        (
            {"receiver": "superhero2", "data": {"text": "x"}, "parentId": "999"},
            ErrorCode.MESSAGE_ID_NOT_FOUND,
        ),
    ],
)
def test_send_validation(rest: Rest, one: Login, body: dict[str, Any], code: str) -> None:
    assert error_code(_post(rest, one, body)) == code


def test_text_size_limit() -> None:
    with EmbeddedServer(max_text_chars=10) as server, Rest(server) as rest:
        one = rest.login("superhero1")
        r = _post(rest, one, {"receiver": "superhero2", "data": {"text": "x" * 11}})
        assert error_code(r) == ErrorCode.PAYLOAD_TOO_LARGE and r.status_code == 413
        assert (
            data(_post(rest, one, {"receiver": "superhero2", "data": {"text": "x" * 10}}))["data"]["text"]
            == "x" * 10
        )


def test_threads(rest: Rest, one: Login, two: Login) -> None:
    parent = rest.send_text(one, "superhero2", "parent")
    reply = data(
        _post(rest, two, {"receiver": "superhero1", "data": {"text": "reply"}, "parentId": parent["id"]})
    )
    assert reply["parentId"] == parent["id"]
    other = rest.send_text(one, "superhero3", "elsewhere")
    r = _post(rest, two, {"receiver": "superhero1", "data": {"text": "x"}, "parentId": other["id"]})
    assert error_code(r) == ErrorCode.PERMISSION_DENIED  # superhero2 cannot see that conversation


def test_group_send_needs_membership(server: EmbeddedServer, rest: Rest, one: Login) -> None:
    server.create_user("outsider")
    out = rest.login("outsider")
    r = _post(rest, out, {"receiver": "supergroup", "receiverType": "group", "data": {"text": "x"}})
    assert error_code(r) == ErrorCode.NOT_A_MEMBER and r.status_code == 403
    server.create_group("secret", members=["superhero1"], type="private")
    r = _post(rest, out, {"receiver": "secret", "receiverType": "group", "data": {"text": "x"}})
    assert error_code(r) == ErrorCode.NOT_A_MEMBER


def test_read_rights(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    dm = rest.send_text(one, "superhero2", "just us")
    three = rest.login("superhero3")
    assert data(rest.call("GET", f"/messages/{dm['id']}", token=two.token))["id"] == dm["id"]
    r = rest.call("GET", f"/messages/{dm['id']}", token=three.token)
    assert error_code(r) == ErrorCode.PERMISSION_DENIED
    # the DM history between 1 and 2 is not reachable by 3: their "users/superhero2" is their own pair
    assert data(rest.call("GET", "/users/superhero2/messages", token=three.token)) == []
    assert dm["id"] not in [m["id"] for m in data(rest.call("GET", "/messages", token=three.token))]
    for mid in ("999999", "abc", "-1"):
        assert (
            error_code(rest.call("GET", f"/messages/{mid}", token=one.token))
            == ErrorCode.MESSAGE_ID_NOT_FOUND
        )
    grp = rest.send_text(one, "supergroup", "all", receiver_type="group")
    server.create_user("outsider")
    out = rest.login("outsider")
    assert (
        error_code(rest.call("GET", f"/messages/{grp['id']}", token=out.token)) == ErrorCode.PERMISSION_DENIED
    )


def test_edit_and_delete(rest: Rest, one: Login, two: Login) -> None:
    msg = rest.send_text(one, "superhero2", "typo")
    r = rest.call("PUT", f"/messages/{msg['id']}", token=two.token, json={"data": {"text": "hacked"}})
    assert error_code(r) == ErrorCode.PERMISSION_DENIED
    r = rest.call("PUT", f"/messages/{msg['id']}", token=one.token, json={})
    assert error_code(r) == ErrorCode.BAD_REQUEST
    # the answer is the `edited` action; the JS SDK resolves editMessage with its actionOn
    edit_action = data(
        rest.call(
            "PUT",
            f"/messages/{msg['id']}",
            token=one.token,
            json={"data": {"text": "fixed", "metadata": {"e": 1}}},
        )
    )
    assert (edit_action["category"], edit_action["type"]) == ("action", "message")
    assert edit_action["data"]["action"] == "edited" and int(edit_action["id"]) > int(msg["id"])
    edited = edit_action["data"]["entities"]["on"]["entity"]
    assert edit_action["data"]["entities"]["on"]["entityType"] == "message"
    assert edited["data"]["text"] == "fixed" and edited["editedBy"] == "superhero1" and edited["editedAt"]
    assert edited["data"]["metadata"] == {"e": 1} and edited["id"] == msg["id"]
    assert data(rest.call("GET", f"/messages/{msg['id']}", token=two.token))["data"]["text"] == "fixed"

    assert (
        error_code(rest.call("DELETE", f"/messages/{msg['id']}", token=two.token))
        == ErrorCode.PERMISSION_DENIED
    )
    delete_action = data(rest.call("DELETE", f"/messages/{msg['id']}", token=one.token))
    assert delete_action["category"] == "action" and delete_action["data"]["action"] == "deleted"
    deleted = delete_action["data"]["entities"]["on"]["entity"]
    assert deleted["deletedBy"] == "superhero1" and deleted["deletedAt"]
    again = data(rest.call("DELETE", f"/messages/{msg['id']}", token=one.token))  # idempotent
    assert again == delete_action  # the stored action again: nothing new is stored or pushed
    assert again["data"]["entities"]["on"]["entity"]["deletedAt"] == deleted["deletedAt"]
    r = rest.call("PUT", f"/messages/{msg['id']}", token=one.token, json={"data": {"text": "zombie"}})
    assert error_code(r) == ErrorCode.BAD_REQUEST

    history = data(rest.call("GET", "/users/superhero1/messages", token=two.token, params={"per_page": 10}))
    actions = [message_from_wire(m) for m in history if m["category"] == "action"]
    assert [a.action for a in actions if isinstance(a, Action)] == ["edited", "deleted"]
    edited_action = actions[0]
    assert isinstance(edited_action, Action) and edited_action.type == "message"
    assert edited_action.action_by is not None and edited_action.action_by.uid == "superhero1"
    on = edited_action.action_on
    assert isinstance(on, TextMessage) and on.id == msg["id"] and on.text == "fixed"
    hidden = data(
        rest.call("GET", "/users/superhero1/messages", token=two.token, params={"hideDeleted": "true"})
    )
    assert msg["id"] not in [m["id"] for m in hidden]
    # action messages cannot themselves be edited
    r = rest.call("DELETE", f"/messages/{history[-1]['id']}", token=one.token)
    assert error_code(r) == ErrorCode.BAD_REQUEST


def test_edit_custom_message(rest: Rest, one: Login) -> None:
    body = {"receiver": "superhero2", "category": "custom", "type": "poll", "data": {"customData": {"q": 1}}}
    msg = data(_post(rest, one, body))
    edited = data(
        rest.call("PUT", f"/messages/{msg['id']}", token=one.token, json={"data": {"customData": {"q": 2}}})
    )
    assert edited["data"]["entities"]["on"]["entity"]["data"]["customData"] == {"q": 2}


def _page(rest: Rest, who: Login, path: str, **params: Any) -> tuple[list[int], dict[str, Any]]:
    body = rest.call("GET", path, token=who.token, params=params).json()
    assert "data" in body, body
    return [int(m["id"]) for m in body["data"]], body["meta"]


def test_history_pagination(rest: Rest, one: Login, two: Login) -> None:
    ids = [
        int(rest.send_text(one if i % 2 else two, "superhero2" if i % 2 else "superhero1", f"m{i}")["id"])
        for i in range(25)
    ]
    rest.send_text(one, "superhero3", "not in this conversation")
    path = "/users/superhero2/messages"

    # prepend without cursor: the latest page, ascending
    page, meta = _page(rest, one, path, per_page=10, affix="prepend")
    assert page == ids[-10:]
    assert meta["cursor"] == {"affix": "prepend", "sentAt": meta["cursor"]["sentAt"], "id": str(ids[-10])}
    assert (
        meta["pagination"]["total"] == 25
        and meta["pagination"]["total_pages"] == 3
        and meta["pagination"]["count"] == 10
    )
    # walk back with the cursor
    page2, meta2 = _page(rest, one, path, per_page=10, affix="prepend", id=meta["cursor"]["id"])
    assert page2 == ids[5:15] and meta2["pagination"]["total"] == 15
    page3, meta3 = _page(rest, one, path, per_page=10, affix="prepend", id=meta2["cursor"]["id"])
    assert page3 == ids[:5] and meta3["pagination"]["total_pages"] == 1
    empty, meta4 = _page(rest, one, path, per_page=10, affix="prepend", id=meta3["cursor"]["id"])
    assert empty == [] and meta4["cursor"]["id"] == str(ids[0]) and meta4["pagination"]["total"] == 0

    # append: from the start, then forward from the cursor (highest id of the page)
    fwd, fmeta = _page(rest, one, path, per_page=10, affix="append")
    assert fwd == ids[:10] and fmeta["cursor"]["id"] == str(ids[9])
    fwd2, _ = _page(rest, one, path, per_page=10, affix="append", id=fmeta["cursor"]["id"])
    assert fwd2 == ids[10:20]
    # both ends see the same conversation
    assert _page(rest, two, "/users/superhero1/messages", per_page=100)[0] == ids

    # per_page bounds and defaults; unknown flags ignored
    assert len(_page(rest, one, path, withThreadSubscribed="true")[0]) == 25
    assert _page(rest, one, path, per_page=500)[1]["pagination"]["per_page"] == 100
    assert len(_page(rest, one, path, per_page=3)[0]) == 3
    for bad in (
        {"per_page": 0},
        {"per_page": "x"},
        {"affix": "sideways"},
        {"id": "abc"},
        {"sentAt": "yesterday"},
    ):
        assert error_code(rest.call("GET", path, token=one.token, params=bad)) == ErrorCode.BAD_REQUEST


def test_history_sent_at_cursor(rest: Rest, one: Login) -> None:
    msg = rest.send_text(one, "superhero2", "x")
    before, _ = _page(rest, one, "/users/superhero2/messages", sentAt=msg["sentAt"] + 1, affix="prepend")
    assert before == [int(msg["id"])]
    after, _ = _page(rest, one, "/users/superhero2/messages", sentAt=msg["sentAt"] + 1, affix="append")
    assert after == []
    after, _ = _page(rest, one, "/users/superhero2/messages", sentAt=msg["sentAt"] - 1, affix="append")
    assert after == [int(msg["id"])]


def test_history_filters(rest: Rest, one: Login) -> None:
    text = rest.send_text(one, "superhero2", "t")
    custom = data(
        _post(
            rest,
            one,
            {"receiver": "superhero2", "category": "custom", "type": "poll", "data": {"customData": {}}},
        )
    )
    path = "/users/superhero2/messages"
    assert _page(rest, one, path, categories="custom")[0] == [int(custom["id"])]
    assert _page(rest, one, path, types="text")[0] == [int(text["id"])]
    assert _page(rest, one, path, categories="message,custom")[0] == [int(text["id"]), int(custom["id"])]


def test_history_unknown_user(rest: Rest, one: Login) -> None:
    assert error_code(rest.call("GET", "/users/ghost/messages", token=one.token)) == ErrorCode.UID_NOT_FOUND


def test_group_history_and_all_messages(server: EmbeddedServer, rest: Rest, one: Login, two: Login) -> None:
    g = rest.send_text(one, "supergroup", "to all", receiver_type="group")
    dm = rest.send_text(two, "superhero1", "dm")
    other = rest.send_text(two, "superhero3", "not for 1")
    assert _page(rest, one, "/groups/supergroup/messages")[0] == [int(g["id"])]
    everything, _ = _page(rest, one, "/messages")
    assert everything == [int(g["id"]), int(dm["id"])] and int(other["id"]) not in everything
    server.create_user("outsider")
    out = rest.login("outsider")
    r = rest.call("GET", "/groups/supergroup/messages", token=out.token)
    assert error_code(r) == ErrorCode.NOT_A_MEMBER
    assert (
        error_code(rest.call("GET", "/groups/nogroup/messages", token=one.token)) == ErrorCode.GUID_NOT_FOUND
    )
    assert _page(rest, out, "/messages")[0] == []
