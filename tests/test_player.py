"""Pause, resume, skip and back, with a fake device and a fake clock at the device edge."""

from __future__ import annotations

import numpy as np
import pytest

from player.common.audio_format import SAMPLE_RATE
from player.live.buffer import PcmBuffer
from player.live.devices import ClockDevice
from player.live.player import Player
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.render import Renderer, RenderOptions

SESSION = """
title: Chapters
steps:
  - silence: 10s
  - chapter: One
  - silence: 20s
  - chapter: Two
  - silence: 20s
  - chapter: Three
  - silence: 20s
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingDevice(ClockDevice):
    """Remembers where each play started in the buffer."""

    def __init__(self, clock: FakeClock, length: int) -> None:
        super().__init__(clock)
        self.length = length
        self.starts: list[int] = []

    def play(self, pcm, rendered=None):
        self.starts.append(self.length - len(pcm) // 4)
        return super().play(pcm, rendered)


@pytest.fixture
def player(write_session):
    timeline = compile_timeline(load_prepared(write_session(SESSION)))
    clock = FakeClock()
    buffer = PcmBuffer(Renderer(timeline, RenderOptions(ambient=False)))
    device = RecordingDevice(clock, timeline.length)
    player = Player(timeline, buffer, device, clock=clock, preroll=SAMPLE_RATE)
    player.start(0)
    yield player
    player.stop()
    buffer.close()


def seconds(player: Player) -> float:
    return player.position() / SAMPLE_RATE


def test_position_follows_the_clock_while_playing(player) -> None:
    player.clock.advance(12.5)
    assert player.position() == round(12.5 * SAMPLE_RATE)
    assert player.chapter_index() == 1  # One: the Opening before it is chapter 0


def test_pause_holds_the_position_and_resume_goes_on_from_it(player) -> None:
    player.clock.advance(7.0)
    player.toggle_pause()
    player.clock.advance(100.0)
    assert seconds(player) == 7.0 and player.paused
    player.toggle_pause()
    assert player.device.starts[-1] == 7 * SAMPLE_RATE
    player.clock.advance(3.0)
    assert seconds(player) == 10.0
    assert player.heard_frames() == 10 * SAMPLE_RATE  # the pause added nothing


def test_what_is_skipped_is_not_heard_and_what_is_heard_twice_counts_once(player) -> None:
    player.clock.advance(15.0)
    player.next_chapter()  # 15 s heard, on from 30 s
    player.clock.advance(5.0)
    assert player.heard_frames() == 20 * SAMPLE_RATE
    player.seek(20 * SAMPLE_RATE)  # back over ten seconds not yet heard, and five that were
    player.clock.advance(15.0)
    assert player.heard_frames() == 30 * SAMPLE_RATE


def test_next_goes_to_the_start_of_the_next_chapter(player) -> None:
    player.clock.advance(15.0)
    player.next_chapter()
    assert seconds(player) == 30.0 and player.device.starts[-1] == 30 * SAMPLE_RATE
    player.next_chapter()
    assert seconds(player) == 50.0
    player.next_chapter()  # past the last chapter: the end
    assert player.finished()


def test_back_restarts_the_chapter_when_more_than_3_s_in(player) -> None:
    player.clock.advance(35.0)  # 5 s into chapter Two
    player.previous_chapter()
    assert seconds(player) == 30.0


def test_back_goes_to_the_previous_chapter_when_just_started(player) -> None:
    player.clock.advance(32.0)  # 2 s into chapter Two
    player.previous_chapter()
    assert seconds(player) == 10.0
    player.clock.advance(1.0)
    player.previous_chapter()  # 1 s into the first chapter: the very start
    assert seconds(player) == 0.0


def test_skipping_while_paused_stays_paused(player) -> None:
    player.clock.advance(5.0)
    player.toggle_pause()
    plays = len(player.device.starts)
    player.next_chapter()
    player.clock.advance(30.0)
    assert seconds(player) == 10.0 and len(player.device.starts) == plays
    player.toggle_pause()
    assert player.device.starts[-1] == 10 * SAMPLE_RATE


def test_it_finishes_when_the_sound_has_played_out(player) -> None:
    player.clock.advance(69.9)
    assert not player.finished()
    player.clock.advance(0.2)
    assert player.finished()


def test_stopping_fades_the_sound_out_instead_of_cutting_it(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "tone.wav", 10.0, amplitude=0.5)
    timeline = compile_timeline(
        load_prepared(write_session("title: T\nsteps:\n  - narration: tone.wav\n"))
    )
    clock = FakeClock()
    buffer = PcmBuffer(Renderer(timeline, RenderOptions(ambient=False)))
    player = Player(timeline, buffer, RecordingDevice(clock, timeline.length), clock=clock)
    player.start(0)
    clock.advance(2.0)
    buffer.render_range(0, 4 * SAMPLE_RATE)  # what the render thread may not have reached
    before = np.frombuffer(buffer.memory, "<i2").reshape(-1, 2).copy()
    silent = player.fade_out(1.0)
    after = np.frombuffer(buffer.memory, "<i2").reshape(-1, 2)
    begin = round(2.25 * SAMPLE_RATE)  # just ahead of what the device may have read
    assert silent == begin + SAMPLE_RATE
    assert np.array_equal(after[:begin], before[:begin])  # what was heard is not touched
    quarters = [np.abs(after[begin + q * 11025 : begin + (q + 1) * 11025]).max() for q in range(4)]
    assert quarters == sorted(quarters, reverse=True) and quarters[0] > 4 * quarters[3]
    assert not after[silent : silent + SAMPLE_RATE].any()
    player.stop()
    buffer.close()


class FailingSound:
    """The ALSA device's sound after the card failed: it has ended, and says why."""

    failure = "No such device [default]"

    def is_playing(self) -> bool:
        return False

    def stop(self) -> None:
        pass


def test_a_device_that_fails_while_playing_is_reported_not_taken_for_the_end(player) -> None:
    from player.live.devices import DeviceLost

    player.state.sound = FailingSound()
    with pytest.raises(DeviceLost, match=r"stopped working \(ALSA: No such device \[default\]\)"):
        player.finished()  # what the listening loop asks first
    with pytest.raises(DeviceLost):
        player.keep_up()
