"""Draws the default cover art, `audio/cover.png`: a dusk sky, a low warm sun and soft hills.

    python tools/make_cover.py [--out PATH] [--size PIXELS]

Exports embed the 600-pixel `audio/cover.png`; `meditate publish` gives podcast directories,
which ask for 1400 pixels or more, `audio/cover-1400.png`:

    python tools/make_cover.py --size 1400 --out audio/cover-1400.png

Pure numpy, and the PNG is written with zlib and struct, so the image is the same byte for
byte on every machine.
"""

from __future__ import annotations

import argparse
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from player.common.files import write_file  # noqa: E402

SIZE = 600

# (position from top to horizon, colour) stops of the sky
SKY = (
    (0.00, (27, 33, 66)),
    (0.40, (70, 66, 112)),
    (0.72, (160, 112, 140)),
    (1.00, (246, 190, 150)),
)
HORIZON = 0.66  # where the sky meets the farthest hill, as a fraction of the height
SUN = (0.5, 0.60, 0.085)  # centre x, centre y, radius; fractions of the width
SUN_COLOUR = (255, 232, 196)
GLOW_COLOUR = (255, 196, 150)
Wave = tuple[float, float, float]  # cycles across the image, amplitude, phase
# each hill: mean height, colour, and the waves of its ridge
HILLS: tuple[tuple[float, tuple[int, int, int], tuple[Wave, ...]], ...] = (
    (0.665, (122, 96, 138), ((1.3, 0.020, 0.4), (3.1, 0.008, 1.9))),
    (0.735, (84, 70, 112), ((0.9, 0.030, 2.6), (2.4, 0.012, 0.3))),
    (0.820, (50, 45, 82), ((0.7, 0.035, 4.1), (1.9, 0.015, 5.0))),
    (0.905, (29, 28, 56), ((0.5, 0.030, 1.1), (1.6, 0.010, 3.3))),
)
BAYER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]]) / 16 - 0.47


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "audio" / "cover.png")
    parser.add_argument("--size", type=int, default=SIZE)
    args = parser.parse_args(argv)
    data = png(to_bytes(*cover(args.size)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_file(args.out, data, force=True)
    print(f"wrote {args.out} ({len(data) // 1024} KB)")
    return 0


def cover(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The picture as floats in 0..255, shape (size, size, 3), and where the sky shows."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) / size
    image = stars(sky(y), size)
    image = sun(image, x, y)
    open_sky = np.ones_like(y)
    for height, colour, waves in HILLS:
        top = ridge(x, height, waves)
        # a hill is lit by the low sun along its ridge and darkens into the valley below
        shade = np.asarray(colour) * (1.12 - 0.22 * np.clip((y - top) / 0.12, 0, 1))[..., None]
        hill = coverage(y - top, size)
        image = over(image, shade, hill)
        open_sky *= 1 - hill
    return image, open_sky


def sky(y: np.ndarray) -> np.ndarray:
    positions = [stop * HORIZON for stop, _ in SKY]
    channels = [np.interp(y, positions, [colour[c] for _, colour in SKY]) for c in range(3)]
    return np.stack(channels, axis=-1)


def stars(image: np.ndarray, size: int, count: int = 46) -> np.ndarray:
    """Faint stars, denser and brighter high up where the sky is darkest."""
    rng = np.random.default_rng(600)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    for _ in range(count):
        sx, sy = rng.uniform(0, size), size * HORIZON * rng.uniform(0, 0.55) ** 1.5
        brightness = rng.uniform(0.25, 0.8) * (1 - sy / (size * HORIZON * 0.45))
        spot = np.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (2 * 0.7**2))
        image = over(image, (255, 246, 232), np.clip(brightness, 0, 1) * spot)
    return image


def sun(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    cx, cy, radius = SUN
    distance = np.hypot(x - cx, y - cy)
    glow = 0.55 * np.exp(-(((distance - radius).clip(0) / (2.2 * radius)) ** 2))
    image = over(image, GLOW_COLOUR, glow)
    edge = image.shape[0] * (radius - distance)  # pixels inside the rim
    return over(image, SUN_COLOUR, coverage(edge, 1))


def ridge(x: np.ndarray, height: float, waves: tuple[Wave, ...]) -> np.ndarray:
    return height - sum(a * np.sin(2 * np.pi * f * x + phase) for f, a, phase in waves)


def coverage(inside: np.ndarray, scale: float) -> np.ndarray:
    """How much of each pixel lies inside, from a signed distance: a one-pixel soft edge."""
    return np.clip(inside * scale + 0.5, 0.0, 1.0)


def over(image: np.ndarray, colour: object, alpha: np.ndarray) -> np.ndarray:
    """`colour` (an RGB triple, or one per pixel) laid over `image` with opacity `alpha`."""
    return image + (np.asarray(colour, dtype=np.float64) - image) * alpha[..., np.newaxis]


def to_bytes(image: np.ndarray, dither: np.ndarray) -> np.ndarray:
    """8-bit pixels, ordered-dithered where `dither` is 1 so the sky's long gradients show no
    bands; the hills' short dark gradients stay plain, which keeps the file small."""
    height, width, _ = image.shape
    threshold = np.tile(BAYER, (height // 4 + 1, width // 4 + 1))[:height, :width] * dither
    return np.clip(np.floor(image + 0.5 + threshold[..., np.newaxis]), 0, 255).astype(np.uint8)


def png(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG: each row filtered with whichever of PNG's filters leaves least to say."""
    height, width, _ = pixels.shape
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(filtered_rows(pixels), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND")


def filtered_rows(pixels: np.ndarray) -> bytes:
    raw = pixels.reshape(pixels.shape[0], -1).astype(np.int16)
    left = np.zeros_like(raw)
    left[:, 3:] = raw[:, :-3]
    up = np.zeros_like(raw)
    up[1:] = raw[:-1]
    up_left = np.zeros_like(raw)
    up_left[1:, 3:] = raw[:-1, :-3]
    candidates = np.stack(
        [raw, raw - left, raw - up, raw - (left + up) // 2, raw - paeth(left, up, up_left)]
    ).astype(np.uint8)  # the filters None, Sub, Up, Average and Paeth, wrapped to bytes
    cost = np.abs(candidates.astype(np.int8).astype(np.int32)).sum(axis=2)
    best = cost.argmin(axis=0)
    rows = candidates[best, np.arange(raw.shape[0])]
    return np.hstack([best[:, np.newaxis].astype(np.uint8), rows]).tobytes()


def paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def chunk(kind: bytes, data: bytes = b"") -> bytes:
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


if __name__ == "__main__":
    sys.exit(main())
