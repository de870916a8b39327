"""The exception tree, the wire shape of errors, and the JS getters."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from typing import Any

import pytest

import cometchat_nb
from cometchat_nb.errors import (
    AUTH_ERROR_CODES,
    ApiError,
    AuthError,
    CometChatException,
    ErrorCode,
    InvalidArgumentError,
    NotConnectedError,
    ProtocolError,
    StateError,
    TransportError,
    error_from_wire,
    short_repr,
)
from cometchat_nb.errors import (
    TimeoutError as CCTimeoutError,
)


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (CometChatException, "ERR_UNKNOWN"),
        (ProtocolError, "ERR_PROTOCOL"),
        (ApiError, "ERR_UNKNOWN"),
        (AuthError, "ERR_UNKNOWN"),
        (TransportError, "FAILED_TO_FETCH"),
        (NotConnectedError, "NO_WEBSOCKET_CONNECTION"),
        (StateError, "USER_NOT_LOGGED_IN"),
        (InvalidArgumentError, "MISSING_PARAMETERS"),
        (CCTimeoutError, "ERR_TIMEOUT"),
    ],
)
def test_default_codes_and_tree(cls: type[CometChatException], code: str) -> None:
    e = cls("went wrong")
    assert e.code == code
    assert isinstance(e, CometChatException)
    assert str(e) == f"[{code}] went wrong"
    assert e.name == code
    assert repr(e) == f"{cls.__name__}(code={code!r}, message='went wrong')"


def test_family_relations() -> None:
    assert issubclass(AuthError, ApiError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(CCTimeoutError, builtins.TimeoutError)
    with pytest.raises(ValueError):
        raise InvalidArgumentError("x")
    with pytest.raises(builtins.TimeoutError):
        raise CCTimeoutError("slow")


def test_js_getters_and_to_dict() -> None:
    e = ApiError("no such user", code="ERR_UID_NOT_FOUND", details={"uid": "x"}, name="Not found")
    assert e.getCode() == "ERR_UID_NOT_FOUND"
    assert e.getMessage() == "no such user"
    assert e.getDetails() == {"uid": "x"}
    assert e.getName() == "Not found"
    assert e.to_dict() == {"code": "ERR_UID_NOT_FOUND", "message": "no such user", "details": {"uid": "x"}}
    assert ApiError("m", code="C").to_dict() == {"code": "C", "message": "m"}
    assert str(e) == "[ERR_UID_NOT_FOUND] no such user"
    assert e.args == ("no such user",)


def test_empty_code_falls_back_to_default() -> None:
    assert ProtocolError("m", code="").code == "ERR_PROTOCOL"


def test_error_from_wire_auth_and_api() -> None:
    for code in AUTH_ERROR_CODES:
        e = error_from_wire({"code": code, "message": "m"})
        assert type(e) is AuthError and e.code == code
    e = error_from_wire({"code": ErrorCode.UID_NOT_FOUND, "message": "m", "details": [1], "name": "N"})
    assert type(e) is ApiError
    assert (e.code, e.message, e.details, e.name) == ("ERR_UID_NOT_FOUND", "m", [1], "N")


def test_error_from_wire_js_failed_to_fetch_shape() -> None:
    e = error_from_wire(
        {
            "code": "FAILED_TO_FETCH",
            "name": "FAILED_TO_FETCH",
            "message": "There is an unknown issue with the API request.",
            "details": {},
        }
    )
    assert e.code == "FAILED_TO_FETCH" and e.details == {} and e.getName() == "FAILED_TO_FETCH"


@pytest.mark.parametrize(
    ("obj", "cls", "code", "message"),
    [
        ({}, ApiError, "ERR_UNKNOWN", "ERR_UNKNOWN"),
        ({"code": "X"}, ApiError, "X", "X"),
        ({"message": "only a message"}, ApiError, "ERR_UNKNOWN", "only a message"),
        ({"code": 404, "message": 1.5}, ApiError, "404", "1.5"),
        ({"code": None, "message": None}, ApiError, "ERR_UNKNOWN", "ERR_UNKNOWN"),
        ({"code": "", "message": ""}, ApiError, "ERR_UNKNOWN", ""),
        ({"code": ["AUTH"], "message": {"a": 1}}, ApiError, "['AUTH']", "{'a': 1}"),
        (None, ProtocolError, "ERR_PROTOCOL", None),
        ("boom", ProtocolError, "ERR_PROTOCOL", None),
        ([1, 2], ProtocolError, "ERR_PROTOCOL", None),
        (3, ProtocolError, "ERR_PROTOCOL", None),
    ],
)
def test_error_from_wire_junk(
    obj: Any, cls: type[CometChatException], code: str, message: str | None
) -> None:
    e = error_from_wire(obj)
    assert type(e) is cls
    assert e.code == code
    if message is not None:
        assert e.message == message
    assert code in str(e)


def test_error_from_wire_bounded_message_for_huge_input() -> None:
    e = error_from_wire(["x" * 100_000] * 100)
    assert len(str(e)) < 300
    nested: Any = "x"
    for _ in range(5000):
        nested = [nested]
    e = error_from_wire({"code": nested, "message": nested})
    assert len(e.message) < 300


def test_short_repr() -> None:
    assert short_repr("abc") == "'abc'"
    assert short_repr(None) == "None"
    assert len(short_repr("x" * 10_000)) < 100
    assert len(short_repr(list(range(10_000)))) < 100
    assert len(short_repr([["x" * 1000] * 100] * 100)) <= 200


def test_the_package_spells_error_codes_with_error_code_constants() -> None:
    """No ``code="ERR_…"`` (nor a compared code) written as a literal outside errors.py: a typo in
    a literal goes unnoticed, a typo in a constant does not. (``code="401"`` in the server's
    auth answer is the frame's status, not an error code: digits are allowed.)"""
    package = Path(cometchat_nb.__file__).parent
    codes = {value for name, value in vars(ErrorCode).items() if name.isupper()}
    found = []
    for path in sorted(package.rglob("*.py")):
        if path == package / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and node.value in codes:
                found.append(f"{path.relative_to(package)}:{node.lineno} {node.value!r}")
            elif (
                isinstance(node, ast.keyword)
                and node.arg == "code"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and not node.value.value.isdigit()
            ):
                found.append(f"{path.relative_to(package)}:{node.value.lineno} code={node.value.value!r}")
    assert not found, "use ErrorCode constants (add one to errors.ErrorCode if missing):\n" + "\n".join(found)
