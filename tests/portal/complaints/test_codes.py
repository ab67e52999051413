"""Tracking codes and secrets."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from portal.complaints.codes import (
    ALPHABET,
    TRACKING_BITS,
    new_follow_up_secret,
    new_tracking_code,
    normalise_secret,
    normalise_tracking_code,
)

CODE_RE = re.compile(r"^FA-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_code_shape_and_entropy() -> None:
    assert len(ALPHABET) == 32
    assert TRACKING_BITS == 60
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE_RE.match(code) for code in codes)


def test_normalisation_of_typed_codes() -> None:
    assert normalise_tracking_code("fa 7kq2 m9xd 4trv") == "FA-7KQ2-M9XD-4TRV"
    assert normalise_tracking_code("FA-7KQ2-M9XD-4TRO") == "FA-7KQ2-M9XD-4TR0"
    assert normalise_tracking_code("FA-1I1L-0000-0000") == "FA-1111-0000-0000"
    assert normalise_tracking_code("FA-7KQ2-M9XD") is None
    assert normalise_tracking_code("XX-7KQ2-M9XD-4TRV") is None


@given(st.text(max_size=200))
def test_normalising_never_raises_and_is_stable(text: str) -> None:
    code = normalise_tracking_code(text)
    assert code is None or (CODE_RE.match(code) and normalise_tracking_code(code) == code)


def test_secrets_are_long_and_normalise() -> None:
    secret = new_follow_up_secret()
    assert len(secret.replace("-", "")) * 5 >= 120
    assert normalise_secret(secret.lower().replace("-", " ")) == secret
