"""``%cometchat_send --reply-to / --file / --show``, ``%cometchat_react`` and the
``%cometchat_history`` filters (issue 14), in a real InteractiveShell against the local
server, and the message-feature columns they fill in the live frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import Image

from cometchat_nb.notebook import SimulatedUser, session

from ..support import WAIT

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63fccf00000301010018dd8db00000000049454e44ae426082"
)


def test_send_reply_file_react_and_filtered_history(
    ip: InteractiveShell, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ip.run_line_magic("cometchat_init", "--local")
    ip.run_line_magic("cometchat_login", "superhero1")
    capsys.readouterr()
    with SimulatedUser("superhero2") as bob:
        question = bob.say("superhero1", "lunch, <@uid:superhero1>?")
        session.live_frame().wait_for(count=1, event="text_message_received", timeout=WAIT)

        ip.run_line_magic("cometchat_send", f"superhero2 yes, at noon --reply-to {question.id}")
        assert f"in the thread of {question.id}." in capsys.readouterr().out
        ip.run_line_magic("cometchat_react", f"{question.id} 👍")
        assert f"Reactions of message {question.id}: 👍×1." in capsys.readouterr().out
        bob.react(question.id or "", "🎉")
        session.live_frame().wait_for(count=1, event="message_reaction_added", timeout=WAIT)

        path = tmp_path / "dot.png"
        path.write_bytes(PNG)
        shown = ip.run_line_magic("cometchat_send", f'superhero2 "a dot" --file {path} --show')
        assert isinstance(shown, Image) and shown.data == PNG
        assert "Sent image message" in capsys.readouterr().out
        ip.run_line_magic("cometchat_send", f"superhero2 --file {path} --reply-to {question.id}")
        ip.run_line_magic("cometchat_send", f"superhero2 don't wait -r {question.id}")  # unbalanced quote
        assert f"in the thread of {question.id}." in capsys.readouterr().out
        with pytest.raises(UsageError):
            ip.run_line_magic("cometchat_send", "superhero2")
        with pytest.raises(UsageError) as missing:
            ip.run_line_magic("cometchat_send", f"superhero2 x --file {tmp_path / 'absent.png'}")
        assert "ERR_INVALID_PARAMETER" in str(missing.value) or "cannot read" in str(missing.value)

        ev = session.events(type="text_message_received,message_reaction_added")
        row = ev[ev["event"] == "text_message_received"].iloc[0]
        assert row["mentions"] == "superhero1" and pd.isna(row["parent_id"])
        reaction = ev[ev["event"] == "message_reaction_added"].iloc[0]
        assert (reaction["reactions"], reaction["message_id"], reaction["sender"]) == (
            "🎉",
            question.id,
            "superhero2",
        )

    thread = ip.run_line_magic("cometchat_history", f"--parent {question.id}")
    assert list(thread["text"].fillna("")) == ["yes, at noon", "", "don't wait"]
    assert set(thread["parent_id"]) == {question.id}
    assert thread["attachment_name"].iloc[1] == "dot.png" and thread["attachment_size"].iloc[1] == len(PNG)
    main = ip.run_line_magic("cometchat_history", "--uid superhero2 --hide-replies")
    assert list(main["message_id"]) == [question.id, main["message_id"].iloc[1]] and len(main) == 2
    assert main["reactions"].iloc[0] == "👍×1 🎉×1" and main["attachment_mime"].iloc[1] == "image/png"
    assert main["reply_count"].iloc[0] == 3 and pd.isna(main["reply_count"].iloc[1])  # the server's count
    images = ip.run_line_magic("cometchat_history", "--uid superhero2 --attachments image")
    assert len(images) == 2
    reacted = ip.run_line_magic("cometchat_history", "--uid superhero2 --has-reactions")
    assert list(reacted["message_id"]) == [question.id]
    mentioning = ip.run_line_magic("cometchat_history", "--uid superhero2 --mentions superhero1")
    assert list(mentioning["message_id"]) == [question.id]
    found = ip.run_line_magic("cometchat_history", "--uid superhero2 --search NOON")
    assert list(found["text"]) == ["yes, at noon"]
    assert len(ip.run_line_magic("cometchat_history", "--uid superhero2 --search WAIT")) == 1
