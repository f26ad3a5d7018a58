"""The microphone: ALSA's default capture device through pyalsaaudio, 16-bit mono at 44.1 kHz.

pyalsaaudio is imported only when a microphone opens (about 1 ms), so no other command pays
for it. A thread reads the device into a bounded queue: on a sound card the capture buffer
holds a fifth of a second, and saving a take or drawing the screen must not lose audio.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from typing import Any

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.errors import MeditateError
from player.live.devices import quiet_stderr, silence_alsa_messages

PERIOD_FRAMES = 441  # 10 ms: the meter moves smoothly, and a paced test FIFO takes it whole
PERIODS = 20  # the device's buffer: 200 ms
QUEUE_SECONDS = 30.0


class NoInputDevice(MeditateError):
    """There is nothing to record from."""


class InputLost(MeditateError):
    """The microphone failed while recording (unplugged, an I/O error)."""


class Microphone:
    """ALSA's default input, read on its own thread. Use `open()`; close it when done."""

    def __init__(self, pcm: Any, error_type: type[Exception], period: int) -> None:
        self._pcm = pcm
        self._error_type = error_type
        self.period = period
        self.overruns = 0  # times the device's buffer filled before it was read
        self._queue: queue.Queue[np.ndarray | BaseException] = queue.Queue(
            maxsize=max(1, round(QUEUE_SECONDS * SAMPLE_RATE / period))
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="microphone", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, device: str = "default") -> Microphone:
        """Open the device. Raises NoInputDevice saying why."""
        if not sys.platform.startswith("linux"):
            raise NoInputDevice("recording needs ALSA, on Linux; this system has none")
        try:
            import alsaaudio
        except ImportError:
            raise NoInputDevice(
                "recording needs the pyalsaaudio package: pip install pyalsaaudio"
            ) from None
        silence_alsa_messages()
        try:
            with quiet_stderr():
                pcm = alsaaudio.PCM(
                    alsaaudio.PCM_CAPTURE,
                    alsaaudio.PCM_NORMAL,
                    device=device,
                    rate=SAMPLE_RATE,
                    channels=1,
                    format=alsaaudio.PCM_FORMAT_S16_LE,
                    periodsize=PERIOD_FRAMES,
                    periods=PERIODS,
                )
        except alsaaudio.ALSAAudioError as error:
            raise NoInputDevice(
                f"no microphone to record from (ALSA: {error}): connect one, or make it "
                "the default input in your sound settings"
            ) from None
        info = pcm.info()
        if info.get("rate") != SAMPLE_RATE or info.get("channels") != 1:
            pcm.close()
            raise NoInputDevice(
                f"the microphone cannot record mono at {SAMPLE_RATE} Hz "
                f"(it offers {info.get('rate')} Hz, {info.get('channels')} channels)"
            )
        return cls(pcm, alsaaudio.ALSAAudioError, int(info.get("period_size", PERIOD_FRAMES)))

    def read(self, timeout: float | None) -> np.ndarray | None:
        """The next block of samples, or None if none came within `timeout` seconds
        (0: only what is there; None: wait for it). Raises InputLost when the device failed."""
        try:
            item = self._queue.get(block=timeout != 0, timeout=timeout or None)
        except queue.Empty:
            return None
        if isinstance(item, BaseException):
            self._queue.put(item)  # every later read fails the same way
            raise item
        return item

    def close(self) -> None:
        self._stopping.set()
        with contextlib.suppress(queue.Empty):
            while True:  # make room, so the reader is not stuck on a full queue
                self._queue.get_nowait()
        self._thread.join(timeout=2.0)
        if not self._thread.is_alive():  # never close a device a read is still inside
            self._pcm.close()

    def __enter__(self) -> Microphone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            item: np.ndarray | BaseException
            try:
                length, data = self._pcm.read()
            except self._error_type as error:
                item = InputLost(f"the microphone stopped working (ALSA: {error})")
            else:
                if length < 0:  # -EPIPE: an overrun; pyalsaaudio has restarted the device
                    self.overruns += 1
                    continue
                item = np.frombuffer(data, "<i2")[: max(length, 0)].copy()
            while not self._stopping.is_set():
                try:
                    self._queue.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if isinstance(item, BaseException):
                return
