"""The pyalsaaudio sound device (MEDITATE_DEVICE=alsa, MEDITATE_BUFFER): what ALSA's file plugin
receives is the export, byte for byte, whatever the buffer; it stops, plays again, and says in
one line what is wrong. A paced fake stands in for a sound card only where the file plugin
cannot show it (a device that plays in real time, runs dry, or fails)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from test_play_alsa import PLAY, alsa_home, export_wav, file_device

from player.common.errors import MeditateError
from player.live.alsa_playback import BUFFER_DEFAULT, AlsaSound, buffer_seconds
from player.live.devices import ClockDevice, SimpleaudioDevice, default_device

HANG_GUARD = 60.0  # seconds: only so that a broken build fails instead of hanging


def play(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLAY, *args], env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "device",
    [
        {"MEDITATE_DEVICE": "alsa"},
        {"MEDITATE_DEVICE": "alsa", "MEDITATE_BUFFER": "20ms"},
        {"MEDITATE_DEVICE": "alsa", "MEDITATE_BUFFER": "2s"},
        {"MEDITATE_DEVICE": "simpleaudio"},
    ],
)
def test_every_device_and_buffer_plays_exactly_the_export(tmp_path: Path, device) -> None:
    env, capture = file_device(tmp_path)
    extra = ("--from", "Three breaths", "--no-bells")
    done = play({**env, **device}, "play", "three-breaths", *extra)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    played = np.frombuffer(capture.read_bytes(), dtype="<i2").reshape(-1, 2)
    exported = export_wav("three-breaths", tmp_path / "export.wav", *extra)
    assert played.shape == exported.shape
    assert np.array_equal(played, exported)


SOUNDS = """
import sys, time
import numpy as np
from player.live.alsa_playback import AlsaDevice
first = (np.arange(44100 * 2 * 30) % 30011).astype('<i2').tobytes()
second = (np.arange(44100 * 2 * 3) % 211 - 105).astype('<i2').tobytes()
device = AlsaDevice(0.5)
sound = device.play(memoryview(first))
sound.stop()  # at once: what the device holds is dropped
assert not sound.is_playing()
sound = device.play(memoryview(second)[4 * 44100:])  # from one second in, as a seek does
while sound.is_playing():
    time.sleep(0.01)
