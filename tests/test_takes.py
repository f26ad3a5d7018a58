"""Takes from a stream of samples: the voice found, trimmed with handles, checked. No device:
the samples are made here, so every expected place is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from player.sound.takes import (
    FRAME,
    Listener,
    RawTake,
    Take,
    TakeDetector,
    TakeSettings,
    finish,
    level_dbfs,
)

RATE = 44100
SETTINGS = TakeSettings()


def burst(seconds: float, dbfs: float = -20.0, pitch: float = 180.0) -> np.ndarray:
    """A vowel-like sound: a tone with a few harmonics, at `dbfs` RMS."""
    t = np.arange(round(seconds * RATE)) / RATE
    wave = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in (1, 2, 3))
    return wave / np.sqrt(np.mean(wave**2)) * 32768 * 10 ** (dbfs / 20)


def stream(
    parts: list[tuple[str, float]], floor_dbfs: float = -60.0, seed: int = 1, **kw
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Quiet and voiced stretches (("quiet"|"voice", seconds)) over a noise floor; the input
    and where each voice is."""
    pieces, voices, at = [], [], 0
    for kind, seconds in parts:
        piece = burst(seconds, **kw) if kind == "voice" else np.zeros(round(seconds * RATE))
        if kind == "voice":
            voices.append((at, at + len(piece)))
        pieces.append(piece)
        at += len(piece)
    clean = np.concatenate(pieces)
    noise = np.random.default_rng(seed).normal(0, 32768 * 10 ** (floor_dbfs / 20), len(clean))
    return np.clip(np.round(clean + noise), -32768, 32767).astype(np.int16), voices


def takes(
    samples: np.ndarray, settings: TakeSettings = SETTINGS, chunk: int = FRAME, count: int = 10
) -> list[Take]:
    """Every take the detector finds, reading `samples` in blocks of `chunk`."""
    listener = Listener(settings)
    found: list[Take] = []
    detector = TakeDetector(listener)
    for at in range(0, len(samples), chunk):
        for start, frame in listener.frames(samples[at : at + chunk]):
            raw = detector.feed(start, frame)
            if raw is not None:
                found.append(finish(raw, settings))
                detector = TakeDetector(listener)
        if len(found) == count:
            break
    return found


def ms(frames: int) -> float:
    return frames / RATE * 1000


READING = [("quiet", 1.0), ("voice", 1.2), ("quiet", 3.0), ("voice", 0.6), ("quiet", 3.0),
           ("voice", 2.0), ("quiet", 4.0)]  # fmt: skip


def test_each_voice_is_one_take_exactly_as_heard_with_short_handles():
    samples, voices = stream(READING)
    found = takes(samples)
    assert len(found) == 3
    for take, (start, end) in zip(found, voices, strict=True):
        assert np.array_equal(take.samples, samples[take.offset : take.offset + len(take.samples)])
        assert take.reason == "silence"
        assert abs(ms(take.offset - (start - round(SETTINGS.pre * RATE)))) <= 10
        assert abs(ms(take.offset + len(take.samples) - (end + round(SETTINGS.post * RATE)))) <= 10
        assert take.problems(SETTINGS) == []
        assert take.dc_removed == 0


@pytest.mark.parametrize("chunk", [100, 441, 1000, 4096])
def test_the_takes_do_not_depend_on_how_the_device_hands_out_its_samples(chunk: int):
    samples, _ = stream(READING)
    reference = [(t.offset, len(t.samples)) for t in takes(samples)]
    assert [(t.offset, len(t.samples)) for t in takes(samples, chunk=chunk)] == reference


def test_a_pause_shorter_than_the_silence_keeps_the_take_going():
    samples, voices = stream([("quiet", 1.0), ("voice", 1.0), ("quiet", 1.0), ("voice", 1.0),
                              ("quiet", 3.0)])  # fmt: skip
    (take,) = takes(samples)
    assert take.offset < voices[0][0] and take.offset + len(take.samples) > voices[1][1]


def test_a_noisy_room_raises_the_thresholds_and_the_voice_is_still_found():
    samples, voices = stream(READING, floor_dbfs=-45.0)
    found = takes(samples)
    assert len(found) == 3
    for take, (start, _) in zip(found, voices, strict=True):
        assert take.voice is not None and abs(ms(take.voice[0] - start)) <= 20


