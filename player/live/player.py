"""Live playback: a session-sized PCM buffer the device reads while a thread renders ahead.

simpleaudio's ALSA backend reads the caller's buffer progressively rather than copying it, so
sound can start as soon as the first frames are rendered. The buffer is an anonymous memory
map as long as the session; frames are rendered into it a little ahead of the play cursor
and handed back to the kernel once they have been played, so memory stays flat however long
the session is. Skipping is stopping the sound and playing the same buffer from elsewhere.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.errors import MeditateError
from player.session.timeline import Timeline
from player.sound.render import FRAME, Renderer

Clock = Callable[[], float]

AHEAD_SECONDS = 20.0  # how far the renderer works ahead of the play cursor
# Played audio is kept this long before it is released. The play position is estimated
# from the clock (simpleaudio does not report the device's), and a stalled device lets the
# clock run ahead of the sound by a couple of seconds per stall: a wide margin keeps what
# the device has not yet played far from anything released.
BEHIND_SECONDS = 60.0
PREROLL_DEFAULT = 0.5
BACK_TO_START_SECONDS = 3.0


class Sound(Protocol):
    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


class Device(Protocol):
    def play(self, pcm: memoryview) -> Sound:
        """Start playing 16-bit stereo PCM at 44.1 kHz from the start of `pcm`."""
        ...


class NoAudioDevice(MeditateError):
    pass


class SimpleaudioDevice:
    """The real sound card, through simpleaudio (ALSA on Linux)."""

    def play(self, pcm: memoryview) -> Sound:
        import simpleaudio

        try:
            with _quiet_stderr():
                return simpleaudio.play_buffer(pcm, 2, 2, SAMPLE_RATE)
        except Exception as error:  # simpleaudio raises its own SimpleaudioError
            reason = str(error).split("--")[-1].replace("MSG:", "").strip()
            raise NoAudioDevice(f"no audio device to play on (ALSA: {reason})") from None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """ALSA prints its own complaints to stderr; ours, in one line, say it better."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class ClockSound:
    """A sound that plays in silence, ending when a real-time clock says it would have."""

    def __init__(self, frames: int, clock: Clock) -> None:
        self.clock = clock
        self.ends = clock() + frames / SAMPLE_RATE
        self.stopped = False

    def is_playing(self) -> bool:
        return not self.stopped and self.clock() < self.ends

    def stop(self) -> None:
        self.stopped = True


