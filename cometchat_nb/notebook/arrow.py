"""Rows → Arrow → pandas: the typed storage behind :class:`~.live_frame.LiveFrame`.

The LiveFrame keeps its rows (:mod:`.rows`) in Arrow record batches with
:data:`SCHEMA` and converts them to the DataFrame the user reads:

* :func:`freeze` turns a list of rows into one ``pyarrow.RecordBatch``. The
  low-cardinality columns (:data:`~.rows.DICTIONARY_COLUMNS`) are dictionary
  encoded with ``int16`` indices: a batch never has more distinct values than
  rows, and a batch has at most :data:`MAX_CHUNK_ROWS` rows. A value of the wrong
  type (a payload model carrying an int where a string belongs …) is converted
  instead of failing the whole batch.
* :func:`to_pandas` converts a table: strings become ``string[pyarrow]``,
  dictionaries categoricals, timestamps ``datetime64[ns, UTC]`` — no ``object``
  column.
* :func:`concat_frames` concatenates such DataFrames, unioning the categories
  (a plain ``pd.concat`` of categoricals with different categories gives
  ``object`` columns).

Column types: a column is ``string`` unless it is a dictionary column or listed
in :data:`_TYPES` (the timestamps). A new column of another type (an integer
count, a flag) gets its line in :data:`_TYPES`, and :func:`_column` converts it
with ``pa.array(values, type=...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from .rows import COLUMNS, DICTIONARY_COLUMNS, Row

__all__ = [
    "MAX_CHUNK_ROWS",
    "SCHEMA",
    "STRING_DTYPE",
    "concat_frames",
    "empty_table",
    "freeze",
    "to_pandas",
]

_TS: Final = pa.timestamp("ns", tz="UTC")
_TS_SECONDS: Final = pa.timestamp("s", tz="UTC")
# int16 indices: a batch never has more distinct values than rows, and rows <= MAX_CHUNK_ROWS
_DICT: Final = pa.dictionary(pa.int16(), pa.string())
MAX_CHUNK_ROWS: Final = 32_767
# file sizes: up to 4 GiB in 4 bytes a row (a larger one is kept as null, see _coerce)
_SIZE: Final = pa.uint32()
"""The most rows one frozen batch may hold (the ``int16`` dictionary indices)."""

# columns whose Arrow type is neither string nor dictionary
_TYPES: Final[dict[str, pa.DataType]] = {
    "received_at": _TS,
    "sent_at": _TS,
    "reply_count": _SIZE,
    "attachment_size": _SIZE,
}


def _arrow_type(column: str) -> pa.DataType:
    if column in _TYPES:
        return _TYPES[column]
    return _DICT if column in DICTIONARY_COLUMNS else pa.string()


SCHEMA: Final = pa.schema([pa.field(name, _arrow_type(name)) for name in COLUMNS])
"""The Arrow schema of the LiveFrame's buffer and of its Parquet files."""

STRING_DTYPE: Final = pd.ArrowDtype(pa.string())
"""The pandas dtype of every string column (``string[pyarrow]``)."""

_EMPTY_CATEGORIES: Final = pd.CategoricalDtype(pd.Index([], dtype="str"))


def freeze(rows: Sequence[Row]) -> pa.RecordBatch:
    """Rows (tuples in :data:`~.rows.COLUMNS` order) → one RecordBatch with :data:`SCHEMA`."""
    # one transposition in C for the whole batch (the LiveFrame appends rows, not columns)
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    arrays: list[pa.Array] = []
    for name, values in zip(COLUMNS, columns, strict=True):
        try:
            arrays.append(_column(name, values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            arrays.append(_column(name, _coerce(name, values)))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def _column(name: str, values: Sequence[Any]) -> pa.Array:
    if values and values[0] is None and values.count(None) == len(values):
        # a column of the message features in a batch of plain messages: nothing to encode
        return pa.nulls(len(values), type=_arrow_type(name))
    if (
        name in DICTIONARY_COLUMNS
        and values
        and type(first := values[0]) is str
        and values[-1] == first
        and values.count(first) == len(values)
    ):
        # one value in the whole batch (event, kind, type, receiver … of a steady stream): no
        # hashing; list.count() compares in C, mostly by identity
        indices = np.zeros(len(values), dtype=np.int16)
        return pa.DictionaryArray.from_arrays(indices, pa.array([first], pa.string()))
    if name == "received_at":
        # microsecond resolution (what time.time() gives); avoids float noise in the ns digits
        ns = np.round(np.asarray(values, dtype=np.float64) * 1e6).astype(np.int64) * 1000
        return pa.array(ns, type=_TS)
    if name == "sent_at":
        return pa.array(values, type=_TS_SECONDS).cast(_TS)
    if name in DICTIONARY_COLUMNS:
        return pa.array(values, type=pa.string()).dictionary_encode().cast(_DICT)
    return pa.array(values, type=_arrow_type(name))


def _coerce(name: str, values: Sequence[Any]) -> list[Any]:
    if name == "received_at":
        return [_as_float(v) for v in values]
    if name == "sent_at":
        return [_as_seconds(v) for v in values]
    if name in _TYPES:
        return [_as_type(v, _TYPES[name]) for v in values]
    return [None if v is None else v if isinstance(v, str) else str(v) for v in values]


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _as_seconds(value: Any) -> int | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if 0 <= seconds < 253_402_300_800 else None  # before year 10000


def _as_type(value: Any, arrow_type: pa.DataType) -> Any:
    try:
        return pa.scalar(value, type=arrow_type).as_py()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None


_SIZE_DTYPE: Final = pd.ArrowDtype(_SIZE)


def _types_mapper(t: pa.DataType) -> Any:
    if t == pa.string() or t == pa.large_string():
        return STRING_DTYPE
    # nullable integers stay integers (``uint32[pyarrow]``), not float64 with NaN
    return _SIZE_DTYPE if t == _SIZE else None


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow table → typed DataFrame: ``string[pyarrow]`` strings, categoricals for
    dictionary columns (also when all null), ``datetime64[ns, UTC]`` timestamps."""
    df: pd.DataFrame = table.to_pandas(types_mapper=_types_mapper)
    for field in table.schema:
        if pa.types.is_dictionary(field.type):
            col = df[field.name]
            if len(col.cat.categories) == 0:  # an all-null column has object categories: normalise
                df[field.name] = col.astype(_EMPTY_CATEGORIES)
    return df


def concat_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames of the same typed columns, unioning categories (a plain concat
    would give object columns)."""
    parts = [p for p in parts if len(p)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    data: dict[str, Any] = {}
    for name in parts[0].columns:
        series = [p[name] for p in parts]
        if isinstance(series[0].dtype, pd.CategoricalDtype):
            data[name] = pd.Series(union_categoricals(series), copy=False)
        else:
            data[name] = pd.concat(series, ignore_index=True)
    return pd.DataFrame(data, copy=False)


def empty_table() -> pa.Table:
    """A table with :data:`SCHEMA` and no row."""
    return pa.Table.from_batches([], schema=SCHEMA)
