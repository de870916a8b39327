"""Models: class selection (protocol.md §3.5), JS getters, the POST messages body, wire round trips."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cometchat_nb.errors import ErrorCode, InvalidArgumentError, ProtocolError
from cometchat_nb.models import (
    CATEGORY,
    RECEIVER_TYPE,
    Action,
    Attachment,
    BaseMessage,
    Call,
    CustomMessage,
    Group,
    GroupMember,
    MediaMessage,
    TextMessage,
    TypingIndicator,
    User,
    message_from_wire,
)

from .support.strategies import message_like, users
from .support.wire import HIM, text_body

#: the §3.5 message, with metadata, a sender status the SDK maps to "online", and an edit time
MSG = text_body(metadata={"k": "v"}, updatedAt=1795889916)
MSG["data"]["entities"]["sender"]["entity"] = {**HIM, "status": "available"}


def msg(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(MSG)
    out.update(changes)
    return out


# ----------------------------------------------------------------------------
# class selection


@pytest.mark.parametrize(
    ("category", "mtype", "cls"),
    [
        ("message", "text", TextMessage),
        ("message", "custom", CustomMessage),
        ("message", "image", MediaMessage),
        ("message", "video", MediaMessage),
        ("message", "audio", MediaMessage),
        ("message", "file", MediaMessage),
        ("message", None, MediaMessage),
        (None, "text", TextMessage),  # a missing category means "message"
        (None, "file", MediaMessage),
        ("custom", "location", CustomMessage),
        ("custom", "text", CustomMessage),
        ("action", "groupMember", Action),
        ("action", "message", Action),
        ("call", "audio", Call),
        ("call", "video", Call),
        ("interactive", "form", BaseMessage),
        ("agentic", "assistant", BaseMessage),
        (5, "text", BaseMessage),
        (["message"], "text", BaseMessage),
    ],
)
def test_message_class_selection(category: Any, mtype: Any, cls: type[BaseMessage]) -> None:
    obj = msg()
    obj.pop("category")
    obj.pop("type")
    if category is not None:
        obj["category"] = category
    if mtype is not None:
        obj["type"] = mtype
    m = message_from_wire(obj)
    assert type(m) is cls


def test_text_message_getters() -> None:
    m = message_from_wire(MSG, source="history")
    assert isinstance(m, TextMessage)
    assert m.getId() == "100" and isinstance(m.getId(), str)
    assert m.getMuid() == "srv-a5fd3d46"
    assert m.getText() == "hello"
    sender = m.getSender()
    assert isinstance(sender, User)
    assert sender.getUid() == "superhero2"
    assert sender.getName() == "Captain America"
    assert sender.getStatus() == "online"  # "available" is online
    receiver = m.getReceiver()
    assert isinstance(receiver, User) and receiver.getUid() == "superhero1"
    assert m.getReceiverId() == "superhero1"
    assert m.getReceiverType() == RECEIVER_TYPE.USER
    assert m.getCategory() == CATEGORY.MESSAGE
    assert m.getType() == "text"
    assert m.getSentAt() == 1795889915
    assert m.getUpdatedAt() == 1795889916
    assert m.getConversationId() == "superhero1_user_superhero2"
    assert m.getMetadata() == {"k": "v"}
    assert m.getData() == MSG["data"]
    assert m.source == "history" and not m.is_catchup
    assert m.getReplyCount() == 0
    assert m.getDeliveredAt() is None and m.getReadAt() is None
    assert "TextMessage(id='100'" in repr(m) and "hello" in repr(m)


def test_numeric_id_becomes_a_string() -> None:
    m = message_from_wire(msg(id=100))
    assert m.getId() == "100"


@pytest.mark.parametrize("sent_at", ["1795889915", 1795889915.7])
def test_sent_at_tolerates_text_and_floats(sent_at: Any) -> None:
    assert message_from_wire(msg(sentAt=sent_at)).getSentAt() == 1795889915


@pytest.mark.parametrize("sent_at", ["soon", "²", float("inf"), float("nan"), True, [1], None])
def test_sent_at_junk_is_none(sent_at: Any) -> None:
    assert message_from_wire(msg(sentAt=sent_at)).getSentAt() is None


def test_sender_without_entities_is_the_plain_uid() -> None:
    obj = msg()
    obj["data"] = {"text": "hi"}
    m = message_from_wire(obj)
    sender = m.getSender()
    assert sender == User(uid="superhero2")
    assert m.getReceiver() == User(uid="superhero1")


def test_group_receiver_without_entities_is_a_group() -> None:
    obj = msg(receiver="avengers", receiverType="group")
    obj["data"] = {"text": "hi"}
    receiver = message_from_wire(obj).getReceiver()
    assert isinstance(receiver, Group) and receiver.getGuid() == "avengers"


@pytest.mark.parametrize(
    "entity",
    [
        {"entity": {"name": "no uid"}, "entityType": "user"},
        {"entity": {"uid": ""}, "entityType": "user"},
        {"entity": {"uid": ["x"]}, "entityType": "user"},
        {"entity": {"name": "no guid"}, "entityType": "group"},
        {"entity": "superhero2"},
        "superhero2",
    ],
)
def test_malformed_sender_entity_falls_back_to_uid(entity: Any) -> None:
    """The getters are lazy; a bad entity must not make getSender() raise."""
    obj = msg()
    obj["data"]["entities"]["sender"] = entity
    obj["data"]["entities"]["receiver"] = entity
    m = message_from_wire(obj)
    assert m.getSender() == User(uid="superhero2")
    assert m.getReceiver() == User(uid="superhero1")


def test_group_entity_sender_falls_back_to_uid() -> None:
    obj = msg()
    obj["data"]["entities"]["sender"] = {"entity": {"guid": "g"}, "entityType": "group"}
    assert message_from_wire(obj).getSender() == User(uid="superhero2")


@pytest.mark.parametrize("rtype", ["channel", None, 1, ["user"], {"a": 1}])
def test_unknown_receiver_type_on_the_wire_defaults_to_user(rtype: Any) -> None:
    assert message_from_wire(msg(receiverType=rtype)).getReceiverType() == "user"


@pytest.mark.parametrize("metadata", ["x", 1, ["a"], None])
def test_non_object_metadata_is_ignored(metadata: Any) -> None:
    obj = msg()
    obj["data"]["metadata"] = metadata
    assert message_from_wire(obj).getMetadata() is None


def test_top_level_metadata_is_used_when_data_has_none() -> None:
    obj = msg(metadata={"top": 1})
    del obj["data"]["metadata"]
    assert message_from_wire(obj).getMetadata() == {"top": 1}


def test_parent_id_is_renamed() -> None:
    assert message_from_wire(msg(parentId="7")).getParentMessageId() == "7"
    assert message_from_wire(msg(parentMessageId=8)).getParentMessageId() == "8"


def test_derived_fields() -> None:
    m = message_from_wire(
        msg(deliveredAt=1, readAt="2", editedAt=3, deletedAt=4, editedBy="a", deletedBy="b", replyCount=5)
    )
    assert (m.getDeliveredAt(), m.getReadAt(), m.getEditedAt(), m.getDeletedAt()) == (1, 2, 3, 4)
    assert (m.getEditedBy(), m.getDeletedBy(), m.getReplyCount()) == ("a", "b", 5)


def test_text_falls_back_to_top_level_and_is_stringified() -> None:
    obj = msg(text="top")
    obj["data"] = {}
    m = message_from_wire(obj)
    assert isinstance(m, TextMessage) and m.getText() == "top"
    obj["data"] = {"text": 5}
    m = message_from_wire(obj)
    assert isinstance(m, TextMessage) and m.getText() == "5"
    obj = msg()
    obj["data"] = "junk"
    m = message_from_wire(obj)
    assert isinstance(m, TextMessage) and m.getText() == "" and m.getMetadata() is None


def test_custom_message_from_wire() -> None:
    obj = msg(category="custom", type="location", subType="pin")
    obj["data"] = {"customData": {"lat": 1}}
    m = message_from_wire(obj)
    assert isinstance(m, CustomMessage)
    assert m.getCustomData() == {"lat": 1}
    assert m.getSubType() == "pin"
    assert m.custom_type == "location"
    obj["data"] = {"customData": [1]}
    m = message_from_wire(obj)
    assert isinstance(m, CustomMessage) and m.getCustomData() == {}


@pytest.mark.parametrize("obj", [None, [], "msg", 1])
def test_message_must_be_an_object(obj: Any) -> None:
    with pytest.raises(ProtocolError, match="message must be a JSON object"):
        message_from_wire(obj)


@pytest.mark.parametrize(
    ("mid", "hint"),
    [
        (None, "missing required field 'id'"),
        ("", "'id' must not be empty"),
        ([1], "'id' must be a string, got list"),
        (True, "'id' must be a string, got bool"),
        ({"id": 1}, "'id' must be a string, got dict"),
    ],
)
def test_missing_or_bad_id(mid: Any, hint: str) -> None:
    obj = msg()
    if mid is None:
        del obj["id"]
    else:
        obj["id"] = mid
    with pytest.raises(ProtocolError, match=hint):
        message_from_wire(obj)


# ----------------------------------------------------------------------------
# outgoing messages


def test_text_message_post_body_is_the_js_sdk_shape() -> None:
    m = TextMessage("superhero2", "hi", "user")
    assert m.to_wire() == {
        "type": "text",
        "receiverType": "user",
        "category": "message",
        "data": {"text": "hi"},
        "text": "hi",
        "receiver": "superhero2",
    }
    assert m.getText() == "hi" and m.getReceiverId() == "superhero2"
    assert m.getId() is None and m.source == "local"


def test_text_message_default_receiver_type_is_user() -> None:
    assert TextMessage("superhero2", "hi").getReceiverType() == "user"
    assert TextMessage("g1", "hi", RECEIVER_TYPE.GROUP).to_wire()["receiverType"] == "group"


def test_optional_fields_are_sent_only_when_set() -> None:
    m = TextMessage("superhero2", "hi", "user")
    m.setMuid("m-1")
    m.setTags(["a", "b"])
    m.setMetadata({"k": "v"})
    out = m.to_wire()
    assert out["muid"] == "m-1"
    assert out["tags"] == ["a", "b"]
    # the JS SDK's setMetadata puts metadata both at the top and in data
    assert out["metadata"] == {"k": "v"}
    assert out["data"] == {"text": "hi", "metadata": {"k": "v"}}
    m.setText("bye")
    assert m.to_wire()["text"] == "bye" and m.to_wire()["data"]["text"] == "bye"


def test_parent_message_id_goes_out_as_parent_id() -> None:
    m = TextMessage("superhero2", "hi")
    m.setParentMessageId(7)  # type: ignore[arg-type]
    assert m.getParentMessageId() == "7"
    assert m.to_wire()["parentId"] == "7"


def test_text_message_kwargs() -> None:
    m = TextMessage("u", "t", metadata={"a": 1}, tags=["x"], muid="m")
    assert (m.getMetadata(), m.getTags(), m.getMuid()) == ({"a": 1}, ["x"], "m")


def test_custom_message_constructor_and_body() -> None:
    m = CustomMessage("superhero2", "user", "location", {"lat": 1})
    assert m.to_wire() == {
        "receiver": "superhero2",
        "receiverType": "user",
        "category": "custom",
        "type": "location",
        "data": {"customData": {"lat": 1}},
    }
    assert m.getCustomData() == {"lat": 1}
    assert m.getCategory() == "custom" and m.getType() == "location"
    m.setCustomData({"lat": 2})
    assert m.to_wire()["data"]["customData"] == {"lat": 2}
    assert CustomMessage("g", "group", "poll").getCustomData() == {}


def test_custom_message_copies_custom_data() -> None:
    data = {"a": 1}
    m = CustomMessage("u", "user", "t", data)
    data["a"] = 2
    assert m.getCustomData() == {"a": 1}


def test_custom_message_needs_a_type() -> None:
    with pytest.raises(InvalidArgumentError, match="customType"):
        CustomMessage("u", "user", "")


@pytest.mark.parametrize("bad", ["users", "USER", "", "chat", None, 1, ["user"]])
def test_invalid_receiver_type_is_rejected(bad: Any) -> None:
    for make in (
        lambda: TextMessage("u", "hi", bad),
        lambda: CustomMessage("u", bad, "t"),
        lambda: MediaMessage("u", receiver_type=bad),
        lambda: TypingIndicator("u", bad),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            make()
        assert info.value.code == ErrorCode.INVALID_RECEIVER_TYPE == "INVALID_RECEIVER_TYPE"
        assert "receiverType must be 'user' or 'group'" in info.value.message
    m = TextMessage("u", "hi")
    with pytest.raises(InvalidArgumentError):
        m.setReceiverType(bad)
    assert m.getReceiverType() == "user"


def test_media_message_body() -> None:
    m = MediaMessage("u", "https://x/y.png", "image")
    m.caption = "cap"
    m.attachments = [Attachment(url="https://x/y.png")]
    assert m.to_wire()["data"] == {
        "url": "https://x/y.png",
        "text": "cap",
        "attachments": [{"url": "https://x/y.png"}],
    }
    assert m.to_wire()["type"] == "image"


def test_action_and_call_constructors() -> None:
    a = Action("g1", "joined")
    assert (a.getAction(), a.getCategory(), a.getReceiverType()) == ("joined", "action", "group")
    c = Call("u1")
    assert (c.getCategory(), c.getSessionId(), c.getStatus()) == ("call", None, None)


def test_action_scope_change_reads_the_official_extras_shape() -> None:
    """The official JS SDK's ``Action.actionFromJSON`` reads a scope change from
    ``data.extras.scope.{old,new}``; this is such a frame's message body."""
    obj = msg(category="action", type="groupMember", receiver="g1", receiverType="group")
    obj["data"] = {
        "action": "scopeChanged",
        "extras": {"scope": {"old": "participant", "new": "moderator"}},
        "entities": {
            "by": {"entity": {"uid": "admin"}, "entityType": "user"},
            "on": {"entity": {"uid": "bob", "scope": "moderator"}, "entityType": "user"},
            "for": {"entity": {"guid": "g1"}, "entityType": "group"},
        },
    }
    a = message_from_wire(obj)
    assert isinstance(a, Action)
    assert (a.getAction(), a.getOldScope(), a.getNewScope()) == ("scopeChanged", "participant", "moderator")
    obj["data"]["oldScope"], obj["data"]["newScope"] = "admin", "admin"  # the official shape wins
    b = message_from_wire(obj)
    assert isinstance(b, Action) and (b.getOldScope(), b.getNewScope()) == ("participant", "moderator")
    obj["data"]["extras"] = {"scope": "not an object"}  # malformed extras: the older keys, no error
    c = message_from_wire(obj)
    assert isinstance(c, Action) and (c.getOldScope(), c.getNewScope()) == ("admin", "admin")


