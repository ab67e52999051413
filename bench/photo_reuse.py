"""Does the pHash find reused photos, and how fast is a look-up among many stored hashes?

    python -m bench.photo_reuse [--scenes 150] [--stored-hashes 100000]

The bench paints its own scenes (random shapes, gradients and texture: no data set needed), makes the copies a
bureau might pass off as new (re-encoded as JPEG at low quality, resized, cropped 5-10 % on one or two sides,
brighter or darker, and combinations) and counts:
- recall: copies whose hash is within REUSE_DISTANCE bits of their original's;
- false matches: pairs of different scenes (every pair) within that distance;
- look-up time in an index of ``--stored-hashes`` hashes (photos of len(CROPS) hashes each), as a ratio to computing one hash of a 1600 x 1200 JPEG in the
  same run, and the same look-up as a linear scan (the baseline the index must beat).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from portal.evidence.phash import CROPS, REUSE_DISTANCE, HashIndex, reuse_distance, variants_of_bytes

WIDTH, HEIGHT = 800, 600


def scene(rng: random.Random, width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """A street-like picture: a sky/ground gradient, blocks, poles, blobs and fine noise."""
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    horizon = rng.uniform(0.2, 0.8)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / height
        colour = top if share < horizon else bottom
        shade = 0.6 + 0.4 * (share if share < horizon else 1 - share)
        draw.line([(0, y), (width, y)], fill=tuple(int(c * shade) for c in colour))
    for _ in range(rng.randrange(6, 18)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice(("rectangle", "ellipse", "polygon"))
        if shape == "rectangle":
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        elif shape == "ellipse":
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            points = [(rng.randrange(width), rng.randrange(height)) for _ in range(rng.randrange(3, 7))]
            draw.polygon(points, fill=colour)
    noise = Image.effect_noise((width, height), rng.uniform(10, 40)).convert("RGB")
    return Image.blend(image, noise, 0.15).filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.5)))


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _crop(image: Image.Image, share: float, sides: str) -> Image.Image:
    w, h = image.size
    dx, dy = int(w * share), int(h * share)
    left = dx if "l" in sides else 0
    right = w - dx if "r" in sides else w
    top = dy if "t" in sides else 0
    bottom = h - dy if "b" in sides else h
    return image.crop((left, top, right, bottom))


def transforms(rng: random.Random) -> dict[str, Callable[[Image.Image], bytes]]:
    share = rng.uniform(0.05, 0.10)
    half = share / 2
    return {
        "jpeg_q35": lambda im: jpeg(im, 35),
        "png": lambda im: _png(im),
        "resize_50": lambda im: jpeg(im.resize((WIDTH // 2, HEIGHT // 2), Image.Resampling.LANCZOS)),
        "resize_150": lambda im: jpeg(im.resize((WIDTH * 3 // 2, HEIGHT * 3 // 2), Image.Resampling.BICUBIC)),
        "crop_one_side": lambda im: jpeg(_crop(im, share, rng.choice("lrtb"))),
        "crop_two_sides": lambda im: jpeg(_crop(im, half, rng.choice(("lt", "rb", "lb", "rt")))),
        "crop_all_sides": lambda im: jpeg(_crop(im, half, "lrtb")),
        "brighter": lambda im: jpeg(ImageEnhance.Brightness(im).enhance(rng.uniform(1.15, 1.3))),
        "darker": lambda im: jpeg(ImageEnhance.Brightness(im).enhance(rng.uniform(0.7, 0.85))),
        "crop_resize_bright": lambda im: jpeg(
            ImageEnhance.Brightness(_crop(im, share, "lt").resize((640, 480))).enhance(1.2), 60
        ),
    }


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def measure(scenes: int, stored: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    originals = [scene(rng) for _ in range(scenes)]
    hashes = [variants_of_bytes(jpeg(image)) for image in originals]
    hits = copies = 0
    per_kind: dict[str, list[int]] = {}
    for image, original in zip(originals, hashes, strict=True):
        for kind, make in transforms(rng).items():
            d = reuse_distance(original, variants_of_bytes(make(image)))
            per_kind.setdefault(kind, []).append(d)
            copies += 1
            hits += d <= REUSE_DISTANCE
    pairs = false = 0
    for i in range(len(hashes)):
        for j in range(i + 1, len(hashes)):
            pairs += 1
            false += reuse_distance(hashes[i], hashes[j]) <= REUSE_DISTANCE

    # Look-up: an index of `stored` photos (random hashes: what a year of photos looks like to the index, each
    # with its len(CROPS) crop hashes) plus the scenes; a query looks up each of a new photo's crop hashes.
    big = random.Random(seed + 1)
    index = HashIndex()
    variants = len(CROPS)
    for n in range(stored):
        for _ in range(variants):
            index.add(n, big.getrandbits(64))
    for n, own in enumerate(hashes):
        for value in own:
            index.add(stored + n, value)
    flat = [big.getrandbits(64) for _ in range(stored * variants)]
    photo = jpeg(scene(random.Random(seed + 2), 1600, 1200))
    hash_seconds = _best(lambda: variants_of_bytes(photo))
    queries = [[h ^ (1 << big.randrange(64)) for h in own] for own in hashes[:50]]

    def look_up(query: list[int]) -> set[int]:
        return {key for value in query for key, _d in index.near(value)}

    def scan(query: list[int]) -> int:
        return sum((f ^ q).bit_count() <= REUSE_DISTANCE for q in query for f in flat)

    lookup_seconds = _best(lambda: [look_up(q) for q in queries]) / len(queries)
    scan_seconds = _best(lambda: [scan(q) for q in queries[:2]], repeat=1) / 2
    found = sum(stored + n in look_up(q) for n, q in enumerate(queries)) / len(queries)
    figures = {
        "recall": hits / copies,
        "false_match_rate": false / pairs,
        "copies": copies,
        "pairs": pairs,
        "stored_photos": stored,
        "stored_hashes": len(index),
        "hash_ms": hash_seconds * 1000,
        "lookup_over_hash": lookup_seconds / hash_seconds,
        "scan_over_hash": scan_seconds / hash_seconds,
        "lookup_found_own": found,
    }
    for kind, values in per_kind.items():
        figures[f"recall_{kind}"] = sum(v <= REUSE_DISTANCE for v in values) / len(values)
        figures[f"max_bits_{kind}"] = max(values)
    return figures


def _best(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenes", type=int, default=150)
    parser.add_argument("--stored-hashes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    figures = measure(args.scenes, args.stored_hashes // len(CROPS), args.seed)
    print(f"threshold: {REUSE_DISTANCE} of 64 bits")
    for name, value in figures.items():
        print(f"{name}={value:.4f}" if isinstance(value, float) else f"{name}={value}")
    ok = figures["recall"] >= 0.95 and figures["false_match_rate"] <= 0.01
    print("target (recall >= 0.95 at <= 1 % false matches):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
