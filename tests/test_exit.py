"""A script that uses the sync ``CometChat`` facade and simply ends exits silently.

At interpreter exit the SDK runtime closes the default client from ``atexit``:
by then Python refuses to start threads or executors, so nothing on that path
may need one. Each situation runs as a real script in a fresh interpreter
(``sys.executable``, private data directory), against a real EmbeddedServer
started by the test or by the script: the exit status must be the script's
own, stderr empty, and — checked by an ``atexit`` handler registered before
``cometchat_nb`` is imported, so it runs after the SDK's — no SDK thread may
be left running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from cometchat_nb.server import EmbeddedServer

EXIT_BOUND = 60.0

PRELUDE = """\
import atexit, sys, threading

def _threads_left():  # runs after the SDK's own atexit handler (registered later, runs first)
    left = sorted(t.name for t in threading.enumerate()
                  if t.name.startswith("cometchat-") and t.name != "cometchat-nb-server")
    print("threads left:", left)

atexit.register(_threads_left)

from cometchat_nb import CometChat, EmbeddedServer

URL, APP_ID, AUTH_KEY = sys.argv[1:4]

def settings(url, manual=False):
    return (CometChat.AppSettingsBuilder().setRegion("eu")
            .autoEstablishSocketConnection(not manual)
            .overrideClientHost(url).overrideAdminHost(url).build())
"""

SCRIPTS: dict[str, tuple[str, int, str]] = {
    # name: (body, expected exit status, expected stdout before the thread report)
    "connected in auto mode": (
        """
        CometChat.addConnectionListener("c", CometChat.ConnectionListener(
            onDisconnected=lambda: print("disconnected")))
        CometChat.addMessageListener("m", CometChat.MessageListener(onTextMessageReceived=print))
        CometChat.init(APP_ID, settings(URL))
        CometChat.login("superhero1", AUTH_KEY)
        CometChat.waitForState(CometChat.ConnectionState.CONNECTED)
        CometChat.startTyping(CometChat.TypingIndicator("superhero2", "user"))
        print(CometChat.getConnectionStatus())
        """,
        0,
        "connected\ndisconnected\n",
    ),
    "manual mode, never connected": (
        """
        CometChat.init(APP_ID, settings(URL, manual=True))
        CometChat.login("superhero1", AUTH_KEY)
        print(CometChat.getConnectionStatus())
        """,
        0,
        "disconnected\n",
    ),
    "disconnected": (
        """
        CometChat.init(APP_ID, settings(URL, manual=True))
        CometChat.login("superhero1", AUTH_KEY)
        CometChat.connect()
        CometChat.disconnect()
        print(CometChat.getConnectionStatus())
        """,
        0,
        "disconnected\n",
    ),
    "reconnecting to a server the script stopped": (
        """
        with EmbeddedServer() as server:
            CometChat.init(server.app_id, settings(server.url))
            CometChat.login("superhero1", server.auth_key)
            CometChat.waitForState(CometChat.ConnectionState.CONNECTED)
        print("server stopped")
        """,
        0,
        "server stopped\n",
    ),
    "never logged in": (
        """
        CometChat.addMessageListener("m", CometChat.MessageListener(onTextMessageReceived=print))
        CometChat.init(APP_ID, settings(URL))
        print(CometChat.getLoggedInUser())
        """,
        0,
        "None\n",
    ),
    "init raised, exit status 3 on purpose": (
        """
        try:
            CometChat.init("", settings(URL))
        except CometChat.CometChatException as error:
            print(error.code)
        sys.exit(3)
        """,
        3,
        "MISSING_PARAMETERS\n",
    ),
    "login raised: nothing listens there": (
        """
        CometChat.init(APP_ID, settings(sys.argv[4]))
        try:
            CometChat.login("superhero1", AUTH_KEY)
        except CometChat.CometChatException as error:
            print(error.code)
        """,
        0,
        "FAILED_TO_FETCH\n",
    ),
    "login raised: wrong key": (
        """
        CometChat.init(APP_ID, settings(URL))
        try:
            CometChat.login("superhero1", "not-the-key")
        except CometChat.CometChatException as error:
            print(error.code)
        """,
        0,
        "AUTH_ERR_APIKEY_NOT_FOUND\n",
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer() as srv:
        yield srv


@pytest.fixture
def closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize("situation", list(SCRIPTS))
def test_a_script_using_the_facade_exits_silently(
    situation: str, server: EmbeddedServer, closed_url: str, tmp_path: Path
) -> None:
    body, status, stdout = SCRIPTS[situation]
    script = tmp_path / "script.py"
    script.write_text(PRELUDE + textwrap.dedent(body), encoding="utf-8")
    env = {**os.environ, "COMETCHAT_NB_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, str(script), server.url, server.app_id, server.auth_key, closed_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=EXIT_BOUND,
    )
    assert proc.stderr == "", f"stderr of {situation!r}:\n{proc.stderr}"
    assert proc.returncode == status
    assert proc.stdout == stdout + "threads left: []\n"
