"""Mastering, the last steps of the mix: a look-ahead peak limiter, then 16 bits with dither.

Both depend only on the signal near a sample and on its absolute position, so rendering can
start anywhere and still produce the same samples.

The limiter's gain at sample n is the mean, over the `attack` samples up to n, of the least
gain any sample in [k - hold, k + attack) needs. Every one of those windows contains n, so the
gain never lets a sample past the ceiling, and it moves smoothly (over `attack` samples) in
both directions. The dither is hashed from the sample index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE


def sliding_min(values: np.ndarray, size: int) -> np.ndarray:
    """out[i] = min(values[i : i + size]), by van Herk and Gil-Werman's prefix/suffix minima."""
    count = len(values) - size + 1
    blocks = -(-len(values) // size)
    padded = np.full(blocks * size, np.inf)
    padded[: len(values)] = values
    rows = padded.reshape(blocks, size)
    prefix = np.minimum.accumulate(rows, axis=1).ravel()
    suffix = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:count], prefix[size - 1 : size - 1 + count])


def trailing_mean(values: np.ndarray, size: int) -> np.ndarray:
    """out[i] = mean(values[i - size + 1 : i + 1]), the first value repeated before the start."""
    padded = np.concatenate([np.full(size - 1, values[0]), values])
    running = np.concatenate([[0.0], np.cumsum(padded)])
    return (running[size:] - running[:-size]) / size


@dataclass(frozen=True)
class Limiter:
    ceiling: float = 10 ** (-2.0 / 20)  # -2 dBFS sample peak leaves room for inter-sample peaks
    attack: int = round(0.010 * SAMPLE_RATE)
    hold: int = round(0.100 * SAMPLE_RATE)

    @property
    def reach_before(self) -> int:
        """How many samples before a range its gain depends on."""
        return self.hold + self.attack

    @property
    def reach_after(self) -> int:
        return self.attack

    def gain(self, mix: np.ndarray) -> np.ndarray | None:
        """Per-frame gain for `mix`, or None where no sample needs limiting at all.

        Only the frames at least `reach_before` from the start and `reach_after` from the
        end of `mix` get their exact gain; callers pass that much context.
        """
        # channel by channel: numpy reduces along a 2-wide axis some fifty times slower
        peak = np.abs(mix[:, 0])
        for channel in range(1, mix.shape[1]):
            peak = np.maximum(peak, np.abs(mix[:, channel]))
        if float(peak.max(initial=0.0)) <= self.ceiling:
            return None
        need = np.minimum(1.0, self.ceiling / np.maximum(peak, 1e-12)).astype(np.float64)
        # least need over [n - hold, n + attack - 1], the ends repeated beyond the edges
        padded = np.concatenate(
            [np.full(self.hold, need[0]), need, np.full(self.attack - 1, need[-1])]
        )
        held = sliding_min(padded, self.hold + self.attack)
        smooth = trailing_mean(held, self.attack)
        return np.minimum(smooth, 1.0).astype(np.float32)


# -- 16 bits with TPDF dither keyed to the absolute sample position

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SEED = np.uint64(0x6D656469746174)  # "meditat"
_TO_UNIT = 1.0 / float(1 << 32)
_LOW = np.uint64(0xFFFFFFFF)


def _splitmix(counter: np.ndarray) -> np.ndarray:
    """A counter-based hash (SplitMix64): the same counter always gives the same bits."""
    z = counter * _GOLDEN + _SEED
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def tpdf(start: int, frames: int, channels: int = 2) -> np.ndarray:
    """Triangular dither of ±1 LSB for frames [start, start + frames), keyed by position: the
    difference of two uniform values, the two halves of one hash of the sample's index."""
    base = np.arange(start, start + frames, dtype=np.uint64)[:, None] * np.uint64(channels)
    bits = _splitmix(base + np.arange(channels, dtype=np.uint64)[None, :])
    first = (bits >> np.uint64(32)).astype(np.float64) * _TO_UNIT
    second = (bits & _LOW).astype(np.float64) * _TO_UNIT
    return (first - second).astype(np.float32)


def to_int16(mix: np.ndarray, start: int) -> np.ndarray:
    """Quantise float samples in [-1, 1] to 16-bit, dithered by their absolute position."""
    scaled = mix * np.float32(32767.0) + tpdf(start, len(mix), mix.shape[1])
    return np.clip(np.rint(scaled), -32768, 32767).astype(np.int16)
