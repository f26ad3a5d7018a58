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
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from .audio_format import SAMPLE_RATE


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
        span = self.hold + self.attack
        # minimum over [n - hold, n + attack - 1]: a window of `span` samples, shifted forward
        # scipy places a window of size s at [n - s//2 - origin, n - s//2 - origin + s - 1]
        held = minimum_filter1d(need, size=span, origin=self.hold - span // 2, mode="nearest")
        # mean over [n - attack + 1, n]
        smooth = uniform_filter1d(
            held, size=self.attack, origin=self.attack - 1 - self.attack // 2, mode="nearest"
        )
        return np.minimum(smooth, 1.0).astype(np.float32)