def test_action_scope_change_older_keys_still_read() -> None:
    obj = msg(category="action", type="groupMember", receiver="g1", receiverType="group")
    obj["data"] = {
        "action": "scopeChanged",
        "oldScope": "participant",
        "newScope": "moderator",
        "entities": {
            "by": {"entity": {"uid": "admin"}, "entityType": "user"},
            "on": {"entity": {"uid": "bob", "scope": "moderator"}, "entityType": "user"},
            "for": {"entity": {"guid": "g1", "membersCount": "3"}, "entityType": "group"},
        },
    }
    a = message_from_wire(obj)
    assert isinstance(a, Action)
    assert (a.getOldScope(), a.getNewScope()) == ("participant", "moderator")
    group = a.getActionFor()
    assert isinstance(group, Group) and group.getMembersCount() == 3
    assert "action='scopeChanged'" in repr(a)


def test_action_entity_type_is_inferred_from_guid() -> None:
    obj = msg(category="action", type="groupMember")
    obj["data"] = {"action": "joined", "entities": {"for": {"entity": {"guid": "g1"}}}}
    a = message_from_wire(obj)
    assert isinstance(a, Action) and isinstance(a.getActionFor(), Group)


def test_call_status_falls_back_to_action() -> None:
    obj = msg(category="call", type="video")
    obj["data"] = {"action": "ended"}
    c = message_from_wire(obj)
    assert isinstance(c, Call) and c.getStatus() == "ended" and c.getSessionId() is None


