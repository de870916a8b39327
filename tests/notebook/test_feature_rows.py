"""The LiveFrame columns of the message features (issue 14): parent id, reply count, reactions,
mentions, attachment url/name/MIME/size, typed; and that plain live traffic does not
parse a frame again to fill them."""

from __future__ import annotations

from typing import Any

import orjson
import pandas as pd

from cometchat_nb.client.dispatch import Event
from cometchat_nb.models import ReactionEvent, User, message_from_wire
from cometchat_nb.notebook import LiveFrame
from cometchat_nb.protocol import codec, frames

from .samples import T0, check_dtypes


def message(i: int, mtype: str = "text", source: str = "history", **data: Any) -> Any:
    body: dict[str, Any] = {
        "id": str(i),
        "conversationId": "superhero1_user_superhero2",
        "sender": "superhero2",
        "receiver": "superhero1",
        "receiverType": "user",
        "category": "message",
        "type": mtype,
        "sentAt": 1_700_000_000 + i,
        "data": data,
    }
    if "parentId" in data:
        body["parentId"] = data.pop("parentId")
    if "replyCount" in data:
        body["replyCount"] = data.pop("replyCount")
    return message_from_wire(body, source=source)


def test_feature_columns_are_filled_and_typed() -> None:
    live = LiveFrame()
    reply = message(
        1,
        text="hi <@uid:superhero1>",
        parentId="7",
        mentions={"superhero1": {"uid": "superhero1", "name": "Iron Man"}},
        reactions=[{"reaction": "👍", "count": 2, "reactedByMe": True}, {"reaction": "🎉", "count": 1}],
    )
    photo = message(
        2,
        "image",
        text="a cat",
        attachments=[
            {
                "url": "http://h/v3.0/media/1.png",
                "name": "cat.png",
                "extension": "png",
                "size": 1234,
                "mimeType": "image/png",
            }
        ],
    )
    reaction = ReactionEvent(
        action="message_reaction_added",
        reaction="👍",
        message_id="1",
        uid="superhero1",
        reacted_by=User(uid="superhero1"),
        parent_message_id="7",
        receiver_id="superhero2",
        receiver_type="user",
    )
    parent = message(7, text="lunch?", replyCount=3)
    live(Event("message", "history", (reply,), T0))
    live(Event("message", "onMediaMessageReceived", (photo,), T0 + 1))
    live(Event("message", "onMessageReactionAdded", (reaction,), T0 + 2))
    live(Event("message", "history", (parent,), T0 + 3))
    df = live.df
    check_dtypes(df)

    def values(column: str) -> list[Any]:
        return [None if pd.isna(v) else v for v in df[column]]

    assert values("parent_id") == ["7", None, "7", None]
    assert values("reply_count") == [None, None, None, 3]
    assert values("reactions") == ["👍×2 🎉×1", None, "👍", None]
    assert values("mentions") == ["superhero1", None, None, None]
    assert df["attachment_name"].iloc[1] == "cat.png" and df["attachment_mime"].iloc[1] == "image/png"
    assert df["attachment_url"].iloc[1] == "http://h/v3.0/media/1.png"
    assert df["attachment_size"].iloc[1] == 1234 and pd.isna(df["attachment_size"].iloc[0])
    assert df["receiver"].iloc[2] == "superhero2"


def test_plain_live_messages_are_not_parsed_again() -> None:
    body = {
        "id": "5",
        "sender": "superhero2",
        "receiver": "superhero1",
        "receiverType": "user",
        "category": "message",
        "type": "text",
        "data": {"text": "no mention"},
    }
    text = orjson.dumps(
        {"type": "message", "appId": "a", "deviceId": "d", "receiver": "superhero1", "body": body}
    )
    frame = codec.decode(text)
    assert isinstance(frame, frames.MessageFrame)
    msg = frame.message
    live = LiveFrame()
    live(Event("message", "onTextMessageReceived", (msg,), T0))
    assert msg.reactions == [] and msg.mentioned_uids == [] and not msg.has_mentioned_me("superhero1")
    assert msg.reply_count == 0
    assert msg._raw is None  # the frame's text was not parsed again
    assert live.df["mentions"].isna().all()
