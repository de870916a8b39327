"""``%cometchat_users``, ``%cometchat_groups``, ``%cometchat_members GUID`` (notebook/directory.py
and magics/directory.py) against the kernel's local server, in a real InteractiveShell; and
group actions in the LiveFrame with actor, target and scopes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from cometchat_nb import CometChat, ConnectionState, GroupMember
from cometchat_nb.notebook import SimulatedUser, session
from cometchat_nb.notebook.directory import fetch_members, fetch_users

from ..support import WAIT


def test_users_groups_and_members_as_typed_frames(ip: InteractiveShell) -> None:
    ip.run_line_magic("cometchat_init", "--local --manual")
    ip.run_line_magic("cometchat_login", "superhero1")
    CometChat.blockUsers(["superhero2"])
    users = ip.run_line_magic("cometchat_users", "--limit 100")
    assert isinstance(users, pd.DataFrame)
    assert str(users["uid"].dtype) == "string[pyarrow]" and str(users["status"].dtype) == "category"
    assert str(users["blocked_by_me"].dtype) == "boolean"
    assert str(users["last_active_at"].dtype) == "datetime64[ns, UTC]"
    flags = users.set_index("uid")["blocked_by_me"]
    assert bool(flags["superhero2"]) and not bool(flags["superhero3"])
    assert "superhero2" not in set(ip.run_line_magic("cometchat_users", "--hide-blocked")["uid"])
    assert list(ip.run_line_magic("cometchat_users", "--search superhero4")["uid"]) == ["superhero4"]

    CometChat.createGroup(CometChat.Group("mods", "Moderated", "public"))
    CometChat.addMembersToGroup(
        "mods", [GroupMember("superhero2", scope="moderator"), GroupMember("superhero3", scope="participant")]
    )
    ip.run_line_magic("cometchat_groups", "--joined -o groups")
    groups = ip.user_ns.pop("groups")
    row = groups.set_index("guid").loc["mods"]
    assert (row["scope"], bool(row["has_joined"]), int(row["members_count"])) == ("admin", True, 3)
    assert str(groups["members_count"].dtype) == "Int64" and str(groups["type"].dtype) == "category"

    members = ip.run_line_magic("cometchat_members", "mods").set_index("uid")
    assert dict(members["scope"]) == {
        "superhero1": "admin",
        "superhero2": "moderator",
        "superhero3": "participant",
    }
    assert bool(members.loc["superhero2", "blocked_by_me"]) and not bool(
        members.loc["superhero3", "blocked_by_me"]
    )
    mods = ip.run_line_magic("cometchat_members", "mods --scopes moderator")
    assert list(mods["uid"]) == ["superhero2"]
    with pytest.raises(UsageError, match="ERR_GUID_NOT_FOUND"):
        ip.run_line_magic("cometchat_members", "nowhere")
    with pytest.raises(UsageError):
        ip.run_line_magic("cometchat_users", "--online --offline")


def test_empty_frames_are_typed_and_need_init() -> None:
    with pytest.raises(Exception, match="COMETCHAT_INITIALIZATION_NOT_DONE"):
        fetch_users()
    session.init(local=True, manual=True)
    session.login("superhero1")
    empty = fetch_users(search="nobody-like-this", progress="off")
    assert len(empty) == 0 and str(empty["blocked_by_me"].dtype) == "boolean"
    assert len(fetch_members("supergroup", scopes=["moderator"], progress="off")) == 0


def test_the_live_frame_records_group_actions_with_actor_target_and_scopes() -> None:
    session.init(local=True)
    session.login("superhero1")
    CometChat.waitForState(ConnectionState.CONNECTED, timeout=WAIT)
    CometChat.createGroup(CometChat.Group("club", "Club", "public"))
    members = [
        GroupMember(uid, scope="participant")
        for uid in ("superhero2", "superhero3", "superhero4", "superhero5")
    ]
    CometChat.addMembersToGroup("club", members)
    CometChat.updateGroupMemberScope("club", "superhero2", CometChat.GROUP_MEMBER_SCOPE.MODERATOR)
    with SimulatedUser("superhero2") as mod:
        mod.run(lambda c: c.kick_group_member("club", "superhero3"))
        mod.run(lambda c: c.ban_group_member("club", "superhero4"))
        mod.run(lambda c: c.unban_group_member("club", "superhero4"))
        mod.run(lambda c: c.update_group_member_scope("club", "superhero5", "moderator"))
    names = (
        "group_member_kicked",
        "group_member_banned",
        "group_member_unbanned",
        "group_member_scope_changed",
    )
    frame = session.live_frame().wait_for(4, event=names, timeout=WAIT)
    df = frame.df
    rows = df[df["event"].isin(names)]
    assert list(rows["event"]) == list(names)
    extras = [json.loads(x) for x in rows["extra"]]
    assert [(e["by"], e["on"], e["for"]) for e in extras] == [
        ("superhero2", "superhero3", "club"),
        ("superhero2", "superhero4", "club"),
        ("superhero2", "superhero4", "club"),
        ("superhero2", "superhero5", "club"),
    ]
    assert (extras[3]["oldScope"], extras[3]["newScope"]) == ("participant", "moderator")
    assert set(rows["receiver"]) == {"club"} and set(rows["kind"]) == {"group"}