# ----------------------------------------------------------------------------
# equality and hashing


def test_messages_compare_and_hash_by_id() -> None:
    a = message_from_wire(MSG)
    b = message_from_wire(msg(data={"text": "other"}))
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1
    c = message_from_wire(msg(id="101"))
    assert a != c
    custom = message_from_wire(msg(category="custom"))
    assert a != custom  # same id, different class
    assert a != "100"


def test_unsent_messages_are_equal_only_to_themselves() -> None:
    a = TextMessage("u", "hi")
    b = TextMessage("u", "hi")
    assert a == a and a != b
    assert len({a, b}) == 2


def test_users_and_groups_compare_by_value() -> None:
    assert User(uid="u", name="n") == User(uid="u", name="n")
    assert User(uid="u") != User(uid="u", name="n")
    assert Group(guid="g") == Group(guid="g")
    assert GroupMember(uid="u") != User(uid="u")


# ----------------------------------------------------------------------------
# users, groups, members


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("online", "online"),
        ("offline", "offline"),
        ("available", "online"),
        ("away", "online"),
        ("", "online"),
        (5, "online"),
        (None, None),
        (["offline"], None),
    ],
)
def test_user_status_normalisation(status: Any, expected: str | None) -> None:
    obj: dict[str, Any] = {"uid": "u1"}
    if status is not None:
        obj["status"] = status
    assert User.from_wire(obj).getStatus() == expected


