"""Sealing contact details (pure): round trip, binding to the complaint, rings of keys, key text."""

from __future__ import annotations

import pytest

from portal.privacy.sealing import (
    Contact,
    ContactKeyError,
    KeyRing,
    SealBroken,
    key_file_text,
    new_key,
    parse_keys,
)

CODE = "FA-7KQ2-M9XD-4TRV"
CONTACT = Contact("王秀英", "13912345678", "wang@example.com")


def test_sealed_details_open_again_and_hide_every_detail() -> None:
    ring = KeyRing([new_key()])
    sealed = ring.seal(CODE, CONTACT)
    for detail in ("13912345678", "wang@example.com", "王秀英", "example"):
        assert detail not in sealed
    assert ring.open(CODE, sealed) == CONTACT
    assert ring.open(CODE, ring.seal(CODE, Contact(phone="13912345678"))) == Contact(phone="13912345678")


def test_sealing_twice_gives_different_values() -> None:
    ring = KeyRing([new_key()])
    assert ring.seal(CODE, CONTACT) != ring.seal(CODE, CONTACT)


def test_a_sealed_value_opens_only_for_its_own_complaint() -> None:
    ring = KeyRing([new_key()])
    sealed = ring.seal(CODE, CONTACT)
    with pytest.raises(SealBroken, match="another complaint"):
        ring.open("FA-0000-0000-0000", sealed)


def test_another_key_or_a_tampered_value_does_not_open() -> None:
    sealed = KeyRing([new_key()]).seal(CODE, CONTACT)
    with pytest.raises(SealBroken):
        KeyRing([new_key()]).open(CODE, sealed)
    ring = KeyRing([new_key()])
    sealed = ring.seal(CODE, CONTACT)
    tampered = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    with pytest.raises(SealBroken):
        ring.open(CODE, tampered)
    with pytest.raises(SealBroken):
        ring.open(CODE, "not a token at all ✗")


def test_older_keys_open_and_the_newest_seals() -> None:
    old, new = new_key(), new_key()
    sealed_before = KeyRing([old]).seal(CODE, CONTACT)
    ring = KeyRing([new, old])
    assert ring.open(CODE, sealed_before) == CONTACT
    assert ring.needs_older_key(sealed_before)
    resealed = ring.reseal(CODE, sealed_before)
    assert not ring.needs_older_key(resealed)
    assert KeyRing([new]).open(CODE, resealed) == CONTACT
    with pytest.raises(SealBroken):
        KeyRing([old]).open(CODE, resealed)


def test_key_text_is_parsed_newest_first_and_checked() -> None:
    first, second = new_key(), new_key()
    assert parse_keys(f" {first} ,{second},{first}") == (first, second)
    assert parse_keys(key_file_text([first, second])) == (first, second)
    assert parse_keys("") == ()
    with pytest.raises(ContactKeyError, match="32"):
        parse_keys("c2hvcnQ=")
    with pytest.raises(ContactKeyError, match="base64"):
        parse_keys("not base64 at all!")
    with pytest.raises(ContactKeyError):
        KeyRing([])


def test_an_empty_contact_is_empty() -> None:
    assert Contact().is_empty
    assert Contact(name="", phone=None).is_empty
    assert not Contact(email="a@b.cn").is_empty
