"""The renderer: placement, levels, fades, loops, ducking, limiting, and exact repeatability."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest
from measure import decoded, rms_db

from player.common.audio_format import SAMPLE_RATE
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.decode import decode
from player.sound.render import BLOCK, Renderer, RenderOptions


def render_all(path: Path, options: RenderOptions | None = None) -> np.ndarray:
    renderer = Renderer(compile_timeline(load_prepared(path)), options)
    return renderer.pcm(0, renderer.length)


def write_samples(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    import wave

    data = np.clip(np.rint(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1 if data.ndim == 1 else data.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())
    return path


def sine(seconds: float, frequency: float = 440.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return amplitude * np.sin(2 * np.pi * frequency * t)


def test_a_click_at_12_345_s_lands_on_its_exact_sample(write_session, tmp_path) -> None:
    click = np.zeros(441)
    click[0] = 0.5
    write_samples(tmp_path / "click.wav", click)
    path = write_session("title: T\nsteps:\n  - silence: 12.345\n  - narration: click.wav\n")
    pcm = render_all(path)
    assert int(np.argmax(np.abs(pcm[:, 0]))) == round(12.345 * 44100)


@pytest.mark.parametrize(
    ("codec_args", "suffix", "rate", "channels"),
    [
        (["-c:a", "pcm_u8"], "wav", 22050, 1),
        (["-c:a", "pcm_s16le"], "wav", 48000, 2),
        (["-c:a", "pcm_s24le"], "wav", 44100, 1),
        (["-c:a", "libmp3lame", "-b:a", "192k"], "mp3", 44100, 2),
        (["-c:a", "libvorbis"], "ogg", 32000, 1),
        (["-c:a", "flac"], "flac", 96000, 2),
        (["-c:a", "aac", "-b:a", "160k"], "m4a", 48000, 2),
    ],
)
def test_clips_of_any_format_rate_and_layout_become_44k_stereo(
    tmp_path, codec_args, suffix, rate, channels
) -> None:
    source = tmp_path / f"tone.{suffix}"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=f=1000:d=2:r={rate}",
         "-af", "volume=0.5", "-ac", str(channels), *codec_args, str(source)],
        check=True,
    )  # fmt: skip
    frames = decode(source)
    assert frames.dtype == np.float32 and frames.shape[1] == 2
    assert abs(len(frames) - 2 * SAMPLE_RATE) < 0.06 * SAMPLE_RATE
    middle = frames[SAMPLE_RATE // 2 : SAMPLE_RATE]
    spectrum = np.abs(np.fft.rfft(middle[:, 0]))
    assert np.argmax(spectrum) * SAMPLE_RATE / len(middle) == pytest.approx(1000, abs=3)
    # a mono clip plays at full level on both sides
    reference = decoded(source, channels)[SAMPLE_RATE // 2 : SAMPLE_RATE]
    for side in (0, 1):
        assert rms_db(middle[:, side]) == pytest.approx(
            rms_db(reference[:, side % channels]), abs=0.2
        )
    assert np.array_equal(middle[:, 0], middle[:, 1]) or channels == 2


def test_narration_is_brought_to_one_loudness_then_offset_by_its_volume(write_session, tmp_path):
    write_samples(tmp_path / "quiet.wav", sine(2.0, amplitude=0.02))
    write_samples(tmp_path / "loud.wav", sine(2.0, amplitude=0.4))
    path = write_session(
        """
        title: T
        steps:
          - narration: quiet.wav
          - narration: loud.wav
          - narration: loud.wav
            volume: -6 dB
        """
    )
    pcm = render_all(path, RenderOptions(ambient=False))
    second = 2 * SAMPLE_RATE
    quiet, loud, softer = (pcm[i * second + 4410 : (i + 1) * second - 4410] for i in range(3))
    assert rms_db(quiet) == pytest.approx(rms_db(loud), abs=0.1)
    assert rms_db(loud) - rms_db(softer) == pytest.approx(6.0, abs=0.1)


def test_fades_rise_from_silence_and_fall_to_it(write_session, tmp_path) -> None:
    write_samples(tmp_path / "tone.wav", sine(3.0, amplitude=0.3))
    path = write_session(
        "title: T\nsteps:\n  - narration: tone.wav\n    fade_in: 1s\n    fade_out: 500ms\n"
    )
    pcm = render_all(path).astype(np.float64)
    windows = [rms_db(pcm[i : i + 441]) for i in range(0, SAMPLE_RATE, 441)]
    assert windows[0] < windows[-1] - 30
    assert all(b >= a - 0.5 for a, b in itertools.pairwise(windows))
    assert np.max(np.abs(pcm[-20:])) <= 2  # only dither at the very end


def test_a_looped_file_bed_has_no_seam(write_session, tmp_path) -> None:
    # 1.2345 s of 440 Hz does not hold whole cycles: a naive loop would jump at the seam
    write_samples(tmp_path / "bed.wav", sine(1.2345, amplitude=0.3))
    path = write_session(
        """
        title: T
        ambient:
          - sound: bed.wav
            volume: 0 dB
            fade_in: 0
            fade_out: 0
        steps:
          - silence: 6s
        """
    )
    pcm = render_all(path).astype(np.float64)[:, 0]
    steps = np.abs(np.diff(pcm))
    own = 2 * np.pi * 440 / SAMPLE_RATE * np.max(np.abs(pcm))
    assert steps.max() <= own * 1.02 + 2


def test_ducking_lowers_the_bed_under_narration_with_smooth_ramps(write_session, tmp_path):
    # narration barely above silence: 1 LSB of noise, so only the bed is heard
    hush = np.random.default_rng(2).integers(-1, 2, 3 * SAMPLE_RATE) / 32767
    write_samples(tmp_path / "hush.wav", hush)
    session = """
        title: T
        ambient:
          - sound: synth:pink-noise
            duck: {duck} dB
            volume: 0 dB
            fade_in: 0
            fade_out: 0
        steps:
          - silence: 8s
          - narration: hush.wav
          - silence: 8s
        """
    ducked = render_all(write_session(session.format(duck=12), "a.yaml")).astype(np.float64)
    level = render_all(write_session(session.format(duck=0), "b.yaml")).astype(np.float64)
    loud = np.abs(level[:, 0]) > 2000  # where the bed is far above the dither
    gain_db = 20 * np.log10(np.abs(ducked[loud, 0]) / np.abs(level[loud, 0]))
    position = np.flatnonzero(loud) / SAMPLE_RATE
    assert np.all(np.abs(gain_db[position < 7.0]) < 0.05)
    assert np.all(np.abs(gain_db[(position > 8.0) & (position < 11.0)] + 12) < 0.05)
    assert np.all(np.abs(gain_db[position > 12.6]) < 0.05)
    bins = (position * 100).astype(int)  # 10 ms bins
    envelope = [np.median(gain_db[bins == b]) for b in np.unique(bins)]
    assert np.max(np.abs(np.diff(envelope))) < 0.5  # a ramp of 12 dB over 0.8 s, not a step


def test_nothing_clips_however_loud_the_clip(write_session, tmp_path) -> None:
    square = np.sign(sine(2.0, 100.0, 1.0)) * 0.999
    write_samples(tmp_path / "square.wav", square)
    path = write_session("title: T\nsteps:\n  - narration: square.wav\n    volume: +12 dB\n")
    pcm = render_all(path)
    ceiling = 10 ** (-2 / 20) * 32767
    assert np.max(np.abs(pcm.astype(np.int32))) <= ceiling + 2


def test_builtin_bells_ring_for_their_length_and_fade_to_silence(write_session) -> None:
    path = write_session("title: T\nsteps:\n  - bell: chime\n  - bell: singing-bowl\n")
    pcm = render_all(path, RenderOptions(ambient=False)).astype(np.float64)
    assert len(pcm) == 17 * SAMPLE_RATE
    chime, bowl = pcm[: 5 * SAMPLE_RATE], pcm[5 * SAMPLE_RATE :]
    assert rms_db(chime[: SAMPLE_RATE // 2]) > rms_db(chime[-SAMPLE_RATE // 2 :]) + 20
    assert np.max(np.abs(chime[-100:])) <= 2 and np.max(np.abs(bowl[-100:])) <= 2


def test_rendering_is_deterministic_and_independent_of_where_it_starts(write_session, tmp_path):
    write_samples(tmp_path / "tone.wav", sine(5.0, amplitude=0.5))
    path = write_session(
        """
        title: T
        ambient:
          - sound: synth:ocean
            duck: 6 dB
          - sound: synth:drone
            beat: 5
        steps:
          - bell: bell
          - narration: tone.wav
            volume: +10 dB
          - silence: 20s
        """
    )
    whole = render_all(path)
    assert np.array_equal(whole, render_all(path))
    timeline = compile_timeline(load_prepared(path))
    rng = np.random.default_rng(7)
    for _ in range(6):
        start = int(rng.integers(0, len(whole) - 1))
        end = int(rng.integers(start + 1, min(start + 3 * BLOCK, len(whole)) + 1))
        assert np.array_equal(Renderer(timeline).pcm(start, end), whole[start:end])
    pieces = []
    renderer = Renderer(timeline)
    position = 0
    for size in rng.integers(1, 30000, size=10_000):
        if position >= len(whole):
            break
        pieces.append(renderer.pcm(position, position + int(size)))
        position += int(size)
    assert np.array_equal(np.concatenate(pieces), whole)


def test_options_drop_ambient_or_bells_without_moving_anything(write_session, tmp_path):
    write_samples(tmp_path / "tone.wav", sine(1.0))
    path = write_session(
        """
        title: T
        ambient:
          - sound: synth:brown-noise
        steps:
          - bell: chime
          - narration: tone.wav
          - silence: 2s
        """
    )
    full = render_all(path).astype(np.float64)
    quiet = render_all(path, RenderOptions(ambient=False, bells=False)).astype(np.float64)
    assert len(full) == len(quiet)
    assert np.max(np.abs(quiet[: 5 * SAMPLE_RATE])) <= 1  # no bell, no bed: only dither
    assert rms_db(quiet[5 * SAMPLE_RATE + 4410 : 6 * SAMPLE_RATE - 4410]) > 60
    softer = render_all(path, RenderOptions(ambient_offset_db=-10)).astype(np.float64)
    tail = slice(7 * SAMPLE_RATE, 7 * SAMPLE_RATE + SAMPLE_RATE // 2)
    bed_only = rms_db(full[tail])
    assert bed_only - rms_db(softer[tail]) == pytest.approx(10, abs=0.5)


def test_a_bed_joined_part_way_fades_in_rather_than_starting_at_full_level(write_session):
    path = write_session(
        "title: T\nambient:\n  - sound: synth:pink-noise\n    volume: -10 dB\n"
        "steps:\n  - silence: 1m\n"
    )
    timeline = compile_timeline(load_prepared(path))
    start = 30 * SAMPLE_RATE
    joined = Renderer(timeline, RenderOptions(start=start)).pcm(start, start + 3 * SAMPLE_RATE)
    whole = Renderer(timeline).pcm(start, start + 3 * SAMPLE_RATE)
    first = rms_db(joined[:2205].astype(np.float64))  # the first 50 ms
    assert first < rms_db(whole[:2205].astype(np.float64)) - 20
    tail = slice(2 * SAMPLE_RATE + 100, 3 * SAMPLE_RATE)
    assert np.array_equal(joined[tail], whole[tail])  # after two seconds, the bed as it is