def test_user_round_trip_and_getters() -> None:
    wire = {
        "uid": "superhero1",
        "name": "Iron Man",
        "avatar": "https://a/1.png",
        "link": "https://l",
        "role": "default",
        "status": "online",
        "statusMessage": "busy",
        "metadata": {"k": 1},
        "lastActiveAt": 1795889786,
        "tags": ["a"],
    }
    u = User.from_wire(wire)
    assert u.to_wire() == wire
    assert (u.getUid(), u.getName(), u.getAvatar(), u.getLink(), u.getRole()) == (
        "superhero1",
        "Iron Man",
        "https://a/1.png",
        "https://l",
        "default",
    )
    assert (u.getStatus(), u.getStatusMessage(), u.getMetadata(), u.getLastActiveAt(), u.getTags()) == (
        "online",
        "busy",
        {"k": 1},
        1795889786,
        ["a"],
    )
    u.setName("Tony")
    u.setAvatar("x")
    u.setLink("y")
    u.setRole("admin")
    u.setMetadata({})
    u.setStatusMessage("free")
    u.setTags(("t",))  # type: ignore[arg-type]
    assert u.to_wire()["name"] == "Tony" and u.getTags() == ["t"]
    assert User.STATUS_ONLINE == "online" and User.STATUS_OFFLINE == "offline"


