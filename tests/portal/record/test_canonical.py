from __future__ import annotations

import json
import math
from collections import OrderedDict
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.record.canonical import canonical_bytes

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
ENTRIES = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=6)


def test_keys_are_sorted_without_whitespace_and_text_is_utf8() -> None:
    entry = {"title": "噪音扰民", "seq": 3, "nested": {"b": [1, 2.5, None], "a": True}}
    assert (
        canonical_bytes(entry) == '{"nested":{"a":true,"b":[1,2.5,null]},"seq":3,"title":"噪音扰民"}'.encode()
    )


@settings(max_examples=60, deadline=None)
@given(entry=ENTRIES)
def test_the_bytes_decode_back_to_the_entry(entry: dict[str, object]) -> None:
    assert json.loads(canonical_bytes(entry).decode("utf-8")) == entry


@settings(max_examples=60, deadline=None)
@given(entry=ENTRIES, data=st.data())
def test_key_order_does_not_matter(entry: dict[str, object], data: st.DataObject) -> None:
    shuffled = OrderedDict(data.draw(st.permutations(list(entry.items()))))
    assert canonical_bytes(shuffled) == canonical_bytes(entry)


def test_other_mappings_and_tuples_encode_like_dicts_and_lists() -> None:
    assert canonical_bytes(MappingProxyType({"a": (1, 2)})) == canonical_bytes({"a": [1, 2]})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match=r"\$\.payload\.x"):
        canonical_bytes({"payload": {"x": value}})


@pytest.mark.parametrize(
    "value",
    [datetime(2025, 3, 14, tzinfo=UTC), Decimal("1.5"), UUID(int=1), b"raw", {1, 2}, object()],
)
def test_non_json_types_are_refused_with_where_they_are(value: object) -> None:
    with pytest.raises(TypeError, match=r"\$\.items\[1\] is a .*not a JSON type"):
        canonical_bytes({"items": ["fine", value]})


def test_non_string_keys_are_refused_rather_than_converted() -> None:
    with pytest.raises(TypeError, match="keys must be str"):
        canonical_bytes({"payload": {1: "one"}})


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        canonical_bytes({"text": "\ud800"})


def test_the_entry_itself_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        canonical_bytes([("a", 1)])  # type: ignore[arg-type]
