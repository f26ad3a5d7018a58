"""Sounds made a chunk at a time, as the renderer first asks for each part: the built-in bells,
and any bell struck more than once. The first block of a session then waits only for the
first chunks of its bell, not for the whole of it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol

import numpy as np

from player.common.audio_format import CHANNELS, SAMPLE_RATE
from player.common.cache import key_of
from player.session.format import STRIKE_SECONDS


class Audible(Protocol):
    """A sound the renderer mixes: float32 frames (frames, 2) at the master rate.

    `identity` names a sound in the cache (its measurement, its level): a file's, a built-in
    bell's, or one struck from either; None for a sound that is not kept."""

    identity: str | None

    @property
    def frames(self) -> int: ...

    @property
    def nbytes(self) -> int:
        """What all of it takes in memory."""
        ...

    @property
    def samples(self) -> np.ndarray:
        """All of it at once."""
        ...

    def span(self, offset: int, count: int) -> np.ndarray:
        """Frames [offset, offset + count), which must lie inside the sound."""
        ...

    def read(self, start: int, count: int) -> np.ndarray:
        """Frames [start, start + count); fewer at the end of the sound."""
        ...

    def longer_than(self, frames: int) -> bool: ...


class _Made(ABC):
    """What the sounds made here share: reading from any start, as files are read."""

    identity: str | None = None
    frames: int

    @abstractmethod
    def span(self, offset: int, count: int) -> np.ndarray:
        """Frames [offset, offset + count), which must lie inside the sound."""

    def read(self, start: int, count: int) -> np.ndarray:
        return self.span(start, max(0, min(count, self.frames - start)))

    def longer_than(self, frames: int) -> bool:
        return self.frames > frames


class LazyBell(_Made):
    """A built-in bell, synthesised chunk by chunk (see bells.CHUNK) given its peak. The
    chunks are kept by bells.bell_chunk, for every bell at once, not here."""

    nbytes = 0

    def __init__(self, name: str, peak: float, identity: str | None = None) -> None:
        from player.sound.bells import bell_frames

        self.name = name
        self.peak = peak
        self.frames = bell_frames(name)
        self.identity = identity

    @property
    def samples(self) -> np.ndarray:
        return self.span(0, self.frames)

    def span(self, offset: int, count: int) -> np.ndarray:
        from player.sound.bells import CHUNK

        if count <= 0:
            return np.zeros((0, CHANNELS), np.float32)
        first, last = offset // CHUNK, (offset + count - 1) // CHUNK
        parts = [self._chunk(index) for index in range(first, last + 1)]
        joined = parts[0] if len(parts) == 1 else np.concatenate(parts)
        begin = offset - first * CHUNK
        return joined[begin : begin + count]

    def _chunk(self, index: int) -> np.ndarray:
        from player.sound.bells import bell_chunk

        return bell_chunk(self.name, index, self.peak)


class Struck(_Made):
    """A sound struck `strikes` times, STRIKE_SECONDS apart, each ringing on under the next.
    It holds nothing but the sound struck (which is counted where it is kept)."""

    nbytes = 0

    def __init__(self, one: Audible, strikes: int) -> None:
        self.one = one
        self.strikes = strikes
        self.identity = None if one.identity is None else key_of(one.identity, "struck", strikes)
        self.spacing = round(STRIKE_SECONDS * SAMPLE_RATE)
        self.frames = (strikes - 1) * self.spacing + one.frames

    @property
    def samples(self) -> np.ndarray:
        return self.span(0, self.frames)

    def span(self, offset: int, count: int) -> np.ndarray:
        out = np.zeros((max(count, 0), CHANNELS), np.float32)
        for strike in range(self.strikes):
            begin = strike * self.spacing
            lo, hi = max(offset, begin), min(offset + count, begin + self.one.frames)
            if lo < hi:
                out[lo - offset : hi - offset] += self.one.span(lo - begin, hi - lo)
        return out