class ClockDevice:
    """Plays nothing, in real time: MEDITATE_DEVICE=silent, to watch a session without sound."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock

    def play(self, pcm: memoryview) -> Sound:
        return ClockSound(len(pcm) // FRAME_BYTES, self.clock)


def default_device(environ: dict[str, str] | None = None) -> Device:
    """The sound card, or with MEDITATE_DEVICE=silent a silent device that keeps real time."""
    choice = (os.environ if environ is None else environ).get("MEDITATE_DEVICE", "").strip()
    if choice == "silent":
        return ClockDevice()
    if choice not in ("", "default"):
        raise MeditateError(f"MEDITATE_DEVICE={choice!r}: expected 'silent' or nothing")
    return SimpleaudioDevice()


def reads_buffer_progressively() -> bool:
    """Whether this platform's simpleaudio backend plays from our buffer instead of a copy.

    Checked on Linux (ALSA); elsewhere the whole session is rendered before it plays.
    """
    return sys.platform.startswith("linux")


def preroll_frames(length: int, environ: dict[str, str] | None = None) -> int:
    """Frames to render before the sound starts: MEDITATE_PREROLL seconds, or `all`."""
    value = (os.environ if environ is None else environ).get("MEDITATE_PREROLL", "").strip()
    if not reads_buffer_progressively() or value.lower() == "all":
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
    """The session's 16-bit PCM, rendered frame by frame on demand, released after playing."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.length = renderer.length
        self.frames = -(-self.length // FRAME)
        # private, so that pages handed back with MADV_DONTNEED are really freed (a shared
        # anonymous map keeps them as shmem); they read back as zeros until rendered again
        self.memory = mmap.mmap(
            -1, max(self.length * FRAME_BYTES, 1), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
        )
        self.view = memoryview(self.memory)
        self.ready = bytearray(self.frames)  # 1 where frame k holds rendered PCM
        self.lock = threading.Lock()  # one renderer, used from the player and its thread

    def render(self, index: int) -> None:
        """Render frame `index` into the buffer, unless it is there already."""
        with self.lock:
            if index >= self.frames or self.ready[index]:
                return
            start = index * FRAME
            pcm = self.renderer.pcm(start, min(start + FRAME, self.length))
            self.view[start * FRAME_BYTES : start * FRAME_BYTES + pcm.nbytes] = pcm.tobytes()
            self.ready[index] = 1

    def ready_until(self, frame: int) -> int:
        """The end of the rendered run of frames that starts at `frame`."""
        index = frame // FRAME
        while index < self.frames and self.ready[index]:
            index += 1
        return min(index * FRAME, self.length)

    def release_before(self, frame: int) -> None:
        """Give the memory of frames wholly before `frame` back to the kernel.

        A frame is 64 KiB, a whole number of pages, so frames release cleanly.
        """
        last = frame // FRAME
        with self.lock:
            first = next((k for k in range(last) if self.ready[k]), last)
            if first >= last:
                return
            for k in range(first, last):
                self.ready[k] = 0
            if hasattr(self.memory, "madvise"):
                begin = first * FRAME * FRAME_BYTES
                size = (last - first) * FRAME * FRAME_BYTES
                self.memory.madvise(mmap.MADV_DONTNEED, begin, size)

    def close(self) -> None:
        """Unmap the buffer; if the device still holds a view of it, the unmapping is left
        to the garbage collector (at the latest, to the end of the process)."""
        with contextlib.suppress(BufferError):
            self.view.release()
            self.memory.close()


@dataclass
class _Playing:
    sound: Sound | None
    from_frame: int
    since: float


class Player:
    """Plays a timeline on a device: start, pause, seek, skip by chapter, and where it is."""

    def __init__(
        self,
        timeline: Timeline,
        buffer: PcmBuffer,
        device: Device,
        clock: Clock = time.monotonic,
        preroll: int = 0,
        ahead: int = round(AHEAD_SECONDS * SAMPLE_RATE),
    ) -> None:
        self.timeline = timeline
        self.buffer = buffer
        self.device = device
        self.clock = clock
        self.preroll = preroll
        self.ahead = max(ahead, preroll)
        self.length = timeline.length
        self.state = _Playing(None, 0, clock())
        self.paused = False
        self.started = False
        self.cursor = 0  # where the renderer should work: the play position
        self.listened = 0.0  # seconds of sound heard before the current stretch
        self.failure: BaseException | None = None  # what stopped the render thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None

    # -- position

    def position(self) -> int:
        if self.paused or self.state.sound is None:
            return self.state.from_frame
        played = round((self.clock() - self.state.since) * SAMPLE_RATE)
        return min(self.state.from_frame + played, self.length)

    def listened_seconds(self) -> float:
        """Time spent listening so far, pauses not counted."""
        current = 0.0
        if self.state.sound is not None and not self.paused:
            current = min(
                self.clock() - self.state.since, (self.length - self.state.from_frame) / SAMPLE_RATE
            )
        return self.listened + max(current, 0.0)

    def finished(self) -> bool:
        if not self.started or self.paused:
            return False
        sound = self.state.sound
        return sound is None or not sound.is_playing()

    def chapter_index(self) -> int:
        return self.timeline.chapter_at(self.position())

    # -- control

    def start(self, frame: int = 0) -> None:
        """Render the preroll, start the sound at `frame`, then keep rendering ahead of it."""
        self.started = True
        self._play_from(frame)
        self._worker = threading.Thread(target=self._render_ahead, daemon=True)
        self._worker.start()

    def toggle_pause(self) -> None:
        if self.paused:
            self.paused = False
            self._play_from(self.state.from_frame)
        else:
            at = self.position()
            self._silence()
            self.state = _Playing(None, at, self.clock())
            self.paused = True

    def seek(self, frame: int) -> None:
        frame = max(0, min(frame, self.length))
        if self.paused:
            self.state = _Playing(None, frame, self.clock())
            self.cursor = frame
            self._wake.set()
            return
        self._silence()
        self._play_from(frame)

    def next_chapter(self) -> None:
        here = self.position()
        later = [mark.start for mark in self.timeline.chapters if mark.start > here]
        self.seek(later[0] if later else self.length)

    def previous_chapter(self) -> None:
        """Back to the start of this chapter when well into it, else to the one before."""
        here = self.position()
        index = self.timeline.chapter_at(here)
        if index < 0:
            self.seek(0)
            return
        start = self.timeline.chapters[index].start
        if here - start > BACK_TO_START_SECONDS * SAMPLE_RATE:
            self.seek(start)
        elif index > 0:
            self.seek(self.timeline.chapters[index - 1].start)
        else:
            self.seek(0)

    def stop(self) -> None:
        """Silence at once and stop rendering."""
        self._silence()
        self._stop.set()
        self._wake.set()
        if self._worker is not None:
            self._worker.join(timeout=2.0)

    def keep_up(self) -> None:
        """Called a few times a second: moves the render window, and waits out an underrun.

        Raises what stopped the render thread (a clip that cannot be decoded, say).
        """
        if self.failure is not None:
            self._silence()
            raise self.failure
        here = self.position()
        self.cursor = here
        self._wake.set()
        if self.paused or here >= self.length:
            return
        if self.buffer.ready_until(here) < min(here + SAMPLE_RATE // 10, self.length):
            # the renderer fell behind the sound: pause, render, and go on where we were
            self._silence()
            self._render_range(here, here + max(self.preroll, SAMPLE_RATE))
            self._play_from(here)

    # -- inside

    def _play_from(self, frame: int) -> None:
        self._render_range(frame, frame + max(self.preroll, 1))
        self.cursor = frame
        self._wake.set()
        if frame >= self.length:
            self.state = _Playing(None, self.length, self.clock())
            return
        sound = self.device.play(self.buffer.view[frame * FRAME_BYTES :])
        self.state = _Playing(sound, frame, self.clock())

    def _silence(self) -> None:
        if self.state.sound is not None:
            self.state.sound.stop()
            self.listened = self.listened_seconds()
            self.state = _Playing(None, self.position(), self.clock())

    def _render_range(self, start: int, end: int) -> None:
        for index in range(start // FRAME, (min(end, self.length) - 1) // FRAME + 1):
            self.buffer.render(index)

    def _render_ahead(self) -> None:
        try:
            self._render_loop()
        except BaseException as error:  # handed to the main thread by keep_up
            self.failure = error

    def _render_loop(self) -> None:
        while not self._stop.is_set():
            cursor = self.cursor
            target = min(cursor + self.ahead, self.length)
            missing = next(
                (
                    k
                    for k in range(cursor // FRAME, -(-target // FRAME))
                    if not self.buffer.ready[k]
                ),
                None,
            )
            if missing is None:
                self.buffer.release_before(cursor - round(BEHIND_SECONDS * SAMPLE_RATE))
                self._wake.wait(0.25)
                self._wake.clear()
                continue
            self.buffer.render(missing)
