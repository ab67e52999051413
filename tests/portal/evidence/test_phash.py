"""Perceptual hashes: copies of a picture stay close, different pictures do not, and the index misses nothing."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageEnhance

from portal.evidence.phash import (
    CROPS,
    MAX_DISTANCE,
    REUSE_DISTANCE,
    HashIndex,
    distance,
    from_signed,
    phash_bytes,
    reuse_distance,
    to_signed,
    variants_of_bytes,
)
from tests.portal.evidence.photos import save_as, scene


def _crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop((int(w * left), int(h * top), int(w * right), int(h * bottom)))


COPIES = {
    "jpeg_q30": lambda im: save_as(im, "JPEG", quality=30),
    "png": lambda im: save_as(im, "PNG"),
    "half_size": lambda im: save_as(im.resize((im.width // 2, im.height // 2)), "JPEG"),
    "double_size": lambda im: save_as(im.resize((im.width * 2, im.height * 2)), "JPEG"),
    "cut_10_percent_left": lambda im: save_as(_crop(im, 0.10, 0, 1, 1), "JPEG"),
    "cut_8_percent_bottom": lambda im: save_as(_crop(im, 0, 0, 1, 0.92), "JPEG"),
    "cut_5_percent_corner": lambda im: save_as(_crop(im, 0.05, 0.05, 1, 1), "JPEG"),
    "brighter": lambda im: save_as(ImageEnhance.Brightness(im).enhance(1.3), "JPEG"),
    "darker": lambda im: save_as(ImageEnhance.Brightness(im).enhance(0.7), "JPEG"),
}


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_copies_of_a_picture_are_within_the_reuse_distance(kind: str) -> None:
    for seed in range(5):
        image = scene(seed)
        original = variants_of_bytes(save_as(image, "JPEG", quality=92))
        assert reuse_distance(original, variants_of_bytes(COPIES[kind](image))) <= REUSE_DISTANCE


def test_different_pictures_are_far_apart() -> None:
    hashes = [variants_of_bytes(save_as(scene(seed), "JPEG")) for seed in range(100, 130)]
    closest = min(reuse_distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :])
    assert closest > REUSE_DISTANCE


def test_a_photo_has_one_hash_per_crop_and_the_first_is_the_whole_picture() -> None:
    data = save_as(scene(1), "JPEG")
    hashes = variants_of_bytes(data)
    assert len(hashes) == len(CROPS)
    assert hashes[0] == phash_bytes(data)


def test_signed_storage_round_trips() -> None:
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 2):
        assert -(2**63) <= to_signed(value) < 2**63
        assert from_signed(to_signed(value)) == value
    assert distance(to_signed(2**64 - 1), 0) == 64


def test_the_index_finds_exactly_what_a_linear_scan_finds() -> None:
    rng = random.Random(7)
    stored = [rng.getrandbits(64) for _ in range(3000)]
    index = HashIndex()
    for key, value in enumerate(stored):
        index.add(key, value)
    queries = []
    for _ in range(200):
        base = rng.choice(stored)
        for bit in rng.sample(range(64), rng.randrange(0, MAX_DISTANCE + 2)):
            base ^= 1 << bit
        queries.append(base)
    queries += [rng.getrandbits(64) for _ in range(50)]
    for query in queries:
        for limit in (REUSE_DISTANCE, MAX_DISTANCE):
            expected = sorted(
                ((k, distance(v, query)) for k, v in enumerate(stored) if distance(v, query) <= limit),
                key=lambda item: (item[1], item[0]),
            )
            assert index.near(query, limit) == expected


def test_the_index_refuses_a_distance_it_cannot_guarantee() -> None:
    with pytest.raises(ValueError, match="finds distances up to"):
        HashIndex().near(0, MAX_DISTANCE + 1)
