"""EmbeddedServer: lifecycle, durability across restarts, admin helpers, fault hooks."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

import pytest

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.protocol.frames import CloseCode
from cometchat_nb.server import EmbeddedServer

from ..support.raw import Rest, Sock, data, error_code


def test_lifecycle_and_addresses() -> None:
    server = EmbeddedServer(app_id="my-app", auth_key="k", region="US")
    assert not server.running
    with pytest.raises(RuntimeError, match="not running"):
        server.connection_count()
    with server:
        assert server.running and server.port > 0 and server.ws_port > 0 and server.port != server.ws_port
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.ws_url == f"ws://127.0.0.1:{server.ws_port}"
        assert server.client_host == f"127.0.0.1:{server.port}"
        assert server.region == "us" and server.ca_file is None and server.tls is False
        assert "k" not in repr(server).replace("running", "")
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
        with Rest(server) as rest:
            settings = data(rest.call("GET", "/settings", token=server.issue_auth_token("superhero1")))
        assert settings["REGION"] == "us"
    assert not server.running
    server.stop()  # idempotent
    server.start()  # restartable
    server.stop()


def test_bad_arguments() -> None:
    for kwargs in (
        {"port": 70000},
        {"cert": "c.pem"},
        {"max_frame_bytes": 0},
        {"auth_timeout": 0},
        {"app_id": ""},
    ):
        with pytest.raises(ValueError):
            EmbeddedServer(**kwargs)  # type: ignore[arg-type]


def test_port_in_use_is_a_clear_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = EmbeddedServer(port=port)
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}: address already in use"):
            server.start()
        assert not server.running
        ws_taken = EmbeddedServer(ws_port=port)
        with pytest.raises(OSError, match="address already in use"):
            ws_taken.start()
    # nothing left behind: the thread is gone and the server can start afterwards
    assert not any(t.name == "cometchat-nb-server" for t in threading.enumerate())


def test_no_seed() -> None:
    with EmbeddedServer(seed=False) as server:
        with pytest.raises(ApiError) as info:
            server.issue_auth_token("superhero1")
        assert info.value.code == ErrorCode.UID_NOT_FOUND
        server.create_user("alice", "Alice")
        with Rest(server) as rest:
            assert rest.login("alice").me["name"] == "Alice"


async def test_restart_on_the_same_file_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite"
    first = EmbeddedServer(db=db).start()
    rest = Rest(first)
    one = rest.login("superhero1")
    two = rest.login("superhero2")
    first.create_user("alice", "Alice", role="vip", metadata={"x": 1})
    first.create_group("club", "Club", members=["superhero1", "alice"], type="password", password="pw")
    first.add_friends("alice", ["superhero1"])
    sent = [rest.send_text(one, "superhero2", f"m{i}")["id"] for i in range(5)]
    rest.call("DELETE", "/me", token=two.token)
    rest.close()
    first.stop()

    second = EmbeddedServer(db=db).start()  # new free ports, same file; seeding is idempotent
    try:
        rest = Rest(second)
        # the old token still works, and so does the old JWT on the socket
        me = data(rest.call("GET", "/me", token=one.token))
        assert me["uid"] == "superhero1"
        sock = await Sock.open(second)
        assert (await sock.auth(one))["body"]["status"] == "OK"
        await sock.close()
        assert error_code(rest.call("GET", "/me", token=two.token)) == ErrorCode.AUTH_TOKEN_NOT_FOUND
        history = data(rest.call("GET", "/users/superhero2/messages", token=one.token))
        assert [m["id"] for m in history] == sent
        nxt = rest.send_text(one, "superhero2", "after restart")
        assert int(nxt["id"]) == int(sent[-1]) + 1
        alice = data(rest.call("GET", "/users/alice", token=one.token))
        assert alice["role"] == "vip" and alice["metadata"] == {"x": 1}
        group = data(rest.call("GET", "/groups/club", token=one.token))
        assert group["membersCount"] == 2 and group["type"] == "password"
        assert data(rest.call("GET", "/groups/supergroup", token=one.token))["membersCount"] == 5
        users = data(rest.call("GET", "/users", token=one.token))
        assert len(users) == 6 and {u["status"] for u in users} == {"offline"}
        rest.close()
    finally:
        second.stop()


def test_admin_helpers(server: EmbeddedServer, rest: Rest) -> None:
    user = server.create_user("bob", "Bob", role="ops", metadata={"team": "x"})
    assert user == {
        "uid": "bob",
        "name": "Bob",
        "role": "ops",
        "status": "offline",
        "metadata": {"team": "x"},
    }
    with pytest.raises(ApiError) as info:
        server.create_user("bob")
    assert info.value.code == ErrorCode.UID_ALREADY_EXISTS
    with pytest.raises(ApiError):
        server.create_user("not valid!")
    group = server.create_group("crew", "Crew", members=["bob", "superhero1"])
    assert group["owner"] == "bob" and group["membersCount"] == 2 and group["scope"] == "admin"
    with pytest.raises(ApiError) as info:
        server.create_group("crew2", members=["ghost"])
    assert info.value.code == ErrorCode.UID_NOT_FOUND
    with pytest.raises(ApiError) as info:
        server.create_group("crew")
    assert info.value.code == ErrorCode.GUID_ALREADY_EXISTS
    token = server.issue_auth_token("bob")
    assert data(rest.call("GET", "/me", token=token))["uid"] == "bob"
    msg = server.send_message("bob", "crew", "hi crew", receiver_type="group")
    assert msg["sender"] == "bob" and msg["conversationId"] == "group_crew"
    with pytest.raises(ApiError) as info:
        server.send_message("superhero2", "crew", "let me in", receiver_type="group")
    assert info.value.code == ErrorCode.NOT_A_MEMBER
    stats = server.stats()
    assert stats["messages"] == 1 and stats["connections"] == 0 and stats["users_online"] == 0
    assert {"frames_in", "frames_out"} <= set(stats)


async def test_push_frames_and_stats(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1")
    socks = [await Sock.login(server, login) for _ in range(2)]
    frames = [f'{{"type":"bench","body":{{"n":{i}}}}}' for i in range(50)]
    assert server.push_frames("superhero1", frames) == 2
    assert server.push_frames("superhero2", frames) == 0
    for sock in socks:
        got = [(await sock.recv())["body"]["n"] for _ in range(50)]
        assert got == list(range(50))
    stats = server.stats()
    assert stats["connections"] == 2 and stats["users_online"] == 1
    assert stats["frames_out"] >= 100 and stats["frames_in"] >= 2
    assert stats.get("rss_bytes", 1) > 0
    for sock in socks:
        await sock.close()


async def test_drop_all_sockets(server: EmbeddedServer, rest: Rest) -> None:
    socks = [await Sock.login(server, rest.login(uid)) for uid in ("superhero1", "superhero2")]
    pending = await Sock.open(server)  # not yet authenticated: dropped as well
    assert server.drop_all_sockets() == 3
    assert server.connection_count() == 0
    for sock in (*socks, pending):
        code, reason = await sock.closed()
        assert code == CloseCode.RECONNECT and reason == "server asked to reconnect"
    # clients can come straight back
    again = await Sock.login(server, rest.login("superhero1"))
    assert server.connection_count("superhero1") == 1
    assert server.drop_all_sockets(code=1012, reason="restart") == 1
    assert (await again.closed()) == (1012, "restart")


async def test_stall_pongs(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1")
    sock = await Sock.login(server, login)
    server.stall_pongs()
    await sock.send({"action": "ping", "ack": "true"})
    server.send_message("superhero2", "superhero1", "other frames still flow")
    frame = await sock.recv()
    assert frame["type"] == "message"  # no pong came first
    server.stall_pongs(False)
    assert await sock.sync() == []
    await sock.close()


async def test_refuse_next_auths(server: EmbeddedServer, rest: Rest) -> None:
    login = rest.login("superhero1")
    server.refuse_next_auths(2)
    for _ in range(2):
        sock = await Sock.open(server)
        result = await sock.auth(login)
        assert result["body"]["code"] == "503" and result["body"]["status"] == "ERROR"
        assert result["body"]["error"]["code"] == ErrorCode.SERVICE_UNAVAILABLE
        assert (await sock.closed())[0] == 1013
    sock = await Sock.login(server, login)
    await sock.close()
    with pytest.raises(ValueError):
        server.refuse_next_auths(-1)


async def test_revoke_tokens(server: EmbeddedServer, rest: Rest) -> None:
    a, b = rest.login("superhero1"), rest.login("superhero1")
    other = await Sock.login(server, rest.login("superhero2"), subscription="ALL_USERS")
    socks = [await Sock.login(server, a), await Sock.login(server, b)]
    await other.expect("presence")
    assert server.revoke_tokens("superhero1") == 2
    for sock in socks:
        assert (await sock.closed())[0] == CloseCode.SESSION_REVOKED
    assert (await other.expect("presence"))["body"]["action"] == "offline"
    for login in (a, b):
        assert error_code(rest.call("GET", "/me", token=login.token)) == ErrorCode.AUTH_TOKEN_NOT_FOUND
    sock = await Sock.open(server)
    result = await sock.auth(a)
    assert result["body"]["error"]["code"] == ErrorCode.AUTH_TOKEN_NOT_FOUND
    assert (await sock.closed())[0] == CloseCode.AUTH_FAILED
    await other.close()


async def test_async_flavour_on_the_callers_loop() -> None:
    async with EmbeddedServer() as server:
        # the sync helpers run inline on the loop thread...
        token = server.issue_auth_token("superhero1")
        assert len(token) >= 40
        # ...and are marshalled from other threads
        assert await asyncio.to_thread(server.connection_count) == 0
        with pytest.raises(RuntimeError, match="stop_async"):
            server.stop()  # would deadlock the loop it runs on
        rest = Rest(server)
        login = await asyncio.to_thread(rest.login, "superhero2")
        sock = await Sock.login(server, login)
        assert server.connection_count("superhero2") == 1
        await sock.close()
        await asyncio.to_thread(rest.close)
    assert not server.running


def test_stop_from_the_server_thread_is_refused(server: EmbeddedServer) -> None:
    import concurrent.futures

    assert server._loop is not None
    done: concurrent.futures.Future[BaseException | None] = concurrent.futures.Future()

    def attempt() -> None:
        try:
            server.stop()
            done.set_result(None)
        except RuntimeError as exc:
            done.set_result(exc)

    server._loop.call_soon_threadsafe(attempt)
    error = done.result(5)
    assert isinstance(error, RuntimeError) and "another thread" in str(error)
    assert server.running


def test_helpers_from_many_threads(server: EmbeddedServer) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(10):
                server.send_message("superhero1", "superhero2", f"{i}-{j}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and server.stats()["messages"] == 80


def _has_ipv6() -> bool:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6(), reason="no IPv6 loopback here")
def test_ipv6_loopback() -> None:
    with EmbeddedServer(host="::1") as server, Rest(server) as rest:
        assert server.url == f"http://[::1]:{server.port}" and server.ws_url == f"ws://[::1]:{server.ws_port}"
        settings = rest.login("superhero1").me["settings"]
        assert settings["CHAT_HOST"] == "[::1]" and settings["CLIENT_API_HOST"] == f"[::1]:{server.port}"
