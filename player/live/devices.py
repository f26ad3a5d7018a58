"""Where sound goes: the sound card through simpleaudio, or a silent device that keeps time.

simpleaudio's ALSA backend reads the caller's buffer progressively rather than copying it, so
sound can start as soon as the first frames are rendered (see buffer.py).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.errors import MeditateError

Clock = Callable[[], float]


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
        from simpleaudio._simpleaudio import SimpleaudioError

        try:
            with quiet_stderr():
                return simpleaudio.play_buffer(pcm, 2, 2, SAMPLE_RATE)
        except SimpleaudioError as error:
            reason = str(error).split("--")[-1].replace("MSG:", "").strip()
            raise NoAudioDevice(f"no audio device to play on (ALSA: {reason})") from None


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
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
