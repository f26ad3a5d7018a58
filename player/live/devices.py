"""Where sound goes: the sound card (through pyalsaaudio or simpleaudio), or a silent device
that keeps time.

Both sound-card backends read the caller's buffer progressively rather than copying it, so
sound can start as soon as the first frames are rendered (see buffer.py). pyalsaaudio's
(alsa_playback.py) holds MEDITATE_BUFFER of sound, half a second unless set, where
simpleaudio's holds a fixed 100 ms, too little for a busy machine.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.errors import MeditateError

Clock = Callable[[], float]
SIMPLEAUDIO_BUFFER = SAMPLE_RATE // 10  # frames: simpleaudio's ALSA buffer is fixed at 100 ms
CHOICES = ("alsa", "simpleaudio", "silent")


class Sound(Protocol):
    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


Rendered = Callable[[int], int]  # frame of a sound's PCM -> end of the rendered run from it


class Device(Protocol):
    @property
    def reads_ahead(self) -> int:
        """Frames a playing sound may have taken from its PCM before they are heard."""
        ...

    @property
    def waits_for_rendering(self) -> bool:
        """Whether a sound reads no further than `rendered` says; else it plays what is there."""
        ...

    def play(self, pcm: memoryview, rendered: Rendered | None = None) -> Sound:
        """Start playing 16-bit stereo PCM at 44.1 kHz from the start of `pcm`.

        `rendered(frame)`, when given, is where the rendered run of `pcm` from `frame` ends: the
        rest may still be being rendered."""
        ...


class NoAudioDevice(MeditateError):
    pass


class DeviceLost(MeditateError):
    """The sound device stopped working while it played."""


def device_failure(sound: Sound) -> str | None:
    """Why the device stopped playing `sound`, when it failed (only the ALSA device can say;
    simpleaudio's sounds just end)."""
    failure = getattr(sound, "failure", None)
    return failure if isinstance(failure, str) else None


class SimpleaudioDevice:
    """The real sound card, through simpleaudio (ALSA on Linux): MEDITATE_DEVICE=simpleaudio."""

    reads_ahead = SIMPLEAUDIO_BUFFER
    waits_for_rendering = False

    def play(self, pcm: memoryview, rendered: Rendered | None = None) -> Sound:
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

    reads_ahead = 0
    waits_for_rendering = False

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock

    def play(self, pcm: memoryview, rendered: Rendered | None = None) -> Sound:
        return ClockSound(len(pcm) // FRAME_BYTES, self.clock)


def default_device(environ: dict[str, str] | None = None) -> Device:
    """The sound card through pyalsaaudio (on Linux), or what MEDITATE_DEVICE names:
    `alsa`, `simpleaudio`, or `silent` for a silent device that keeps real time."""
    environ = os.environ if environ is None else environ
    choice = environ.get("MEDITATE_DEVICE", "").strip().lower()
    if choice == "silent":
        return ClockDevice()
    if choice == "simpleaudio" or (
        choice in ("", "default") and not sys.platform.startswith("linux")
    ):
        return SimpleaudioDevice()
    if choice not in ("", "default", "alsa"):
        raise MeditateError(
            f"MEDITATE_DEVICE={choice!r}: expected {', '.join(map(repr, CHOICES))} or nothing"
        )
    from player.live.alsa_playback import AlsaDevice, buffer_seconds

    return AlsaDevice(buffer_seconds(environ))


_handler: Any = None


def silence_alsa_messages() -> None:
    """alsa-lib prints its own complaints on stderr (eight lines for a missing card, one for a
    failed read, from a device's thread too); ours say it in one line."""
    global _handler
    if _handler is not None:
        return
    import ctypes

    try:
        asound = ctypes.CDLL("libasound.so.2")
    except OSError:
        return
    prototype = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _handler = prototype(lambda *args: None)  # kept referenced: alsa-lib holds the pointer
    asound.snd_lib_error_set_handler(_handler)
