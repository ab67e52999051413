"""The one byte encoding of a record entry that gets hashed.

Canonical form: JSON with object keys sorted by code point, no whitespace, non-ASCII characters written as
themselves (not ``\\u`` escapes), encoded as UTF-8. Strings are hashed as given: no Unicode normalisation.

Only JSON's own types are accepted, so that nothing is converted silently (a silent conversion could make two
different values hash alike, or one value hash differently after a library upgrade):

- objects: any ``Mapping`` whose keys are all ``str`` (``json`` would turn ``1`` into ``"1"``);
- arrays: ``list`` or ``tuple``;
- ``str``, ``int``, ``bool``, ``None``, and finite ``float`` (written as Python's shortest round-trip repr).

Anything else raises :class:`TypeError` naming where it sits (``$.payload.when``): datetimes must be given as
ISO-8601 strings, decimals and UUIDs as strings, bytes as hex. NaN and infinities raise :class:`ValueError`,
as does a string holding a lone surrogate (it has no UTF-8 encoding).

Verifiers never re-encode: receipts carry the canonical text itself, and its UTF-8 bytes are what is hashed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

_Plain = dict[str, "_Plain"] | list["_Plain"] | str | int | float | None


def canonical_bytes(entry: Mapping[str, object]) -> bytes:
    """The canonical JSON bytes of ``entry`` (see the module docstring for the rules)."""
    if not isinstance(entry, Mapping):
        raise TypeError(f"an entry must be a mapping, not {type(entry).__name__}")
    text = json.dumps(
        _plain(entry, "$"), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"entry holds a lone surrogate, which has no UTF-8 encoding: {error}") from error


def _plain(value: object, path: str) -> _Plain:
    """``value`` as plain dicts and lists, after checking every part is a JSON type."""
    if value is None or isinstance(value, str | int):  # bool is an int
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path} is {value!r}: JSON has no NaN or infinity")
        return value
    if isinstance(value, Mapping):
        plain: dict[str, _Plain] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key of type {type(key).__name__}: object keys must be str")
            plain[key] = _plain(item, f"{path}.{key}")
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise TypeError(
        f"{path} is a {type(value).__name__}, which is not a JSON type: convert it first "
        "(datetimes to ISO-8601 strings, decimals and UUIDs to strings)"
    )