def test_user_extra_and_junk_fields() -> None:
    u = User.from_wire(
        {"uid": 7, "name": ["x"], "metadata": "m", "lastActiveAt": "12", "tags": [1, "b"], "authToken": "t"}
    )
    assert u == User(uid="7", last_active_at=12, tags=["1", "b"])


@pytest.mark.parametrize(
    ("obj", "hint"),
    [
        ({}, "user is missing required field 'uid'"),
        ({"uid": None}, "user is missing required field 'uid'"),
        ({"uid": ""}, "user field 'uid' must not be empty"),
        ({"uid": 1.5}, "user field 'uid' must be a string, got float"),
        ({"uid": False}, "user field 'uid' must be a string, got bool"),
        ([], "user must be a JSON object, got list"),
        ("u1", "user must be a JSON object, got str"),
    ],
)
def test_user_from_wire_errors(obj: Any, hint: str) -> None:
    with pytest.raises(ProtocolError, match=hint):
        User.from_wire(obj)


@given(users())
@settings(max_examples=50, deadline=None)
def test_user_round_trip_property(user: User) -> None:
    assert User.from_wire(user.to_wire()) == user


def test_group_round_trip() -> None:
    wire = {
        "guid": "avengers",
        "name": "Avengers",
        "type": "password",
        "icon": "i",
        "description": "d",
        "owner": "superhero1",
        "metadata": {"a": 1},
        "createdAt": 1,
        "updatedAt": 2,
        "hasJoined": True,
        "joinedAt": 3,
        "membersCount": 4,
        "scope": "admin",
        "tags": ["t"],
    }
    g = Group.from_wire(wire)
    assert g.getGuid() == "avengers" and g.getType() == Group.TYPE_PASSWORD
    assert (g.getHasJoined(), g.getMembersCount(), g.getScope(), g.getCreatedAt()) == (True, 4, "admin", 1)
    assert (g.getName(), g.getDescription(), g.getOwner(), g.getMetadata()) == (
        "Avengers",
        "d",
        "superhero1",
        {"a": 1},
    )
    out = g.to_wire()
    # to_wire is the create/update body: server-computed fields are not sent
    assert out == {
        "guid": "avengers",
        "type": "password",
        "name": "Avengers",
        "icon": "i",
        "description": "d",
        "owner": "superhero1",
        "metadata": {"a": 1},
        "tags": ["t"],
    }
    again = Group.from_wire(out)
    assert (again.guid, again.name, again.type, again.metadata, again.tags) == (
        g.guid,
        g.name,
        g.type,
        g.metadata,
        g.tags,
    )


