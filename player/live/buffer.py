"""The session's PCM in one buffer as long as the session, rendered ahead and released behind.

The buffer is an anonymous memory map; blocks are rendered into it a little ahead of the play
cursor and handed back to the kernel once they have been played, so memory stays flat however
long the session is. The device reads the same memory (simpleaudio does not copy it).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
import threading

import numpy as np

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.errors import MeditateError
from player.session.format import MAX_SESSION_SECONDS
from player.sound.render import BLOCK, Renderer

PREROLL_DEFAULT = 0.5
CAPACITY = (MAX_SESSION_SECONDS + 3600) * SAMPLE_RATE  # frames: a day, and an hour to spare
# Reserve no swap for the map: a day-long open sitting maps 15 GB it will never touch whole.
# Python 3.11 lacks the name; 0x4000 is MAP_NORESERVE on Linux.
_NO_RESERVE = getattr(mmap, "MAP_NORESERVE", 0x4000 if sys.platform.startswith("linux") else 0)


def reads_buffer_progressively() -> bool:
    """Whether this platform's simpleaudio backend plays from our buffer instead of a copy.

    Checked on Linux (ALSA); elsewhere the whole session is rendered before it plays.
    """
    return sys.platform.startswith("linux")


def renders_all_first(environ: dict[str, str] | None = None) -> bool:
    """Whether the whole session is rendered before the sound starts (MEDITATE_PREROLL=all,
    or a platform whose simpleaudio copies the buffer)."""
    value = (os.environ if environ is None else environ).get("MEDITATE_PREROLL", "").strip()
    return not reads_buffer_progressively() or value.lower() == "all"


def preroll_frames(length: int, environ: dict[str, str] | None = None) -> int:
    """Frames to render before the sound starts: MEDITATE_PREROLL seconds, or `all`."""
    value = (os.environ if environ is None else environ).get("MEDITATE_PREROLL", "").strip()
    if renders_all_first(environ):
        return length
    if not value:
        return round(PREROLL_DEFAULT * SAMPLE_RATE)
    try:
        seconds = float(value)
    except ValueError:
        raise MeditateError(
            f"MEDITATE_PREROLL={value!r}: expected a number of seconds or 'all'"
        ) from None
    return max(0, round(seconds * SAMPLE_RATE))


class PcmBuffer:
    """The session's 16-bit PCM, rendered block by block on demand, released after playing."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        # a session still being placed (its narrator speaking ahead) may last until the limit
        self.capacity = min(renderer.length, CAPACITY)  # frames
        self.blocks = -(-self.capacity // BLOCK)
        # private, so that pages handed back with MADV_DONTNEED are really freed (a shared
        # anonymous map keeps them as shmem); they read back as zeros until rendered again
        self.memory = mmap.mmap(
            -1,
            max(self.capacity * FRAME_BYTES, 1),
            flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _NO_RESERVE,
        )
        self.view = memoryview(self.memory)
        self.ready = bytearray(self.blocks)  # 1 where block k holds rendered PCM
        self.lock = threading.Lock()  # one renderer, used from the player and its thread

    @property
    def length(self) -> int:
        """Frames of the session: its length once it is known, else the buffer's capacity."""
        return min(self.renderer.length, self.capacity)

    def renderable_until(self) -> int:
        """The end of what the renderer can render now: all of it, unless the session is
        still being placed."""
        mixable = self.renderer.mixable
        if self.renderer.timeline.complete:
            return self.length
        return min(max(mixable // BLOCK - 1, 0) * BLOCK, self.length)

    def render(self, index: int) -> None:
        """Render block `index` into the buffer, unless it is there already."""
        with self.lock:
            if index >= self.blocks or self.ready[index]:
                return
            start = index * BLOCK
            pcm = self.renderer.pcm(start, min(start + BLOCK, self.length))
            self.view[start * FRAME_BYTES : start * FRAME_BYTES + pcm.nbytes] = pcm.tobytes()
            self.ready[index] = 1

    def render_range(self, start: int, end: int) -> None:
        """Render every block holding frames [start, end) that can be rendered now."""
        end = min(end, self.renderable_until())
        for index in range(start // BLOCK, (end - 1) // BLOCK + 1):
            self.render(index)

    def first_missing(self, start: int, end: int) -> int | None:
        """The first block holding frames [start, end) that is not rendered yet, or None."""
        return next((k for k in range(start // BLOCK, -(-end // BLOCK)) if not self.ready[k]), None)

    def ready_until(self, frame: int) -> int:
        """The end of the rendered run of frames that starts at `frame`."""
        index = frame // BLOCK
        while index < self.blocks and self.ready[index]:
            index += 1
        return min(index * BLOCK, self.length)

    def fade(self, begin: int, end: int, silent: int) -> None:
        """Fade the rendered sound out over frames [begin, end), silence it on to `silent`.

        Used when the listener stops: the device is still reading ahead of `begin`."""
        end, silent = min(end, self.length), min(silent, self.length)
        if end <= begin:
            return
        self.render_range(begin, silent)
        with self.lock:
            pcm = np.frombuffer(self.memory, dtype="<i2").reshape(-1, 2)
            ramp = np.cos(np.linspace(0.0, np.pi / 2, end - begin)) ** 2
            faded = pcm[begin:end].astype(np.float64) * ramp[:, None]
            pcm[begin:end] = np.rint(faded).astype(np.int16)
            pcm[end:silent] = 0

    def release_before(self, frame: int) -> None:
        """Give the memory of blocks wholly before `frame` back to the kernel.

        A block is 64 KiB, a whole number of pages, so blocks release cleanly.
        """
        last = frame // BLOCK
        with self.lock:
            first = self.ready.find(1, 0, max(last, 0))
            if first < 0:
                return
            for k in range(first, last):
                self.ready[k] = 0
            if hasattr(self.memory, "madvise"):
                begin = first * BLOCK * FRAME_BYTES
                size = (last - first) * BLOCK * FRAME_BYTES
                self.memory.madvise(mmap.MADV_DONTNEED, begin, size)

    def close(self) -> None:
        """Unmap the buffer; if the device still holds a view of it, the unmapping is left
        to the garbage collector (at the latest, to the end of the process)."""
        with contextlib.suppress(BufferError):
            self.view.release()
            self.memory.close()
