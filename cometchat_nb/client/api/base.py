"""What the API modules use of the client core: the contract of a mixin.

Every ``client/api/<domain>.py`` is a class deriving from :class:`ApiBase`
whose methods are REST wrappers (or socket frames) of one domain; ``Client``
(``client/client.py``) lists them as bases and implements what this class only
declares. A wrapper reads like::

    async def get_user(self, uid: str) -> User:
        self._bind()                                   # on the client's loop, not closed
        data, _ = await self.rest_call("user", path={"uid": uid})
        return User.from_wire(data)

Endpoint names are those of :data:`cometchat_nb.protocol.rest.ENDPOINTS`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ...protocol import rest
from ...protocol.rest import Hosts
from ...settings import AppSettings
from ..catchup import CatchupRunner
from ..delivery import DeliveryLedger
from ..dispatch import Dispatcher
from ..http import RestApi
from ..outbound import OutboundQueue
from ..persist import Session, SessionSaver
from ..routing import Router
from ..supervisor import Supervisor

__all__ = ["ApiBase"]


class ApiBase:
    """Declarations only: :class:`~cometchat_nb.client.Client` provides them."""

    app_id: str
    settings: AppSettings
    #: this client's ``deviceId`` on the socket (its echoes carry it)
    resource: str
    _loop: asyncio.AbstractEventLoop | None
    _rest: RestApi
    #: where REST lives now (the server's settings once logged in)
    _hosts: Hosts
    _session: Session | None
    # the engines (client/*.py)
    _dispatcher: Dispatcher
    _supervisor: Supervisor
    _ledger: DeliveryLedger
    _router: Router
    _catchup: CatchupRunner
    _outbound: OutboundQueue
    _saver: SessionSaver
    # the server's settings (admin-key calls, the JWT-authorised online counts)
    _server_settings: rest.ServerSettings | None

    @property
    def uid(self) -> str | None:
        """The logged-in user's uid, or None."""
        raise NotImplementedError

    def _bind(self) -> asyncio.AbstractEventLoop:
        """Check the call runs on the client's loop and the client is open; the loop."""
        raise NotImplementedError

    def _need_session(self, what: str) -> Session:
        """The logged-in session, or ``StateError`` naming ``what`` needed it."""
        raise NotImplementedError

    def _transient_allowed(self) -> bool:
        """Whether the server accepts typing indicators and receipts (its settings)."""
        raise NotImplementedError

    async def send_message(self, message: Any) -> Any:
        """Send a message (:class:`~.messages.MessagesApi`), for the domains that build one."""
        raise NotImplementedError

    async def rest_call(
        self,
        endpoint: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
    ) -> tuple[Any, dict[str, Any]]:
        """A user-endpoint REST call with the logged-in user's token: ``(data, meta)``."""
        raise NotImplementedError
