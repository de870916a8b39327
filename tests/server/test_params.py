"""Request parameters (cometchat_nb.server.params): every bad value is an
``ERR_BAD_REQUEST`` naming the field, never another exception."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cometchat_nb.errors import ApiError, ErrorCode
from cometchat_nb.server.config import INT64_MAX, PER_PAGE_MAX
from cometchat_nb.server.params import (
    body_bool,
    body_id,
    body_metadata,
    body_str,
    body_tags,
    page_offset,
    query_bool,
    query_list,
    query_optional_int,
    query_page,
)


def refused(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    assert info.value.code == ErrorCode.BAD_REQUEST
    return info.value.message


def test_body_fields() -> None:
    assert body_str({}, "name") is None and body_str({"name": None}, "name") is None
    assert "'name' must be a string" in refused(body_str, {"name": 5}, "name")
    assert "longer than 3" in refused(body_str, {"role": "abcd"}, "role", max_len=3)
    assert body_id({"uid": 42}, "uid") == "42"
    for bad in (None, "", True, "a b", "x" * 101, "ü"):
        assert "'uid'" in refused(body_id, {"uid": bad}, "uid")
    assert body_tags({"tags": ["a"]}) == ["a"]
    assert "list of strings" in refused(body_tags, {"tags": ["a", 1]})
    assert body_metadata({"metadata": {"top": 1}}, {"metadata": {"data": 1}}) == {"data": 1}
    assert body_metadata({"metadata": {"top": 1}}, {}) == {"top": 1}
    assert "'data.metadata'" in refused(body_metadata, {}, {"metadata": [1]})
    assert body_bool({}, "withAuthToken") is False and body_bool({"withAuthToken": True}, "withAuthToken")
    assert "boolean" in refused(body_bool, {"withAuthToken": "true"}, "withAuthToken")


def test_query_parameters() -> None:
    assert query_page({}) == (1, 30)
    assert query_page({"per_page": "1000", "page": "3"}) == (3, PER_PAGE_MAX)
    assert "'page'" in refused(query_page, {"page": "0"})
    assert query_optional_int({"id": str(2**70)}, "id") == INT64_MAX
    assert query_optional_int({"id": ""}, "id") is None
    assert "integer" in refused(query_optional_int, {"id": "1e3"}, "id")
    assert page_offset(2**62, 100) == INT64_MAX
    assert query_bool({"hideDeleted": "TRUE"}, "hideDeleted") and not query_bool({}, "hideDeleted")
    assert query_list({"types": " text, ,custom "}, "types") == ["text", "custom"]


@given(st.dictionaries(st.sampled_from(["per_page", "page", "id"]), st.text(max_size=30)))
def test_query_parsing_is_total(query: dict[str, str]) -> None:
    """Any query string either parses or is refused with ERR_BAD_REQUEST."""
    try:
        page, per_page = query_page(query)
        cursor = query_optional_int(query, "id")
    except ApiError as exc:
        assert exc.code == ErrorCode.BAD_REQUEST
        return
    assert page >= 1 and 1 <= per_page <= PER_PAGE_MAX
    assert cursor is None or 0 <= cursor <= INT64_MAX