def test_group_password_is_sent_but_not_shown() -> None:
    g = Group(guid="g", name="G", type=Group.TYPE_PASSWORD, password="s3cret")
    assert g.to_wire()["password"] == "s3cret"
    assert "s3cret" not in repr(g)


def test_group_defaults_and_setters() -> None:
    g = Group.from_wire({"guid": "g"})
    assert g == Group(guid="g")
    assert g.getType() == "public" and g.getHasJoined() is False
    g.setName("n")
    g.setDescription("d")
    g.setMetadata({"x": 1})
    assert g.to_wire() == {
        "guid": "g",
        "type": "public",
        "name": "n",
        "description": "d",
        "metadata": {"x": 1},
    }


@pytest.mark.parametrize(
    ("obj", "hint"), [({}, "group is missing required field 'guid'"), ([], "group must be")]
)
def test_group_from_wire_errors(obj: Any, hint: str) -> None:
    with pytest.raises(ProtocolError, match=hint):
        Group.from_wire(obj)


def test_group_member_round_trip() -> None:
    wire = {
        "uid": "superhero3",
        "name": "Spiderman",
        "status": "offline",
        "scope": "participant",
        "joinedAt": 1795889000,
        "guid": "avengers",
    }
    m = GroupMember.from_wire(wire)
    assert isinstance(m, User)
    assert (m.getUid(), m.getScope(), m.getJoinedAt(), m.guid) == (
        "superhero3",
        "participant",
        1795889000,
        "avengers",
    )
    assert m.to_wire() == wire
    assert GroupMember.from_wire(m.to_wire()) == m


def test_group_member_errors() -> None:
    with pytest.raises(ProtocolError, match="group member must be a JSON object"):
        GroupMember.from_wire(None)
    with pytest.raises(ProtocolError, match="missing required field 'uid'"):
        GroupMember.from_wire({"scope": "admin"})


def test_typing_indicator_model() -> None:
    t = TypingIndicator("superhero2", "user", {"k": 1})
    assert (t.getReceiverId(), t.getReceiverType(), t.getMetadata(), t.getSender()) == (
        "superhero2",
        "user",
        {"k": 1},
        None,
    )
    t.setMetadata({})
    assert t.getMetadata() == {} and t.getLastTimestamp() is None


# ----------------------------------------------------------------------------
# properties


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message_like)
def test_message_from_wire_is_total_and_getters_never_raise(obj: dict[str, Any]) -> None:
    try:
        m = message_from_wire(obj)
    except ProtocolError:
        return
    assert isinstance(m.getId(), str) and m.getId()
    sender = m.getSender()
    assert sender is None or isinstance(sender, User)
    receiver = m.getReceiver()
    assert receiver is None or isinstance(receiver, (User, Group))
    assert m.getReceiverType() in ("user", "group")
    for value in (m.getSentAt(), m.getUpdatedAt(), m.getReadAt(), m.getDeliveredAt(), m.getEditedAt()):
        assert value is None or type(value) is int
    meta = m.getMetadata()
    assert meta is None or isinstance(meta, dict)
    assert isinstance(m.getReplyCount(), int)
    if isinstance(m, TextMessage):
        assert isinstance(m.getText(), str)
    if isinstance(m, CustomMessage):
        assert isinstance(m.getCustomData(), dict)
    if isinstance(m, Action):
        m.getActionOn()
    m.to_wire()
    repr(m)
    hash(m)
