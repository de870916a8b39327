"""What every request shares: the REST caller, the limit, page-numbered listings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self

from ...errors import InvalidArgumentError, ProtocolError
from ...protocol.rest import Meta

__all__ = ["MAX_LIMIT", "PagedBuilder", "PagedRequest", "RestCaller", "as_list", "check_limit", "reader_of"]

#: ``await caller(endpoint, path=..., query=...) -> (data, meta)``: ``Client.rest_call``.
RestCaller = Callable[..., Awaitable[tuple[Any, dict[str, Any]]]]

MAX_LIMIT = 100


def check_limit(value: int) -> int:
    """``value`` if the server takes it as a page size (1..:data:`MAX_LIMIT`), else an error."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidArgumentError(f"limit must be an integer within 1..{MAX_LIMIT}, got {value!r}")
    return value


def reader_of(caller: RestCaller) -> str | None:
    """The uid of the user whose client ``caller`` is (``Client.rest_call`` is a bound
    method; None for any other caller): messages read through it know their reader."""
    uid = getattr(getattr(caller, "__self__", None), "uid", None)
    return uid if isinstance(uid, str) else None


def as_list(data: Any, what: str) -> list[Any]:
    """The ``data`` of a listing answer, which must be a list (``ProtocolError`` otherwise)."""
    if not isinstance(data, list):
        raise ProtocolError(f"{what}: expected a list in 'data', got {type(data).__name__}")
    return data


class PagedRequest:
    """Page-numbered listing (users, groups, members): ``endpoint`` and the builder's query."""

    endpoint = ""

    def __init__(
        self, caller: RestCaller, params: dict[str, Any], path: dict[str, str] | None = None
    ) -> None:
        self._caller = caller
        self.limit: int = params.pop("limit", 30)
        # ``setPage(n)`` then ``fetchNext()`` asks for page n + 1, as the JS SDK's getPageToFetch
        self._page: int = params.pop("page", 0)
        self._query = {k: v for k, v in params.items() if v is not None}
        self._path = path or {}
        self._total_pages: int | None = None

    async def _next_page(self) -> list[Any]:
        if self._total_pages is not None and self._page >= self._total_pages:
            return []
        self._page += 1
        data, meta = await self._caller(
            self.endpoint, path=self._path, query={"per_page": self.limit, "page": self._page, **self._query}
        )
        items = as_list(data, self.endpoint)
        self._total_pages = Meta.from_wire(meta).pagination.total_pages if meta else None
        if not items:
            self._total_pages = self._page
        return items


class PagedBuilder:
    """What the users/groups/members builders share: the limit, a search key, binding."""

    def __init__(self, caller: RestCaller | None = None) -> None:
        self._caller = caller
        self._params: dict[str, Any] = {"limit": 30}

    def _bound(self) -> RestCaller:
        if self._caller is None:
            raise InvalidArgumentError(
                f"this {type(self).__name__} is not bound to a client; use the client's *_request() method"
            )
        return self._caller

    def set_limit(self, limit: int) -> Self:
        self._params["limit"] = check_limit(limit)
        return self

    def set_search_keyword(self, keyword: str) -> Self:
        self._params["searchKey"] = keyword
        return self

    def set_page(self, page: int) -> Self:
        """Start after page ``page``: the first ``fetch_next()`` asks for page ``page + 1`` (the JS SDK)."""
        if not isinstance(page, int) or isinstance(page, bool) or page < 0:
            raise InvalidArgumentError(f"page must be an integer >= 0, got {page!r}")
        self._params["page"] = page
        return self

    def _set_list(self, key: str, values: Sequence[str], what: str) -> None:
        """``values`` (a list of non-empty strings) as a comma-joined query parameter ``key``."""
        if isinstance(values, str) or not all(isinstance(v, str) and v for v in values):
            raise InvalidArgumentError(f"{what} must be a list of non-empty strings, got {values!r}")
        self._params[key] = list(values) or None

    def _set_flag(self, key: str, on: bool) -> None:
        """A ``key=1`` flag (as the official SDK sends them), dropped when false."""
        self._params[key] = 1 if on else None

    # camelCase aliases -------------------------------------------------------------
    setLimit = set_limit
    setSearchKeyword = set_search_keyword
    setPage = set_page
