"""SimulatedUser (notebook/demo.py): it needs a server, validates its arguments, sends
bounded traffic and logs off."""

from __future__ import annotations

import pytest

from cometchat_nb import CometChat, InvalidArgumentError, StateError
from cometchat_nb.notebook import SimulatedUser
from cometchat_nb.server import EmbeddedServer

from ..support import WAIT


def test_simulated_user_needs_a_server_and_validates() -> None:
    with pytest.raises(StateError) as info:
        SimulatedUser("superhero2")
    assert "%cometchat_init --local" in str(info.value)
    with EmbeddedServer() as server:
        with SimulatedUser("superhero2", server=server) as bob:
            assert bob.user.uid == "superhero2"
            assert server.connection_count("superhero2") == 1
            for bad in (-1, True):
                with pytest.raises(InvalidArgumentError):
                    bob.chatter(bad, "superhero1")
            with pytest.raises(InvalidArgumentError):
                bob.chatter(1, "superhero1", every=-1)
            assert bob.chatter(0, "superhero1").result(WAIT) == []
            sent = bob.chatter(2, "superhero1", lines=["a"]).result(WAIT)
            assert [m.text for m in sent] == ["a (1/2)", "a (2/2)"]  # type: ignore[attr-defined]
            assert "sent=2" in repr(bob)
        assert "closed" in repr(bob)
        with pytest.raises(StateError):
            bob.say("superhero1", "too late")
    CometChat.shutdown()
