"""A short sound played once on the sound card, such as a voice sample, until it ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from player.live.devices import Device, NoAudioDevice, default_device


def play_file(
    path: Path, device: Device | None = None, started: Callable[[], None] | None = None
) -> None:
    """Play the sound file at `path` from start to end (Ctrl-C stops it); `started` is called
    once the device plays."""
    from player.sound.decode import decode

    frames = decode(path)
    pcm = np.round(np.clip(frames, -1.0, 32767 / 32768) * 32768).astype("<i2")
    try:
        sound = (device or default_device()).play(memoryview(pcm.tobytes()))
    except NoAudioDevice as error:
        raise NoAudioDevice(f"{error}: write the sample to a file with -o sample.wav") from None
    if started is not None:
        started()
    try:
        while sound.is_playing():
            time.sleep(0.05)
    finally:
        sound.stop()
