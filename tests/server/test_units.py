"""Unit tests of the server's pure parts: JWTs, password hashes, the SQLite store."""

from __future__ import annotations

import base64
import contextlib
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cometchat_nb.server.store import Store, UserFields, conversation_id, hash_password, verify_password
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


def test_tokens_are_random_and_hashed() -> None:
    tokens = {new_auth_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 40 for t in tokens)
    t = next(iter(tokens))
    assert token_hash(t) == token_hash(t) and len(token_hash(t)) == 64 and t not in token_hash(t)


def test_passwords() -> None:
    stored = hash_password("pw")
    assert stored.startswith("scrypt$") and "pw" not in stored.split("$", 1)[1]
    assert verify_password("pw", stored) and not verify_password("pW", stored)
    assert hash_password("pw") != stored  # salted
    for broken in (
        None,
        "",
        "plain",
        "md5$1,1,1$00$00",
        "scrypt$zz$zz$zz",
        "scrypt$3,8,1$00$00",
        "scrypt$a$b",
    ):
        assert not verify_password("pw", broken)


def test_conversation_ids() -> None:
    assert conversation_id("superhero2", "superhero1", "user") == "superhero1_user_superhero2"
    assert conversation_id("superhero1", "superhero2", "user") == "superhero1_user_superhero2"
    assert conversation_id("superhero1", "club", "group") == "group_club"


def test_store_basics(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store(path)
    assert store.add_user("a", "A", now=1) is not None and store.add_user("a", "again", now=1) is None
    assert store.add_user("b", "B", now=1, fields=UserFields(role="vip", tags=["x"])) == {
        "uid": "b",
        "name": "B",
        "role": "vip",
        "status": "offline",
        "tags": ["x"],
    }
    store.add_token("a", "h1", 1)
    assert store.token_uid("h1") == "a" and store.revoke_token("h1", 2) and store.token_uid("h1") is None
    assert not store.revoke_token("h1", 3)
    m1 = store.add_message(
        {
            "conversationId": "a_user_b",
            "sender": "a",
            "receiver": "b",
            "receiverType": "user",
            "category": "message",
            "type": "text",
            "data": {"text": "x"},
            "sentAt": 5,
            "updatedAt": 5,
        },
        now=5,
    )
    assert m1["id"] == "1" and next(iter(m1)) == "id"
    secret = store.jwt_secret()
    assert store.jwt_secret() == secret and len(secret) == 32
    assert store.add_receipt(1, "b", "read", 6) and not store.add_receipt(1, "b", "read", 7)
    assert store.receipts(1) == [("b", "read", 6)]
    store.close()
    store.close()  # idempotent
    again = Store(path)
    assert again.jwt_secret() == secret and again.message(1) == m1 and again.user_count() == 2
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    Store(path).close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(RuntimeError, match="newer") as info:
        Store(path)
    # the refused store closed its connection (its frame, still alive in the traceback,
    # holds no open file): on Python 3.13 an unclosed one is a ResourceWarning
    assert info.traceback
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        held = []
        for fd in os.listdir(fds):
            with contextlib.suppress(OSError):
                if os.readlink(fds / fd) == str(path):
                    held.append(fd)
        assert held == [], "the refused store keeps the database open"