def test_a_dc_offset_is_removed_and_only_it():
    samples, _ = stream(READING)
    shifted = (samples.astype(np.int32) + 300).astype(np.int16)
    found = takes(shifted)
    assert len(found) == 3
    for take in found:
        assert take.dc_removed == 300
        stretch = shifted[take.offset : take.offset + len(take.samples)].astype(np.int32)
        assert np.array_equal(take.samples.astype(np.int32), stretch - 300)


def test_a_take_that_clips_says_so_and_what_to_do():
    samples, _ = stream([("quiet", 1.0), ("voice", 1.0), ("quiet", 2.0)], dbfs=0.0)
    (take,) = takes(samples)
    assert take.clipped > 1000
    (problem,) = take.problems(SETTINGS)
    assert problem.startswith(f"it clipped ({take.clipped} samples at full scale)")
    assert "further from the microphone" in problem


def test_a_very_quiet_voice_says_so_and_what_to_do():
    samples, _ = stream([("quiet", 1.0), ("voice", 1.0), ("quiet", 2.0)], dbfs=-48.0,
                        floor_dbfs=-80.0)  # fmt: skip
    (take,) = takes(samples)
    (problem,) = take.problems(SETTINGS)
    assert problem == (
        "it is very quiet (the voice at -48 dBFS): record it again closer to the microphone "
        "or with its gain higher"
    )


@pytest.mark.parametrize("floor", [-60.0, None])
def test_silence_never_starts_a_take(floor: float | None):
    samples = (
        stream([("quiet", 5.0)], floor_dbfs=floor)[0] if floor else np.zeros(5 * RATE, np.int16)
    )
    listener = Listener(SETTINGS)
    detector = TakeDetector(listener)
    for start, frame in listener.frames(samples):
        assert detector.feed(start, frame) is None
    assert detector.waited == 500 - 20  # every frame after the 200 ms that learn the floor


def test_the_longest_take_ends_at_max():
    settings = TakeSettings(max_seconds=1.0)
    samples, _ = stream([("quiet", 1.0), ("voice", 5.0), ("quiet", 3.0)])
    take = takes(samples, settings, count=1)[0]
    assert take.reason == "max"
    assert take.voice is not None
    assert abs(ms(take.voice[1] - take.voice[0]) - 1000) <= 10


def test_space_starts_and_stops_a_take_and_one_without_a_voice_is_silent():
    samples, _ = stream([("quiet", 2.0)])
    listener = Listener(SETTINGS)
    detector = TakeDetector(listener)
    frames = listener.frames(samples)
    for start, frame in frames[:50]:
        detector.feed(start, frame)
    detector.start_now()
    for start, frame in frames[50:150]:
        assert detector.feed(start, frame) is None
    assert detector.recorded_seconds == pytest.approx(1.0)
    take = finish(detector.stop_now(), SETTINGS)
    assert take.silent and take.reason == "stopped"
    assert take.problems(SETTINGS) == [
        "nothing was heard: check that the microphone is on and not muted"
    ]


def test_a_take_started_by_space_is_still_trimmed_to_the_voice():
    samples, voices = stream([("quiet", 1.0), ("voice", 1.0), ("quiet", 0.5)])
    listener = Listener(SETTINGS)
    detector = TakeDetector(listener)
    frames = listener.frames(samples)
    for start, frame in frames[:30]:
        detector.feed(start, frame)
    detector.start_now()
    for start, frame in frames[30:]:
        assert detector.feed(start, frame) is None
    raw = detector.stop_now()
    assert isinstance(raw, RawTake) and raw.voice is not None
    take = finish(raw, SETTINGS)
    assert abs(ms(take.offset - (voices[0][0] - round(SETTINGS.pre * RATE)))) <= 10
    assert not take.silent


def test_levels():
    assert level_dbfs(np.zeros(10, np.int16)) == -120.0
    assert level_dbfs(np.full(10, 32767, np.int16)) == pytest.approx(0.0, abs=0.01)
    assert level_dbfs(np.round(burst(1.0, -30.0)).astype(np.int16)) == pytest.approx(-30, abs=0.1)
