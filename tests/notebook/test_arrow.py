"""Rows → Arrow → pandas (notebook/arrow.py): the schema and dtypes as documented, odd values
converted instead of failing a batch, categories unioned across frames."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from cometchat_nb.client.dispatch import Event
from cometchat_nb.models import User, message_from_wire
from cometchat_nb.notebook.arrow import SCHEMA, concat_frames, empty_table, freeze, to_pandas
from cometchat_nb.notebook.rows import COLUMNS, event_row

from .samples import EXPECTED_DTYPES, T0, check_dtypes, text_event


def frame(*events: Event) -> pd.DataFrame:
    return to_pandas(pa.Table.from_batches([freeze([event_row(e) for e in events])], schema=SCHEMA))


def test_schema_follows_the_columns() -> None:
    assert SCHEMA.names == list(COLUMNS)
    assert set(EXPECTED_DTYPES) == set(COLUMNS)
    assert SCHEMA.field("event").type == pa.dictionary(pa.int16(), pa.string())
    assert SCHEMA.field("received_at").type == pa.timestamp("ns", tz="UTC")


def test_typed_also_when_empty() -> None:
    check_dtypes(to_pandas(empty_table()))
    check_dtypes(to_pandas(pa.Table.from_batches([freeze([])], schema=SCHEMA)))


def test_a_batch_of_rows() -> None:
    df = frame(text_event(1, "hello"), text_event(2))
    check_dtypes(df)
    assert list(df["text"]) == ["hello", "message 2"]
    assert df["received_at"].iloc[0] == pd.Timestamp(T0 + 1, unit="s", tz="UTC")
    assert df["sent_at"].iloc[1] == pd.Timestamp(int(T0) + 2, unit="s", tz="UTC")


def test_values_of_the_wrong_type_do_not_break_a_batch() -> None:
    odd_user = User(uid=12345)  # type: ignore[arg-type]  # models do not check types at runtime
    far_future = message_from_wire({"id": "2", "sentAt": 10**30})
    df = frame(
        Event("user", "onUserOnline", (odd_user,), T0),
        text_event(1),
        Event("message", "onTextMessageReceived", (far_future,), T0),
    )
    check_dtypes(df)
    assert df["sender"].iloc[0] == "12345" and pd.isna(df["sent_at"].iloc[2])


def test_concat_unions_categories() -> None:
    first = frame(text_event(1, sender="alice"))
    second = frame(text_event(2, sender="bob"))
    both = concat_frames([first, second])
    check_dtypes(both)
    assert list(both["sender"]) == ["alice", "bob"]
    assert concat_frames([first, frame()]) is first  # empty parts are skipped


def test_a_column_of_one_value_is_encoded_like_any_other() -> None:
    # freeze() skips hashing when every value of a dictionary column is the same; the result
    # must be the Arrow array the general path gives (same type, values and nulls)
    def general(values: list[str | None]) -> pa.Array:
        return pa.array(values, type=pa.string()).dictionary_encode().cast(SCHEMA.field("sender").type)

    cases: list[list[str | None]] = [
        ["alice"] * 5,
        ["alice", "bob", "alice"],  # first == last, one differs in the middle
        ["alice", None, "alice"],
        ["".join(["al", "ice"]), "alice"],  # equal, not the same object
        [None, "alice"],
        ["alice"],
    ]
    for values in cases:
        rows = [
            tuple(
                v if name == "sender" else r
                for name, r in zip(COLUMNS, event_row(text_event(i)), strict=True)
            )
            for i, v in enumerate(values)
        ]
        got = freeze(rows).column(COLUMNS.index("sender"))
        assert got.type == SCHEMA.field("sender").type
        assert got.to_pylist() == values == general(values).to_pylist()
        df = to_pandas(pa.Table.from_batches([freeze(rows)], schema=SCHEMA))
        check_dtypes(df)
        assert [None if pd.isna(v) else v for v in df["sender"]] == values
