"""``%cometchat_conversations`` (notebook/conversations.py) against the local server: a typed
DataFrame fetched page by page with the progress bar, the --unread/--type filters, the count
dropping after a read; and the LiveFrame's rows for read/delivered receipts (1:1 and group
"read by all")."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from cometchat_nb import CometChat, InvalidArgumentError
from cometchat_nb.notebook import SimulatedUser, session
from cometchat_nb.notebook.conversations import fetch_conversations

DTYPES = {
    "id": "string[pyarrow]",
    "type": "category",
    "with": "string[pyarrow]",
    "with_name": "string[pyarrow]",
    "unread": "Int64",
    "unread_mentions": "Int64",
    "last_text": "string[pyarrow]",
    "last_sender": "string[pyarrow]",
    "last_sent_at": "datetime64[ns, UTC]",
    "tags": "string[pyarrow]",
    "updated_at": "datetime64[ns, UTC]",
}


def test_fetch_conversations_typed_paged_and_filtered(capsys: pytest.CaptureFixture[str]) -> None:
    session.init(local=True, manual=True)
    session.login("superhero1")
    with (
        SimulatedUser("superhero2", connect=False) as bob,
        SimulatedUser("superhero3", connect=False) as peter,
    ):
        for i in range(3):
            bob.say("superhero1", f"hi {i}")
        peter.say("supergroup", "group hello", group=True)
        peter.say("superhero1", "psst")
    session.send("superhero4", "mine")
    CometChat.tagConversation("superhero2", "user", ["vip", "work"])

    df = fetch_conversations(limit=2, pages=5, progress="text")
    assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    assert list(df["with"]) == ["superhero4", "superhero3", "supergroup", "superhero2"]
    assert list(df["unread"]) == [0, 1, 1, 3]
    assert list(df["with_name"]) == ["Wolverine", "Spiderman", "Super Group", "Captain America"]
    row = df.set_index("with").loc["superhero2"]
    assert (row["id"], row["type"], row["last_text"], row["last_sender"]) == (
        "superhero1_user_superhero2",
        "user",
        "hi 2",
        "superhero2",
    )
    assert row["tags"] == "vip,work" and isinstance(row["last_sent_at"], pd.Timestamp)
    assert "4 conversations in 3 pages" in capsys.readouterr().err  # 2, 2, then an empty page

    unread = fetch_conversations(unread=True, progress="off")
    assert list(unread["with"]) == ["superhero3", "supergroup", "superhero2"]
    assert list(fetch_conversations(type="group", progress="off")["with"]) == ["supergroup"]

    CometChat.markConversationAsRead("superhero2", "user")  # the count drops
    after = fetch_conversations(progress="off").set_index("with")["unread"]
    assert after["superhero2"] == 0 and after["superhero3"] == 1
    assert fetch_conversations(unread=True, type="user", progress="off")["with"].tolist() == ["superhero3"]

    with pytest.raises(InvalidArgumentError):
        fetch_conversations(type="room")
    CometChat.markConversationAsRead("supergroup", "group")
    empty = fetch_conversations(type="group", unread=True, limit=50, progress="off")
    assert empty.empty and {c: str(t) for c, t in empty.dtypes.items()} == DTYPES


def test_conversations_magic(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat_init", "--local --manual")
    ip.run_line_magic("cometchat_login", "superhero1")
    with SimulatedUser("superhero2", connect=False) as bob:
        bob.say("superhero1", "hello")
        bob.say("supergroup", "hello all", group=True)
    assert ip.run_line_magic("cometchat_conversations", "--unread --type user -o conv") is None
    conv = ip.user_ns["conv"]
    assert list(conv["with"]) == ["superhero2"] and list(conv["unread"]) == [1]
    df = ip.run_line_magic("cometchat", "conversations --limit 1 --pages 3")
    assert list(df["with"]) == ["supergroup", "superhero2"]
    with pytest.raises(UsageError):
        ip.run_line_magic("cometchat_conversations", "--type room")
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("cometchat_conversations", "--limit 51")
    assert "limit" in str(info.value)


def test_live_frame_records_read_and_delivered_receipts() -> None:
    session.init(local=True)
    session.login("superhero1")
    session.wait_connected()
    server = session.local_server()
    assert server is not None
    server.create_group("trio", "Trio", members=["superhero1", "superhero2", "superhero3"])
    live = session.live_frame()
    with SimulatedUser("superhero2") as bob, SimulatedUser("superhero3") as peter:
        direct = session.send("superhero2", "read me")
        to_group = session.send("trio", "read us", group=True)
        bob.read("superhero1")
        live.wait_for(1, event="onMessagesRead")
        bob.read("trio", group=True)
        peter.read("trio", group=True)
        live.wait_for(1, event=["onMessagesReadByAll"])
        live.wait_for(1, event=["onMessagesDeliveredToAll"])
    rows = live.df
    read = rows[rows["event"] == "messages_read"]
    assert direct.id in set(read["message_id"]) and to_group.id in set(read["message_id"])
    assert set(read["sender"]) == {"superhero2", "superhero3"}
    by_all = rows[rows["event"] == "messages_read_by_all"]
    assert list(by_all["message_id"]) == [to_group.id] and list(by_all["receiver"]) == ["trio"]
    assert list(by_all["receiver_type"]) == ["group"]
    assert list(rows[rows["event"] == "messages_delivered_to_all"]["message_id"]) == [to_group.id]
