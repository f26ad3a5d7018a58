"""The sound card through pyalsaaudio, with a buffer long enough to ride out a busy machine.

simpleaudio opens ALSA with a fixed 100-ms buffer: a player held off the CPU for longer than
that (a busy machine, a slow disk) underruns, and the sound pauses. Here the buffer is
MEDITATE_BUFFER long (half a second unless set), and a writer thread copies the caller's PCM
into it as room appears. Like simpleaudio it reads the caller's buffer progressively, so the
player can go on rendering into it while it plays; unlike simpleaudio it reads only what the
player says is rendered, so a renderer that falls behind costs a pause, never wrong sound.

pyalsaaudio is imported only when a sound starts, so no other command pays for it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.errors import MeditateError
from player.live.devices import (
    NoAudioDevice,
    Rendered,
    Sound,
    quiet_stderr,
    silence_alsa_messages,
)
from player.session.units import format_duration, parse_duration

BUFFER_DEFAULT = 0.5  # seconds: rides out the stalls of two cores shared with busy work
BUFFER_LIMITS = (0.02, 10.0)  # seconds
PERIODS = 8  # the buffer is handed over in eighths: room is refilled every 62 ms by default


def buffer_seconds(environ: dict[str, str] | None = None) -> float:
    """How much sound the device holds ahead: MEDITATE_BUFFER (`500ms`, `1s`, `0.5`)."""
    value = (os.environ if environ is None else environ).get("MEDITATE_BUFFER", "").strip()
    if not value:
        return BUFFER_DEFAULT
    low, high = BUFFER_LIMITS
    expected = (
        f"expected a duration from {format_duration(low)} to {format_duration(high)}, such as 500ms"
    )
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise MeditateError(f"MEDITATE_BUFFER={value!r}: {expected}") from None
    if not low <= seconds <= high:
        raise MeditateError(f"MEDITATE_BUFFER={value!r}: {expected}")
    return seconds


class AlsaDevice:
    """ALSA's default output, fed from a thread through a buffer of `seconds`."""

    waits_for_rendering = True

    def __init__(self, seconds: float = BUFFER_DEFAULT, device: str = "default") -> None:
        self.device = device
        self.buffer = max(round(seconds * SAMPLE_RATE), 2 * PERIODS)  # frames
        self.period = self.buffer // PERIODS

    @property
    def reads_ahead(self) -> int:
        """Frames a playing sound may have taken from the caller's buffer but not yet played."""
        return self.buffer

    def play(self, pcm: memoryview, rendered: Rendered | None = None) -> Sound:
        """Start playing 16-bit stereo PCM at 44.1 kHz from the start of `pcm`, reading no
        further than `rendered` says. Raises NoAudioDevice when ALSA has none to play it."""
        handle, error_type = self._open()
        return AlsaSound(handle, error_type, pcm, self.buffer, self.period, rendered)

    def _open(self) -> tuple[Any, type[Exception]]:
        if not sys.platform.startswith("linux"):
            raise NoAudioDevice("no audio device to play on (ALSA is Linux only)")
        try:
            import alsaaudio
        except ImportError:
            raise NoAudioDevice(
                "no audio device to play on: playing through ALSA needs the pyalsaaudio "
                "package (pip install pyalsaaudio, or MEDITATE_DEVICE=simpleaudio)"
            ) from None
        silence_alsa_messages()
        try:
            with quiet_stderr():
                handle = alsaaudio.PCM(
                    alsaaudio.PCM_PLAYBACK,
                    alsaaudio.PCM_NORMAL,
                    device=self.device,
                    rate=SAMPLE_RATE,
                    channels=2,
                    format=alsaaudio.PCM_FORMAT_S16_LE,
                    periodsize=self.period,
                    periods=PERIODS,
                )
        except alsaaudio.ALSAAudioError as error:
            raise NoAudioDevice(f"no audio device to play on (ALSA: {error})") from None
        info = handle.info()
        if info.get("rate") != SAMPLE_RATE or info.get("channels") != 2:
            handle.close()
            raise NoAudioDevice(
                f"the audio device cannot play stereo at {SAMPLE_RATE} Hz "
                f"(it offers {info.get('rate')} Hz, {info.get('channels')} channels)"
            )
        return handle, alsaaudio.ALSAAudioError


class AlsaSound:
    """One sound playing: a thread writes `pcm` into the device as the device makes room.

    The device may be given a larger buffer than asked for; the thread never fills more than
    `buffer` frames of it, so the sound reads no further ahead of what is heard than that.
    Only the thread touches the device: stop() asks it to drop what the device holds.
    """

    def __init__(
        self,
        handle: Any,
        error_type: type[Exception],
        pcm: memoryview,
        buffer: int,
        period: int,
        rendered: Rendered | None = None,
    ) -> None:
        self._handle = handle
        self._error_type = error_type
        self._pcm = pcm
        self._frames = len(pcm) // FRAME_BYTES
        self._rendered = rendered or (lambda frame: self._frames)
        self.period = min(period, buffer)
        self.buffer = buffer
        info = handle.info()
        size = int(info.get("period_size", period)) * int(info.get("periods", PERIODS))
        self._unused = max(size - buffer, 0)  # room in the device that is never filled
        self.underruns = 0  # times the device ran dry and was restarted
        self.stalled_at: int | None = None  # where it waits for more to be rendered, if it does
        self.failure: str | None = None  # why the device stopped, when it failed
        self._stopping = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alsa-playback", daemon=True)
        self._thread.start()

    def is_playing(self) -> bool:
        return not self._done.is_set()

    def end_at(self, frames: int) -> None:
        """End `frames` into the PCM rather than at its end: the length of a session placed
        as it plays is known only once its last clip is spoken."""
        self._frames = min(self._frames, frames)

    def stop(self) -> None:
        """Silence at once: the thread drops what the device holds and closes it."""
        self._stopping.set()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        try:
            if self._feed() and not self._stopping.is_set():
                self._finish()
        except self._error_type as error:
            self.failure = str(error)
        finally:
            with contextlib.suppress(self._error_type):
                if self._stopping.is_set():
                    self._handle.drop()
            with contextlib.suppress(self._error_type):
                self._handle.close()
            self._pcm = memoryview(b"")  # so the caller's buffer can be unmapped
            self._done.set()

    def _wait(self) -> None:
        self._stopping.wait(self.period / SAMPLE_RATE / 2)

    def _feed(self) -> bool:
        """Write every frame as room appears; False when stopped first."""
        at = 0
        while at < self._frames:
            if self._stopping.is_set():
                return False
            room = self._handle.avail()
            # negative: the device ran dry (-EPIPE); write() restarts it and says so
            room = self.period if room < 0 else room - self._unused
            rendered = self._rendered(at) - at
            count = min(room, rendered, self._frames - at)
            if count < min(self.period, self._frames - at):  # no room, or not rendered yet
                self.stalled_at = at if rendered < min(self.period, self._frames - at) else None
                self._wait()
                continue
            self.stalled_at = None
            written = self._handle.write(self._pcm[at * FRAME_BYTES : (at + count) * FRAME_BYTES])
            if written < 0:
                self.underruns += 1
                continue
            at += written
        return True

    def _finish(self) -> None:
        """Wait, stoppably, until the device is nearly empty, then let it play out."""
        while not self._stopping.is_set():
            room = self._handle.avail()
            if room < 0 or room - self._unused >= self.buffer - self.period:
                break
            self._wait()
        if not self._stopping.is_set():
            self._handle.drain()  # at most a period: the file plugin writes what it holds