sound.stop()
open(sys.argv[1], 'wb').write(first)
open(sys.argv[2], 'wb').write(second)
"""


def test_a_stopped_sound_ends_and_the_next_plays_whole_from_where_it_is_asked(tmp_path):
    env, capture = file_device(tmp_path)
    first, second = tmp_path / "first.raw", tmp_path / "second.raw"
    done = subprocess.run(
        [sys.executable, "-c", SOUNDS, str(first), str(second)], env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    captured = capture.read_bytes()
    rest = second.read_bytes()[4 * 44100 :]
    assert captured.endswith(rest)
    head = captured[: len(captured) - len(rest)]
    assert first.read_bytes().startswith(head)  # the stopped sound: a beginning, or nothing


def test_without_a_card_the_alsa_device_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    env = {**alsa_home(tmp_path, "type hw; card 9"), "MEDITATE_DEVICE": "alsa"}
    done = play(env, "play", "three-breaths")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("meditate: no audio device to play on (ALSA:")
    assert "meditate export three-breaths" in lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MEDITATE_BUFFER", "lots", "MEDITATE_BUFFER='lots': expected a duration from 20ms to"),
        ("MEDITATE_BUFFER", "1ms", "MEDITATE_BUFFER='1ms': expected a duration from 20ms to"),
        ("MEDITATE_BUFFER", "1m", "MEDITATE_BUFFER='1m': expected a duration from 20ms to"),
        ("MEDITATE_DEVICE", "pulse", "MEDITATE_DEVICE='pulse': expected 'alsa', 'simpleaudio'"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, variable, value, message) -> None:
    env, _ = file_device(tmp_path)
    done = play({**env, variable: value}, "play", "three-breaths")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("meditate: ") and message in lines[0]


def test_the_choice_of_device() -> None:
    assert type(default_device({"MEDITATE_DEVICE": "silent"})) is ClockDevice
    assert type(default_device({"MEDITATE_DEVICE": "simpleaudio"})) is SimpleaudioDevice
    alsa = default_device({"MEDITATE_DEVICE": "alsa", "MEDITATE_BUFFER": "250ms"})
    assert alsa.reads_ahead == 44100 // 4
    assert default_device({}).reads_ahead == round(BUFFER_DEFAULT * 44100)
    assert buffer_seconds({"MEDITATE_BUFFER": "1.5"}) == 1.5
    with pytest.raises(MeditateError, match="MEDITATE_BUFFER"):
        buffer_seconds({"MEDITATE_BUFFER": "-1s"})


@pytest.mark.parametrize("args", [["--help"], ["list"], ["play", "--help"]])
def test_help_and_list_do_not_import_pyalsaaudio(args) -> None:
    probe = (
        "import sys\nfrom player.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if 'alsa' in m))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


# -- a paced device, at the edge: what a sound card does in real time


class DeviceError(Exception):
    pass


class PacedPcm:
    """pyalsaaudio's PCM as a sound card shows it: room appears only as the test plays frames.

    It may run dry once (write and avail say -EPIPE, as pyalsaaudio does), or fail."""

    def __init__(self, period: int, periods: int) -> None:
        self.size = period * periods
        self.period, self.periods = period, periods
        self.held = 0
        self.most_held = 0
        self.written = bytearray()
        self.dry = False
        self.failing = False
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def info(self) -> dict[str, int]:
        return {"period_size": self.period, "periods": self.periods}

    def avail(self) -> int:
        with self.lock:
            return -32 if self.dry else self.size - self.held

    def write(self, data) -> int:
        with self.lock:
            if self.failing:
                raise DeviceError("No such device [default]")
            if self.dry:
                self.dry = False
                self.held = 0
                return -32
            frames = len(data) // 4
            assert frames <= self.size - self.held
            self.written += bytes(data)
            self.held += frames
            self.most_held = max(self.most_held, self.held)
            return frames

    def played(self, frames: int) -> None:
        """The card plays `frames`, or runs dry if it had fewer."""
        with self.lock:
            if frames > self.held and self.held:
                self.dry = True
            self.held = max(self.held - frames, 0)

    def drain(self) -> None:
        self.calls.append("drain")

    def drop(self) -> None:
        self.calls.append("drop")

    def close(self) -> None:
        self.calls.append("close")


def pcm_bytes(frames: int) -> bytes:
    return (np.arange(frames * 2) % 32749).astype("<i2").tobytes()


def wait_for(condition) -> None:
    done = threading.Event()
    for _ in range(int(HANG_GUARD * 1000)):
        if condition():
            return
        done.wait(0.001)
    raise AssertionError("the sound's thread did not get there")


def play_out(device: PacedPcm, sound: AlsaSound, data: bytes, step: int) -> None:
    """Play the card in steps of `step` frames, each once the thread has filled it."""
    while sound.is_playing():
        wait_for(
            lambda: (
                device.held >= sound.buffer
                or len(device.written) == len(data)
                or not sound.is_playing()
            )
        )
        device.played(step)


def test_it_never_holds_more_than_its_buffer_in_a_larger_device() -> None:
    device = PacedPcm(period=1000, periods=16)  # the card offers 16000 frames
    data = pcm_bytes(50_000)
    sound = AlsaSound(device, DeviceError, memoryview(data), buffer=4000, period=500)
    play_out(device, sound, data, 700)
    assert bytes(device.written) == data
    assert device.most_held <= 4000
    assert device.calls == ["drain", "close"]
    assert sound.underruns == 0 and sound.failure is None


def test_a_card_that_runs_dry_gets_every_frame_once_in_order() -> None:
    device = PacedPcm(period=500, periods=8)
    data = pcm_bytes(30_000)
    sound = AlsaSound(device, DeviceError, memoryview(data), buffer=4000, period=500)
    wait_for(lambda: device.held == 4000)
    device.played(10_000)  # a stall longer than the buffer: the card ran dry
    play_out(device, sound, data, 900)
    assert bytes(device.written) == data
    assert sound.underruns == 1


def test_stop_drops_what_the_card_holds_and_writes_no_more() -> None:
    device = PacedPcm(period=500, periods=8)
    sound = AlsaSound(device, DeviceError, memoryview(pcm_bytes(40_000)), 4000, 500)
    wait_for(lambda: device.held == 4000)
    sound.stop()
    assert not sound.is_playing()
    assert device.calls == ["drop", "close"]
    assert len(device.written) == 4000 * 4


def test_a_card_that_fails_ends_the_sound_saying_why() -> None:
    device = PacedPcm(period=500, periods=8)
    sound = AlsaSound(device, DeviceError, memoryview(pcm_bytes(40_000)), 4000, 500)
    wait_for(lambda: device.held == 4000)
    device.failing = True
    device.played(1000)
    wait_for(lambda: not sound.is_playing())
    assert sound.failure == "No such device [default]"
    assert device.calls == ["close"]


def test_the_alsa_device_is_the_default_on_linux() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("ALSA is Linux only")
    environ = {k: v for k, v in os.environ.items() if k != "MEDITATE_DEVICE"}
    assert type(default_device(environ)).__name__ == "AlsaDevice"


class ReadingAheadDevice(ClockDevice):
    reads_ahead = 44100


def test_the_player_renders_what_the_device_reads_ahead_before_it_starts(write_session):
    from player.live.buffer import PcmBuffer
    from player.live.player import Player
    from player.prepare.session import load_prepared
    from player.session.timeline import compile_timeline
    from player.sound.render import Renderer, RenderOptions

    timeline = compile_timeline(
        load_prepared(write_session("title: T\nsteps:\n  - silence: 30s\n"))
    )
    buffer = PcmBuffer(Renderer(timeline, RenderOptions(ambient=False)))
    player = Player(timeline, buffer, ReadingAheadDevice(), preroll=44100 // 2)
    player._play_from(0)  # the sound starts; the thread rendering ahead has not
    assert buffer.ready_until(0) > 44100
    player.stop()
    buffer.close()


def test_it_reads_only_what_is_rendered_and_waits_for_the_rest() -> None:
    device = PacedPcm(period=500, periods=8)
    data = pcm_bytes(20_000)
    rendered = [1_200]  # frames of the sound rendered so far
    sound = AlsaSound(
        device, DeviceError, memoryview(data), 4000, 500, lambda frame: max(rendered[0], frame)
    )
    wait_for(lambda: device.held == 1_200)
    device.played(1_000)  # the card plays on; nothing more is rendered yet
    assert len(device.written) == 1_200 * 4
    rendered[0] = 20_000
    play_out(device, sound, data, 800)
    assert bytes(device.written) == data
