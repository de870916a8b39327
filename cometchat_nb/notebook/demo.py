"""``SimulatedUser``: a second user that generates traffic in demo notebooks.

::

    %cometchat_init --local
    %cometchat_login superhero1
    from cometchat_nb.notebook import SimulatedUser
    bob = SimulatedUser("superhero2")           # logged into the kernel's local server
    bob.say("superhero1", "hi from Bob")
    bob.chatter(20, "superhero1").result()      # 20 messages, in the background
    %cometchat_wait --count 21 --type text_message_received

The simulated user is an async :class:`~cometchat_nb.client.Client` with its
own in-memory session store, run on the SDK runtime (the same loop thread as
the facade), so it never blocks the kernel's loop. Traffic is always bounded
in count. :meth:`SimulatedUser.close` (or ``with``) logs it off.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ..client.client import Client
from ..client.store import MemorySessionStore
from ..errors import ErrorCode, InvalidArgumentError, StateError
from ..models import BaseMessage, TextMessage, TypingIndicator, User
from ..protocol.states import ConnectionState
from ..runtime import get_runtime
from ..settings import AppSettingsBuilder
from . import session

if TYPE_CHECKING:
    from ..server import EmbeddedServer

__all__ = ["DEFAULT_LINES", "SimulatedUser"]

T = TypeVar("T")

DEFAULT_LINES: Final = (
    "hey there 👋",
    "how is the notebook going?",
    "I just pushed the new dataset",
    "can you check the last plot?",
    "looks good to me",
    "lunch in 10?",
    "brb",
    "back!",
    "that reconnect was quick",
    "ok, talk later",
)
"""Lines :meth:`SimulatedUser.chatter` cycles through by default."""

TIMEOUT: Final = 30.0


class SimulatedUser:
    """A second user logged into a local :class:`~cometchat_nb.server.EmbeddedServer`.

    ``server``: default the kernel's local server (``%cometchat_init --local``);
    ``connect``: also open its socket (so others see it online and it can send
    typing indicators), waiting until connected.
    """

    def __init__(self, uid: str, *, server: EmbeddedServer | None = None, connect: bool = True) -> None:
        server = server if server is not None else session.local_server()
        if server is None:
            raise StateError(
                "SimulatedUser needs the local server: run %cometchat_init --local first "
                "(or pass server=EmbeddedServer(...))",
                code=ErrorCode.NOT_INITIALIZED,
            )
        self.uid = uid
        self.server = server
        settings = (
            AppSettingsBuilder()
            .subscribePresenceForAllUsers()
            .setRegion(server.region)
            .autoEstablishSocketConnection(connect)
            .overrideClientHost(server.url)
            .overrideAdminHost(server.url)
            .build()
        )
        self._runtime = get_runtime()
        self.client = Client(
            server.app_id,
            settings,
            store=MemorySessionStore(),
            backoff=lambda attempt: 0.0,
            name=f"sim-{uid}",
        )
        self._closed = False
        self.sent = 0
        """Messages sent so far."""
        # closed with the runtime too (%reload_ext, CometChat.shutdown()): no thread is left behind
        self._runtime.add_closer(self.client.close)
        try:
            self.user: User = self._run(self._start(connect))
        except BaseException:
            self.close()
            raise

    async def _start(self, connect: bool) -> User:
        await self.client.init()
        user = await self.client.login(self.uid, self.server.auth_key)
        if connect:
            await self.client.wait_for_state(ConnectionState.CONNECTED, timeout=TIMEOUT)
        return user

    def _run(self, coro: Any, what: str = "SimulatedUser") -> Any:
        return self._runtime.run(coro, TIMEOUT, what=what)

    def _check(self) -> None:
        if self._closed:
            raise StateError(f"SimulatedUser {self.uid!r} has been closed.", code=ErrorCode.CLIENT_CLOSED)

    # -- traffic ------------------------------------------------------------------------------
    def say(self, to: str, text: str, group: bool = False) -> BaseMessage:
        """Send one text message to a user (or group); returns it as the server stored it."""
        self._check()
        message = TextMessage(to, text, "group" if group else "user")
        sent: BaseMessage = self._run(self.client.send_message(message), "SimulatedUser.say()")
        self.sent += 1
        return sent

    def reply(self, to: str, parent_id: str | int, text: str, group: bool = False) -> BaseMessage:
        """Reply to message ``parent_id`` in its thread; returns the reply as stored."""
        self._check()
        message = TextMessage(to, text, "group" if group else "user")
        message.set_parent_message_id(str(parent_id))
        sent: BaseMessage = self._run(self.client.send_message(message), "SimulatedUser.reply()")
        self.sent += 1
        return sent

    def react(self, message_id: str | int, reaction: str) -> BaseMessage:
        """React to a message; returns it with its reaction counts."""
        self._check()
        reacted: BaseMessage = self._run(
            self.client.add_reaction(message_id, reaction), "SimulatedUser.react()"
        )
        return reacted

    def read(self, other: str, group: bool = False) -> str:
        """Mark the conversation with user ``other`` (or group ``other``) as read, as
        ``CometChat.markConversationAsRead`` does: the senders get read receipts."""
        self._check()
        done: str = self._run(
            self.client.mark_conversation_as_read(other, "group" if group else "user"), "SimulatedUser.read()"
        )
        return done

    def typing(self, to: str, group: bool = False, *, started: bool = True) -> None:
        """Send a typing-started (or, with ``started=False``, typing-ended) indicator."""
        self._check()
        indicator = TypingIndicator(to, "group" if group else "user")
        coro = self.client.start_typing(indicator) if started else self.client.end_typing(indicator)
        self._run(coro, "SimulatedUser.typing()")

    def run(self, call: Callable[[Client], Awaitable[T]], what: str = "SimulatedUser.run()") -> T:
        """Run ``call(client)`` — any call of this user's async :class:`~cometchat_nb.client.Client` —
        and return its result, e.g. ``bob.run(lambda c: c.kick_group_member("club", "superhero3"))``
        (group administration done by another member, seen by the kernel's listeners)."""
        self._check()

        async def go() -> T:
            return await call(self.client)

        result: T = self._run(go(), what)
        return result

    def chatter(
        self,
        n: int,
        to: str,
        every: float = 0.0,
        *,
        group: bool = False,
        lines: Sequence[str] = DEFAULT_LINES,
        typing: bool = False,
    ) -> concurrent.futures.Future[list[BaseMessage]]:
        """Send ``n`` messages to ``to`` in the background, ``every`` seconds apart.

        Returns at once with a future of the sent messages (``.result()`` waits;
        ``.cancel()`` stops early). ``lines`` are cycled through (numbered);
        ``typing`` sends a typing indicator before each message.
        """
        self._check()
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidArgumentError(f"chatter needs a count n >= 0, got {n!r}")
        if every < 0:
            raise InvalidArgumentError(f"every must be >= 0 seconds, got {every!r}")
        if not lines:
            raise InvalidArgumentError("chatter needs at least one line")
        receiver_type = "group" if group else "user"

        async def run() -> list[BaseMessage]:
            sent: list[BaseMessage] = []
            for i, line in zip(range(n), itertools.cycle(lines), strict=False):
                if typing:
                    await self.client.start_typing(TypingIndicator(to, receiver_type))
                message = TextMessage(to, f"{line} ({i + 1}/{n})", receiver_type)
                sent.append(await self.client.send_message(message))
                self.sent += 1
                if typing:
                    await self.client.end_typing(TypingIndicator(to, receiver_type))
                if every and i + 1 < n:
                    await asyncio.sleep(every)
            return sent

        return self._runtime.submit(run())

    # -- lifecycle ----------------------------------------------------------------------------
    def close(self) -> None:
        """Log the simulated user off (closes its socket). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._runtime.remove_closer(self.client.close)
        if self._runtime.running:
            self._run(self.client.close(), "SimulatedUser.close()")

    def __enter__(self) -> SimulatedUser:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else self.client.connection_state.value
        return f"<SimulatedUser {self.uid!r} {state} sent={self.sent}>"
