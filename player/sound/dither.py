"""16-bit output with TPDF dither that depends only on the absolute sample position."""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SEED = np.uint64(0x6D656469746174)  # "meditat"
_TO_UNIT = 1.0 / float(1 << 53)


def _splitmix(counter: np.ndarray) -> np.ndarray:
    """A counter-based hash (SplitMix64): the same counter always gives the same bits."""
    z = counter * _GOLDEN + _SEED
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def tpdf(start: int, frames: int, channels: int = 2) -> np.ndarray:
    """Triangular dither of ±1 LSB for frames [start, start + frames), keyed by position."""
    base = np.arange(start, start + frames, dtype=np.uint64)[:, None] * np.uint64(channels)
    index = (base + np.arange(channels, dtype=np.uint64)[None, :]) * np.uint64(2)
    first = (_splitmix(index) >> np.uint64(11)).astype(np.float64) * _TO_UNIT
    second = (_splitmix(index + np.uint64(1)) >> np.uint64(11)).astype(np.float64) * _TO_UNIT
    return (first - second).astype(np.float32)


def to_int16(mix: np.ndarray, start: int) -> np.ndarray:
    """Quantise float samples in [-1, 1] to 16-bit, dithered by their absolute position."""
    scaled = mix * np.float32(32767.0) + tpdf(start, len(mix), mix.shape[1])
    return np.clip(np.rint(scaled), -32768, 32767).astype(np.int16)
