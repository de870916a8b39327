"""The rules of threads, reactions, mentions, media and the history filters, with
no socket: an in-memory (or file) store, a fixed clock, a recording notifier."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.config import ServerConfig
from cometchat_nb.server.service import Service, groups, media, messages, reactions, relays, threads, users
from cometchat_nb.server.service.views import ViewOptions, page_view, view
from cometchat_nb.server.store import HistoryFilters, HistoryQuery, Store, UserFields
from cometchat_nb.server.store.annotations import FLAG_LINKS, FLAG_MENTIONS, annotate

from ..support.schema import write_v1_database
from .helpers import NOW, RecordingNotifier, memory_service

JSON = dict[str, Any]


@dataclass
class World:
    svc: Service
    sent: RecordingNotifier


def _people(svc: Service) -> None:
    for uid in ("alice", "bob", "carol"):
        users.create_user(svc, uid, uid.title())
    groups.create_group(svc, "club", "Club", owner="alice", members=["bob"])


@pytest.fixture
def world() -> Iterator[World]:
    """alice, bob, carol; ``club``: alice (owner) and bob."""
    svc, sent = memory_service(max_upload_bytes=100)
    _people(svc)
    yield World(svc, sent)
    svc.store.close()


def text(receiver: str, body: str, receiver_type: str = "user", **more: Any) -> JSON:
    return {"receiver": receiver, "receiverType": receiver_type, "data": {"text": body}, **more}


def code(info: pytest.ExceptionInfo[ApiError]) -> str:
    return info.value.code


def page(svc: Service, reader: str, conversation: str, **filters: Any) -> list[str]:
    query = HistoryQuery(affix="append", filters=HistoryFilters(**filters))
    return [str(i) for i in svc.store.messages_page(query, conversation=conversation).ids]


# -- threads -----------------------------------------------------------------------------
def test_reply_count_follows_replies_and_deletes_not_edits(world: World) -> None:
    svc = world.svc
    parent = messages.post_message(svc, "alice", text("bob", "parent"))
    r1 = messages.post_message(svc, "bob", text("alice", "one"), parent=parent["id"])
    r2 = messages.post_message(svc, "alice", text("bob", "two", parentId=parent["id"]))
    assert (r1["parentId"], r2["parentId"]) == (parent["id"], parent["id"])
    assert svc.store.message(int(parent["id"]))["replyCount"] == 2
    messages.edit_message(svc, "bob", r1["id"], {"data": {"text": "one!"}})
    assert svc.store.message(int(parent["id"]))["replyCount"] == 2
    messages.delete_message(svc, "bob", r1["id"])
    messages.delete_message(svc, "bob", r1["id"])  # twice: counted once
    assert svc.store.message(int(parent["id"]))["replyCount"] == 1
    messages.delete_message(svc, "alice", r2["id"])
    assert "replyCount" not in svc.store.message(int(parent["id"]))
    # the reply frame carries its parent
    frames = [f for _, f in world.sent.take() if f["type"] == "message" and f["body"]["id"] == r1["id"]]
    assert frames[0]["body"]["parentId"] == parent["id"]


def test_unread_replies_are_per_reader_and_read_receipts_clear_them(world: World) -> None:
    svc = world.svc
    parent = messages.post_message(svc, "alice", text("club", "topic", "group"))
    r1 = messages.post_message(svc, "bob", text("club", "a", "group"), parent=parent["id"])
    messages.post_message(svc, "bob", text("club", "b", "group"), parent=parent["id"])
    messages.post_message(svc, "alice", text("club", "c", "group"), parent=parent["id"])
    stored = svc.store.message(int(parent["id"]))
    assert stored is not None
    assert view(svc, "alice", stored)["unreadRepliesCount"] == 2  # bob's two, not her own
    assert view(svc, "bob", stored)["unreadRepliesCount"] == 1
    relays.record_receipt(svc, "alice", r1["id"], "read", "dev")
    assert view(svc, "alice", stored)["unreadRepliesCount"] == 1
    assert threads.unread_replies(svc, "alice", []) == {}


def test_replies_are_refused_outside_the_conversation(world: World) -> None:
    svc = world.svc
    elsewhere = messages.post_message(svc, "bob", text("carol", "private"))
    with pytest.raises(ApiError) as info:
        messages.post_message(svc, "alice", text("bob", "x"), parent=elsewhere["id"])
    assert code(info) == ErrorCode.PERMISSION_DENIED
    mine = messages.post_message(svc, "alice", text("carol", "mine"))
    with pytest.raises(ApiError) as info:  # readable, but another conversation
        messages.post_message(svc, "alice", text("bob", "x"), parent=mine["id"])
    assert code(info) == ErrorCode.BAD_REQUEST
    action = messages.edit_message(svc, "alice", mine["id"], {"data": {"text": "edited"}})
    with pytest.raises(ApiError) as info:
        messages.post_message(svc, "alice", text("carol", "x"), parent=action["id"])
    assert code(info) == ErrorCode.BAD_REQUEST
    with pytest.raises(ApiError) as info:
        messages.post_message(svc, "alice", text("carol", "x"), parent="424242")
    assert code(info) == ErrorCode.MESSAGE_ID_NOT_FOUND
    assert svc.store.message_count() == 3  # nothing stored by the refusals


def test_a_thread_page_with_and_without_its_parent(world: World) -> None:
    svc = world.svc
    parent = messages.post_message(svc, "alice", text("bob", "p"))
    replies = [
        messages.post_message(svc, "bob", text("alice", str(i)), parent=parent["id"])["id"] for i in range(3)
    ]
    q = HistoryQuery(affix="append", filters=HistoryFilters(parent_id=int(parent["id"])))
    assert [str(i) for i in threads.thread_history(svc, "bob", parent["id"], q).ids] == replies
    q = HistoryQuery(affix="append", filters=HistoryFilters(parent_id=int(parent["id"]), with_parent=True))
    assert [str(i) for i in threads.thread_history(svc, "bob", parent["id"], q).ids] == [
        parent["id"],
        *replies,
    ]
    with pytest.raises(ApiError) as info:
        threads.thread_history(svc, "carol", parent["id"], q)
    assert code(info) == ErrorCode.PERMISSION_DENIED


# -- reactions ---------------------------------------------------------------------------
def test_reactions_counts_frames_and_idempotence(world: World) -> None:
    svc, sent = world.svc, world.sent
    m = messages.post_message(svc, "alice", text("club", "hi", "group"))
    sent.take()
    seen = reactions.add_reaction(svc, "bob", m["id"], "👍", "bob-dev")
    assert seen["data"]["reactions"] == [{"reaction": "👍", "count": 1, "reactedByMe": True}]
    ((targets, frame),) = sent.take()
    assert targets == ["alice", "bob"] and frame["type"] == "reaction" and frame["deviceId"] == "bob-dev"
    body = frame["body"]
    assert (body["action"], body["messageId"], body["uid"], body["reaction"]) == (
        "message_reaction_added",
        m["id"],
        "bob",
        "👍",
    )
    assert (
        body["reactedBy"]["uid"] == "bob"
        and body["reactedAt"] == NOW
        and body["conversationId"] == "group_club"
    )
    reactions.add_reaction(svc, "bob", m["id"], "👍", "bob-dev")  # again: nothing new
    assert sent.take() == []
    reactions.add_reaction(svc, "alice", m["id"], "👍", "a")
    reactions.add_reaction(svc, "alice", m["id"], "🎉", "a")
    assert view(svc, "bob", svc.store.message(int(m["id"])))["data"]["reactions"] == [
        {"reaction": "👍", "count": 2, "reactedByMe": True},
        {"reaction": "🎉", "count": 1},
    ]
    assert svc.store.message(int(m["id"]))["updatedAt"] == m["updatedAt"]  # reactions leave updatedAt alone
    sent.take()
    assert "reactions" in reactions.remove_reaction(svc, "bob", m["id"], "🎉", "b")["data"]
    assert sent.take() == []  # bob never reacted with 🎉
    out = reactions.remove_reaction(svc, "alice", m["id"], "🎉", "a")
    assert out["data"]["reactions"] == [{"reaction": "👍", "count": 2, "reactedByMe": True}]
    ((_, frame),) = sent.take()
    assert frame["body"]["action"] == "message_reaction_removed"


def test_reactions_refused(world: World) -> None:
    svc = world.svc
    m = messages.post_message(svc, "alice", text("bob", "hi"))
    for who, mid, reaction, want in (
        ("carol", m["id"], "👍", ErrorCode.PERMISSION_DENIED),
        ("bob", "999", "👍", ErrorCode.MESSAGE_ID_NOT_FOUND),
        ("bob", m["id"], "", ErrorCode.BAD_REQUEST),
        ("bob", m["id"], "  ", ErrorCode.BAD_REQUEST),
        ("bob", m["id"], "x" * (reactions.MAX_REACTION_CHARS + 1), ErrorCode.BAD_REQUEST),
    ):
        with pytest.raises(ApiError) as info:
            reactions.add_reaction(svc, who, mid, reaction, "d")
        assert code(info) == want, (who, mid, reaction)
    action = messages.delete_message(svc, "alice", m["id"])
    for mid in (m["id"], action["id"]):  # a deleted message, an action
        with pytest.raises(ApiError) as info:
            reactions.add_reaction(svc, "bob", mid, "👍", "d")
        assert code(info) == ErrorCode.BAD_REQUEST
    assert svc.store.reactions_page(int(m["id"]), reaction=None, affix="append", cursor=None, limit=10) == []


def test_reaction_list_pages_by_cursor_both_ways(world: World) -> None:
    svc = world.svc
    m = messages.post_message(svc, "alice", text("club", "hi", "group"))
    for uid, r in (("alice", "a"), ("bob", "a"), ("alice", "b"), ("bob", "c")):
        reactions.add_reaction(svc, uid, m["id"], r, "d")
    items, meta = reactions.reaction_list(
        svc, "bob", m["id"], reaction=None, affix="append", cursor=None, limit=3
    )
    assert [(i["uid"], i["reaction"]) for i in items] == [("alice", "a"), ("bob", "a"), ("alice", "b")]
    assert items[0]["reactedBy"]["uid"] == "alice" and items[0]["messageId"] == m["id"]
    assert meta["current"] == {"limit": 3, "count": 3} and meta["next"] == {
        "affix": "append",
        "id": items[-1]["id"],
    }
    more, meta2 = reactions.reaction_list(
        svc, "bob", m["id"], reaction=None, affix="append", cursor=int(meta["next"]["id"]), limit=3
    )
    assert [i["reaction"] for i in more] == ["c"]
    empty, meta3 = reactions.reaction_list(
        svc, "bob", m["id"], reaction=None, affix="append", cursor=int(meta2["next"]["id"]), limit=3
    )
    assert empty == [] and meta3["next"]["id"] == meta2["next"]["id"]
    latest, _ = reactions.reaction_list(
        svc, "bob", m["id"], reaction=None, affix="prepend", cursor=None, limit=2
    )
    assert [i["reaction"] for i in latest] == ["b", "c"]
    only_a, _ = reactions.reaction_list(
        svc, "bob", m["id"], reaction="a", affix="append", cursor=None, limit=10
    )
    assert [i["uid"] for i in only_a] == ["alice", "bob"]
    with pytest.raises(ApiError) as info:
        reactions.reaction_list(svc, "carol", m["id"], reaction=None, affix="append", cursor=None, limit=3)
    assert code(info) == ErrorCode.PERMISSION_DENIED


# -- mentions ----------------------------------------------------------------------------
def test_mentions_resolve_existing_users_and_follow_edits(world: World) -> None:
    svc = world.svc
    users.create_user(svc, "dave", "Dave", fields=UserFields(tags=["ops"]))
    m = messages.post_message(svc, "alice", text("bob", "hi <@uid:bob> <@uid:ghost> <@uid:dave> <@uid:bob>"))
    assert list(m["data"]["mentions"]) == ["bob", "dave"]
    assert m["data"]["mentions"]["dave"]["name"] == "Dave" and "tags" not in m["data"]["mentions"]["dave"]
    conv = m["conversationId"]
    assert page(svc, "alice", conv, mentioned_uids=("dave",)) == [m["id"]]
    plain = messages.post_message(svc, "alice", text("bob", "no one"))
    assert page(svc, "alice", conv, has_mentions=True) == [m["id"]]
    messages.edit_message(svc, "alice", m["id"], {"data": {"text": "now <@uid:carol>"}})
    assert list(svc.store.message(int(m["id"]))["data"]["mentions"]) == ["carol"]
    assert page(svc, "alice", conv, mentioned_uids=("dave",)) == []
    messages.edit_message(svc, "alice", m["id"], {"data": {"text": "nobody"}})
    assert "mentions" not in svc.store.message(int(m["id"]))["data"]
    assert page(svc, "alice", conv, has_mentions=True) == []
    # tag and blocked info are views, asked per history
    tagged = messages.post_message(svc, "alice", text("bob", "<@uid:dave>"))
    q = svc.store.messages_page(HistoryQuery(affix="append"), conversation=conv)
    out = [orjson.loads(b) for b in page_view(svc, "bob", q, ViewOptions(True, True))]
    (last,) = [o for o in out if o["id"] == tagged["id"]]
    assert last["data"]["mentions"]["dave"] | {} == {
        **tagged["data"]["mentions"]["dave"],
        "tags": ["ops"],
        "blockedByMe": False,
        "hasBlockedMe": False,
    }
    assert page_view(svc, "bob", q) == q.items  # nothing per-reader: the stored bytes
    assert plain["id"]


def test_annotations_of_a_message() -> None:
    ann = annotate(
        {
            "parentId": "7",
            "replyCount": 0,
            "tags": ["a", "a", 3, "b"],
            "data": {"text": "See www.x.org", "mentions": {"u": {}}, "attachments": [{"name": "A.PNG"}]},
        }
    )
    assert (ann.parent_id, ann.tags, ann.mentions, ann.search_text) == (
        7,
        ("a", "b"),
        ("u",),
        "see www.x.org\na.png",
    )
    assert ann.flags == FLAG_LINKS | FLAG_MENTIONS | 1
    assert annotate({"data": "odd"}).flags == 0


# -- media -------------------------------------------------------------------------------
def test_uploads_are_checked_before_anything_is_stored(world: World) -> None:
    svc = world.svc
    png = media.Upload("a.png", "image/png", b"\x89PNG")
    ok = messages.post_message(
        svc, "alice", {"receiver": "bob", "type": "image", "data": {"text": "cap"}}, uploads=[png]
    )
    (att,) = ok["data"]["attachments"]
    assert (att["name"], att["extension"], att["size"], att["mimeType"]) == ("a.png", "png", 4, "image/png")
    assert ok["data"]["url"] == att["url"] and att["url"].startswith("http://127.0.0.1:8080/v3.0/media/")
    assert ok["data"]["text"] == "cap"
    blob = media.fetch_media(svc, "bob", att["url"].rsplit("/", 1)[1])
    assert (blob.content, blob.mime_type, blob.name) == (b"\x89PNG", "image/png", "a.png")
    with pytest.raises(ApiError) as info:
        media.fetch_media(svc, "carol", att["url"].rsplit("/", 1)[1])
    assert code(info) == ErrorCode.PERMISSION_DENIED
    count = svc.store.message_count()
    for uploads, message_type, want in (
        ([media.Upload("big.bin", None, b"x" * 101)], "file", ErrorCode.FILE_SIZE_EXCEEDED),
        ([png] * 11, "image", ErrorCode.FILE_COUNT_EXCEEDED),
        ([media.Upload("a.pdf", "application/pdf", b"%PDF")], "image", ErrorCode.BAD_REQUEST),
        ([media.Upload("e.txt", "text/plain", b"")], "file", ErrorCode.BAD_REQUEST),
        ([], "video", ErrorCode.BAD_REQUEST),
    ):
        with pytest.raises(ApiError) as info:
            messages.post_message(svc, "alice", {"receiver": "bob", "type": message_type}, uploads=uploads)
        assert code(info) == want, (message_type, want)
    with pytest.raises(ApiError) as info:  # checked, then refused for the receiver: nothing kept either
        messages.post_message(svc, "alice", {"receiver": "ghost", "type": "image"}, uploads=[png])
    assert code(info) == ErrorCode.UID_NOT_FOUND
    assert svc.store.message_count() == count
    assert svc.store._db.execute("SELECT COUNT(*) FROM media").fetchone()[0] == 1
    # a file with no declared type gets one from its name; attachments given as JSON are kept as given
    guessed = messages.post_message(
        svc, "alice", {"receiver": "bob", "type": "audio"}, uploads=[media.Upload("s.mp3", None, b"ID3")]
    )
    assert guessed["data"]["attachments"][0]["mimeType"] == "audio/mpeg"
    external = {
        "url": "https://cdn.example/x.jpg",
        "name": "x.jpg",
        "extension": "jpg",
        "mimeType": "image/jpeg",
    }
    linked = messages.post_message(
        svc, "alice", {"receiver": "bob", "type": "image", "data": {"attachments": [external]}}
    )
    assert linked["data"]["attachments"] == [external] and linked["data"]["url"] == external["url"]
    conv = ok["conversationId"]
    assert page(svc, "alice", conv, has_attachments=True) == [ok["id"], guessed["id"], linked["id"]]
    assert page(svc, "alice", conv, attachment_types=("audio",)) == [guessed["id"]]
    assert page(svc, "alice", conv, search="A.PNG") == [ok["id"]]


def test_files_of_a_file_database_live_beside_it(tmp_path: Path) -> None:
    notifier = RecordingNotifier()
    db = tmp_path / "chat.db"
    svc = Service(
        Store(db), ServerConfig(), notifier=notifier, secret=b"s" * 32, port=1, ws_port=2, clock=lambda: NOW
    )
    try:
        _people(svc)
        m = messages.post_message(
            svc,
            "alice",
            {"receiver": "bob", "type": "file"},
            uploads=[media.Upload("n.txt", "text/plain", b"hi")],
        )
        media_id = m["data"]["attachments"][0]["url"].rsplit("/", 1)[1].split(".")[0]
        assert (tmp_path / "chat.db.media" / media_id).read_bytes() == b"hi"
        assert svc.store._db.execute("SELECT data FROM media").fetchone()[0] is None
    finally:
        svc.store.close()
    with contextlib.closing(Store(db)) as again:  # a restart serves the same file
        assert again.media_content(media_id) == b"hi"


def test_file_access_tokens_die_with_their_auth_token(world: World) -> None:
    svc = world.svc
    from cometchat_nb.server.service import auth

    token = auth.issue_auth_token(svc, "bob")
    fat = auth.me(svc, "bob", token)["fat"]
    assert media.media_uid(svc, fat) == "bob"
    for bad in ("nope", auth.me(svc, "bob", token)["jwt"]):  # junk, and the socket JWT (another audience)
        with pytest.raises(ApiError) as info:
            media.media_uid(svc, bad)
        assert code(info) == ErrorCode.AUTH_TOKEN_NOT_FOUND
    from cometchat_nb.server.tokens import token_hash

    auth.logout(svc, "bob", token_hash(token))
    with pytest.raises(ApiError) as info:
        media.media_uid(svc, fat)
    assert code(info) == ErrorCode.AUTH_TOKEN_NOT_FOUND


# -- history filters ---------------------------------------------------------------------
def test_history_filters_select_and_updated_after_runs_in_update_order(world: World) -> None:
    svc = world.svc
    a = messages.post_message(svc, "alice", text("bob", "Plain Hello", tags=["x"]))
    b = messages.post_message(svc, "bob", text("alice", "link http://x.y", tags=["y"]))
    c = messages.post_message(svc, "alice", text("bob", "100%_ literal"))
    conv = a["conversationId"]
    assert page(svc, "alice", conv, search="hello") == [a["id"]]
    assert page(svc, "alice", conv, search="%_") == [c["id"]]  # LIKE wildcards are literal
    assert page(svc, "alice", conv, tags=("x", "y")) == [a["id"], b["id"]]
    assert page(svc, "alice", conv, has_links=True) == [b["id"]]
    assert page(svc, "alice", conv, attachment_types=("sticker",)) == []
    # edit the oldest later: an update page finds it after the cursor of the newer ones
    svc_clock = svc._clock
    svc._clock = lambda: NOW + 10
    messages.edit_message(svc, "alice", a["id"], {"data": {"text": "edited"}})
    svc._clock = svc_clock
    updated = page(svc, "alice", conv, updated_after=NOW, only_updates=True)
    assert updated == [a["id"]]
    everything_since = page(svc, "alice", conv, updated_after=NOW - 1)
    assert everything_since[-2:] == [a["id"], everything_since[-1]]  # a, then its edited action (same time)


def test_filtered_pages_read_along_an_index(world: World) -> None:
    """The plans of the filters a user pages with: no full scan of ``messages``."""
    db: sqlite3.Connection = world.svc.store._db
    base = "SELECT id FROM messages WHERE conversation_id=? AND "
    for term in (
        "flags & 1",
        "flags & 8",
        "parent_id=?",
        "id IN (SELECT message_id FROM mentions WHERE uid IN (?))",
        "id IN (SELECT message_id FROM message_tags WHERE tag IN (?))",
    ):
        args = ("c", "u") if "?" in term else ("c",)
        rows = db.execute(f"EXPLAIN QUERY PLAN {base}{term} ORDER BY id DESC LIMIT 30", args).fetchall()
        plan = [str(r[3]) for r in rows]
        assert not any(step == "SCAN messages" for step in plan), (term, plan)


def test_an_upgraded_database_has_its_messages_annotated(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    write_v1_database(path)
    with contextlib.closing(Store(path)) as store:
        row = store._db.execute("SELECT parent_id, flags, search_text FROM messages WHERE id=1").fetchone()
        message = store.message(1)
        assert message is not None
        ann = annotate(message)
        assert row == (ann.parent_id, ann.flags, ann.search_text)


def test_unread_mentions_of_a_conversation(world: World) -> None:
    from cometchat_nb.server.service import mentions

    svc = world.svc
    m1 = messages.post_message(svc, "bob", text("club", "hey <@uid:alice>", "group"))
    messages.post_message(svc, "bob", text("club", "<@uid:alice> again", "group"))
    messages.post_message(svc, "alice", text("club", "me <@uid:alice>", "group"))  # her own: not counted
    gone = messages.post_message(svc, "bob", text("club", "<@uid:alice> oops", "group"))
    messages.delete_message(svc, "bob", gone["id"])
    assert mentions.unread_mentions(svc, "alice", "group_club") == 2
    relays.record_receipt(svc, "alice", m1["id"], "read", "d")
    assert mentions.unread_mentions(svc, "alice", "group_club") == 1
    assert mentions.unread_mentions(svc, "bob", "group_club") == 0
