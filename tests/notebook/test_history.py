"""Table commands: fetch_pages with its progress bar, typed_frame's dtypes (notebook/tables.py),
and %cometchat_history's function (notebook/history.py) against the local server."""

from __future__ import annotations

import pandas as pd
import pytest

from cometchat_nb import InvalidArgumentError
from cometchat_nb.models import User
from cometchat_nb.notebook import SimulatedUser, session
from cometchat_nb.notebook.tables import Column, fetch_pages, typed_frame

USER_COLUMNS = (
    Column("uid", "string", lambda u: u.uid),
    Column("status", "category", lambda u: u.status),
    Column("last_active_at", "timestamp", lambda u: u.last_active_at),
    Column("has_name", "bool", lambda u: bool(u.name) if u.uid != "ghost" else None),
    Column("name_length", "int", lambda u: len(u.name) if u.name else None),
    Column("score", "float", lambda u: 1.5 if u.name else None),
)
DTYPES = {
    "uid": "string[pyarrow]",
    "status": "category",
    "last_active_at": "datetime64[ns, UTC]",
    "has_name": "boolean",
    "name_length": "Int64",
    "score": "float64",
}


def test_fetch_history_with_a_text_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    session.init(local=True, manual=True)
    session.login("superhero1")
    with SimulatedUser("superhero2", connect=False) as bob:
        for i in range(5):
            bob.say("superhero1", f"old message {i}")
    df = session.fetch_history(uid="superhero2", limit=2, pages=10, progress="text")
    assert list(df["text"]) == [f"old message {i}" for i in range(5)]
    assert set(df["event"]) == {"history"} and set(df["source"]) == {"history"}
    err = capsys.readouterr().err
    assert "history of superhero2: [" in err and "5 messages in 3 pages" in err
    with pytest.raises(InvalidArgumentError):
        session.fetch_history()
    assert session.live_frame().counts.get("history", 0) == 0  # not mixed into the live frame


def test_fetch_pages_stops_at_a_short_page_and_reports_pages() -> None:
    pages = iter([[1, 2], [3, 4], [5], [6, 7]])
    found = fetch_pages(
        lambda: next(pages), limit=2, pages=10, description="numbers", noun="n", progress="off"
    )
    assert found == [1, 2, 3, 4, 5]
    assert fetch_pages(lambda: [1, 2], limit=2, pages=2, description="x", progress="off") == [1, 2, 1, 2]
    for bad in (0, -1, True):
        with pytest.raises(InvalidArgumentError):
            fetch_pages(lambda: [], limit=1, pages=bad, description="x", progress="off")


def test_fetch_pages_closes_the_bar_on_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    calls = iter([[1, 2]])

    def fetch() -> list[int]:
        return next(calls)  # the second page raises StopIteration

    with pytest.raises(StopIteration):
        fetch_pages(fetch, limit=2, pages=3, description="flaky", noun="items", progress="text")
    assert "2 items, stopped after 1 pages" in capsys.readouterr().err


def test_typed_frame_has_real_dtypes_also_when_empty() -> None:
    users = [
        User("superhero1", name="Iron Man", status="online", last_active_at=1_700_000_000),
        User("ghost"),
    ]
    df = typed_frame(users, USER_COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    assert list(df["uid"]) == ["superhero1", "ghost"]
    assert df["last_active_at"].iloc[0] == pd.Timestamp(1_700_000_000, unit="s", tz="UTC")
    assert pd.isna(df["last_active_at"].iloc[1]) and pd.isna(df["has_name"].iloc[1])
    assert df["name_length"].tolist()[0] == 8 and pd.isna(df["name_length"].iloc[1])
    empty = typed_frame([], USER_COLUMNS)
    assert len(empty) == 0 and {c: str(t) for c, t in empty.dtypes.items()} == DTYPES
    assert not pd.api.types.is_object_dtype(empty["status"].cat.categories.dtype)
