"""Credentials of the server: JWTs and auth tokens (cometchat_nb.server.tokens)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cometchat_nb.server.tokens import JwtError, new_auth_token, sign_jwt, token_hash, verify_jwt

SECRET = b"s" * 32


def _jwt(**kw: object) -> str:
    args: dict[str, object] = {"uid": "u1", "app_id": "app", "tid": "t" * 64, "secret": SECRET, "now": 1000}
    args.update(kw)
    return sign_jwt(**args)  # type: ignore[arg-type]


@given(uid=st.text(min_size=1, max_size=50), app_id=st.text(min_size=1, max_size=20))
def test_jwt_round_trip(uid: str, app_id: str) -> None:
    claims = verify_jwt(_jwt(uid=uid, app_id=app_id), secret=SECRET, app_id=app_id, now=1001)
    assert claims["uid"] == uid and claims["appId"] == app_id and claims["iat"] == 1000


def test_jwt_refusals() -> None:
    good = _jwt(ttl=10)
    with pytest.raises(JwtError, match="expired"):
        verify_jwt(good, secret=SECRET, app_id="app", now=1010)
    with pytest.raises(JwtError, match="another app"):
        verify_jwt(good, secret=SECRET, app_id="other", now=1001)
    with pytest.raises(JwtError, match="signature"):
        verify_jwt(good, secret=b"x" * 32, app_id="app", now=1001)
    head, body, sig = good.split(".")
    forged_body = base64.urlsafe_b64encode(b'{"uid":"admin","appId":"app","tid":"t","exp":9999}').rstrip(b"=")
    for bad in (
        f"{head}.{forged_body.decode()}.{sig}",
        "a.b",
        "",
        "a..c",
        f"{head}.{body}.!!!",
        f"{head}.{body}",
    ):
        with pytest.raises(JwtError):
            verify_jwt(bad, secret=SECRET, app_id="app", now=1001)
    # alg=none is never accepted
    none_head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(JwtError):
        verify_jwt(f"{none_head}.{body}.", secret=SECRET, app_id="app", now=1001)


@given(now=st.integers(min_value=0, max_value=2**40))
def test_jwt_refuses_every_other_spelling_of_its_signature(now: int) -> None:
    # A 32-byte signature is 43 base64url characters; the last one carries 4
    # bits and 2 unused ones, so 3 other characters decode to the same bytes.
    # They are not the token that was issued and must be refused (CI once hit
    # one of them by chance: the test that altered the last 2 characters).
    good = _jwt(now=now)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(good[-1])
    siblings = [alphabet[(last & ~3) | low] for low in range(4) if (last & ~3) | low != last]
    assert len(siblings) == 3
    for other in siblings:
        bad = good[:-1] + other
        same_bytes = base64.urlsafe_b64decode(bad.split(".")[2] + "=")
        assert same_bytes == base64.urlsafe_b64decode(good.split(".")[2] + "=")
        with pytest.raises(JwtError, match="signature"):
            verify_jwt(bad, secret=SECRET, app_id="app", now=now + 1)


def test_tokens_are_random_and_hashed() -> None:
    tokens = {new_auth_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 40 for t in tokens)
    t = next(iter(tokens))
    assert token_hash(t) == token_hash(t) and len(token_hash(t)) == 64 and t not in token_hash(t)
