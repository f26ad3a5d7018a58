"""A look-ahead peak limiter whose gain at a sample depends only on the signal near it.

Gain at sample n is the mean, over the `attack` samples up to n, of the least gain any
sample in [k - hold, k + attack) needs. Every one of those windows contains n, so the gain
never lets a sample past the ceiling, and it moves smoothly (over `attack` samples) in both
directions. Because it reads only a fixed neighbourhood, rendering can start anywhere and
still produce the same samples.
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
        peak = np.max(np.abs(mix), axis=1)
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
