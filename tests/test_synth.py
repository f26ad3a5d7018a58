"""Specification of the synthesised sounds: ambient beds and bells."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from player.common.audio_format import SAMPLE_RATE
from player.session.catalog import BELL_SECONDS, DRONE_DEFAULT_PITCH_HZ, SYNTHS
from player.sound import beds, noise
from player.sound.beds import ambient_source
from player.sound.bells import bell_sound
from player.sound.loudness import integrated_lufs
from player.sound.noise import CHUNK_FRAMES

SR = SAMPLE_RATE
NOISES = ("brown-noise", "pink-noise", "white-noise")
BEDS_OF_NOISE = (*NOISES, "ocean", "rain")


@functools.cache
def rendered(name: str, seconds: float, seed: int = 0) -> np.ndarray:
    """The first `seconds` of a source as float64, rendered once per test session."""
    audio = ambient_source(name, seed=seed).render(0, round(seconds * SR)).astype(np.float64)
    audio.flags.writeable = False
    return audio


def db(value: float | np.ndarray) -> float | np.ndarray:
    return 20 * np.log10(value)


def rms(samples: np.ndarray, axis: int | None = None) -> float | np.ndarray:
    return np.sqrt(np.mean(samples**2, axis=axis))


def window_rms(mono: np.ndarray, frames: int) -> np.ndarray:
    whole = len(mono) // frames * frames
    return rms(mono[:whole].reshape(-1, frames), axis=1)


def peak_frequency(mono: np.ndarray, low: float = 20.0, high: float = 20000.0) -> float:
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    freqs = np.fft.rfftfreq(len(mono), 1 / SR)
    band = (freqs >= low) & (freqs <= high)
    return float(freqs[band][np.argmax(spectrum[band])])


# -- import cost


def test_importing_synth_does_not_import_scipy() -> None:
    # scipy.signal alone takes longer to import than playback may take to start
    code = "import player.sound.beds, player.sound.bells, sys; sys.exit('scipy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- the factory


@pytest.mark.parametrize("name", ["thunder", "synth:ocean", "", "Ocean"])
def test_an_unknown_synth_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown synth"):
        ambient_source(name)


@pytest.mark.parametrize("name", BEDS_OF_NOISE)
@pytest.mark.parametrize("option", ["pitch_hz", "beat_hz"])
def test_pitch_and_beat_are_refused_for_anything_but_the_drone(name: str, option: str) -> None:
    with pytest.raises(ValueError, match="only to the drone"):
        ambient_source(name, **{option: 6.0})


@pytest.mark.parametrize("pitch", [0.0, -136.1, float("nan"), float("inf")])
def test_a_drone_pitch_must_be_a_positive_frequency(pitch: float) -> None:
    with pytest.raises(ValueError, match="pitch"):
        ambient_source("drone", pitch_hz=pitch)


def test_a_negative_binaural_beat_is_refused() -> None:
    with pytest.raises(ValueError, match="beat"):
        ambient_source("drone", beat_hz=-6.0)


# -- position purity: a frame's value never depends on how the range is split


@pytest.mark.parametrize("name", SYNTHS)
def test_any_slice_of_a_long_render_equals_a_render_of_just_that_slice(name: str) -> None:
    source = ambient_source(name)
    whole = source.render(0, 3 * CHUNK_FRAMES + 1234)
    ranges = [(37000, 60000), (CHUNK_FRAMES - 5, CHUNK_FRAMES + 5), (0, 1), (2 * CHUNK_FRAMES - 1,)]
    for first, *last in ranges:
        end = last[0] if last else len(whole)
        beds.clear_caches()
        assert np.array_equal(source.render(first, end - first), whole[first:end])


@pytest.mark.parametrize("name", SYNTHS)
def test_consecutive_renders_of_any_lengths_join_into_one_render(name: str) -> None:
    source = ambient_source(name)
    lengths = [1000, 5000, 1, 0, 77777, CHUNK_FRAMES, 4096, 3, 44100]
    pieces, start = [], 0
    for length in lengths:
        pieces.append(source.render(start, length))
        start += length
    beds.clear_caches()
    assert np.array_equal(np.concatenate(pieces), source.render(0, start))


@pytest.mark.parametrize("name", SYNTHS)
def test_a_render_deep_into_a_day_long_session_is_pure_too(name: str) -> None:
    start = 4_000_000_000 - 1234
    source = ambient_source(name)
    audio = source.render(start, 3000)
    assert audio.shape == (3000, 2) and audio.dtype == np.float32
    assert np.all(np.isfinite(audio)) and np.abs(audio).max() > 0
    assert np.array_equal(source.render(start + 1000, 1000), audio[1000:2000])


def test_the_drone_stays_in_tune_24_hours_in() -> None:
    late = ambient_source("drone").render(3_800_000_000, 10 * SR)
    assert peak_frequency(late[:, 0].astype(np.float64)) == pytest.approx(
        DRONE_DEFAULT_PITCH_HZ, abs=0.2
    )


def test_an_empty_range_renders_no_frames() -> None:
    assert ambient_source("ocean").render(10**9, 0).shape == (0, 2)


@pytest.mark.parametrize(("start", "length"), [(-1, 10), (0, -1)])
def test_a_negative_start_or_length_is_refused(start: int, length: int) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        ambient_source("pink-noise").render(start, length)


def test_changing_a_rendered_block_does_not_change_later_renders() -> None:
    source = ambient_source("rain")
    first = source.render(1000, 2000)
    expected = first.copy()
    first[:] = 0.0
    assert np.array_equal(source.render(1000, 2000), expected)


# -- level, determinism, continuity


@pytest.mark.parametrize("name", SYNTHS)
def test_peaks_stay_below_0_9_and_every_sample_is_a_number(name: str) -> None:
    audio = rendered(name, 30)
    assert np.all(np.isfinite(audio))
    assert np.abs(audio).max() < 0.9


@pytest.mark.parametrize("name", SYNTHS)
def test_every_source_is_near_minus_20_lufs(name: str) -> None:
    loudness = integrated_lufs(rendered(name, 30))
    assert loudness == pytest.approx(-20.0, abs=1.5)


@pytest.mark.parametrize("name", SYNTHS)
def test_the_same_seed_gives_the_same_sound_and_another_seed_another(name: str) -> None:
    one = ambient_source(name, seed=1).render(50000, 20000)
    assert np.array_equal(one, ambient_source(name, seed=1).render(50000, 20000))
    assert not np.allclose(one, ambient_source(name, seed=2).render(50000, 20000), atol=1e-3)


@pytest.mark.parametrize("name", SYNTHS)
def test_chunk_boundaries_do_not_click(name: str) -> None:
    chunks = 12
    audio = ambient_source(name).render(0, chunks * CHUNK_FRAMES).astype(np.float64)
    jumps = np.abs(np.diff(audio, axis=0)).max(axis=1)
    near = np.zeros(len(jumps), dtype=bool)
    for boundary in range(CHUNK_FRAMES, chunks * CHUNK_FRAMES, CHUNK_FRAMES):
        near[boundary - 32 : boundary + 32] = True
    assert jumps[near].max() <= 1.05 * jumps[~near].max()


@pytest.mark.parametrize("name", ["white-noise", "pink-noise"])
def test_noise_level_does_not_pulse_at_the_chunk_rate(name: str) -> None:
    chunks = 40
    audio = ambient_source(name).render(0, chunks * CHUNK_FRAMES).astype(np.float64)
    power_by_phase = np.mean((audio**2).reshape(chunks, CHUNK_FRAMES, 2), axis=(0, 2))
    # segments crossfade over the first frames of each chunk; the joint is in their middle
    joint = power_by_phase[noise.CROSSFADE_FRAMES // 2 - 512 : noise.CROSSFADE_FRAMES // 2 + 512]
    middle = power_by_phase[CHUNK_FRAMES // 2 - 512 : CHUNK_FRAMES // 2 + 512]
    assert 10 * np.log10(joint.mean() / middle.mean()) == pytest.approx(0.0, abs=0.5)


# -- noise colours and stereo


@pytest.mark.parametrize(
    ("name", "db_per_octave"), [("white-noise", 0.0), ("pink-noise", -3.0), ("brown-noise", -6.0)]
)
def test_noise_spectra_fall_at_the_slope_their_colour_names(
    name: str, db_per_octave: float
) -> None:
    freqs, power = signal.welch(rendered(name, 10)[:, 0], SR, nperseg=16384)
    centres = 125.0 * 2.0 ** np.arange(7)  # 125 Hz to 8 kHz
    bands = [
        10 * np.log10(power[(freqs >= c / np.sqrt(2)) & (freqs < c * np.sqrt(2))].mean())
        for c in centres
    ]
    slope = np.polyfit(np.log2(centres), bands, 1)[0]
    assert slope == pytest.approx(db_per_octave, abs=1.5)


def test_brown_noise_has_no_dc_drift() -> None:
    audio = rendered("brown-noise", 30)
    second_means = audio.reshape(30, SR, 2).mean(axis=1)
    assert np.abs(second_means).max() < 0.05 * rms(audio)


@pytest.mark.parametrize("name", BEDS_OF_NOISE)
def test_noise_beds_are_wide_but_not_phasey(name: str) -> None:
    audio = rendered(name, 10)
    assert 0.2 < np.corrcoef(audio[:, 0], audio[:, 1])[0, 1] < 0.9
    bass = signal.sosfiltfilt(signal.butter(4, 150, fs=SR, output="sos"), audio, axis=0)
    assert np.corrcoef(bass[:, 0], bass[:, 1])[0, 1] > 0.5


# -- ocean


def test_ocean_swells_rise_and_fall_by_at_least_6_db_and_never_fall_silent() -> None:
    seconds = window_rms(rendered("ocean", 60).mean(axis=1), SR)
    assert db(seconds.max() / seconds.min()) >= 6.0
    assert db(seconds.min()) > -45.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ocean_waves_arrive_every_8_to_14_seconds(seed: int) -> None:
    level = db(window_rms(rendered("ocean", 180, seed).mean(axis=1), SR // 4))
    level -= level.mean()
    autocorrelation = np.correlate(level, level, "full")[len(level) - 1 :]
    lags = np.arange(len(autocorrelation)) / 4
    plausible = (lags > 4) & (lags < 25)
    assert 8.0 <= lags[plausible][np.argmax(autocorrelation[plausible])] <= 14.0


def test_ocean_is_brighter_on_the_crests_than_in_the_troughs() -> None:
    mono = rendered("ocean", 60).mean(axis=1)
    seconds = window_rms(mono, SR)

    def centroid(second: int) -> float:
        spectrum = np.abs(np.fft.rfft(mono[second * SR : (second + 1) * SR]))
        freqs = np.fft.rfftfreq(SR, 1 / SR)
        return float(np.sum(freqs * spectrum) / np.sum(spectrum))

    assert centroid(int(np.argmax(seconds))) > 1.5 * centroid(int(np.argmin(seconds)))


# -- rain


def test_rain_is_high_passed() -> None:
    freqs, power = signal.welch(rendered("rain", 10)[:, 0], SR, nperseg=16384)
    rumble = power[(freqs > 20) & (freqs < 100)].mean()
    patter = power[(freqs > 1000) & (freqs < 4000)].mean()
    assert 10 * np.log10(patter / rumble) > 20


def test_rain_droplets_are_scattered_a_few_times_a_second() -> None:
    onsets = [len(beds.droplets_in_chunk(0, index).onsets) for index in range(40)]
    per_second = sum(onsets) / (40 * CHUNK_FRAMES / SR)
    assert 8 <= per_second <= 25
    drops_only = beds.Rain(bed_rms=0.0).render(0, 20 * SR).mean(axis=1)
    silent = window_rms(drops_only, SR // 100) < 1e-5
    assert 0.2 < silent.mean() < 0.9


def test_a_droplet_that_straddles_a_chunk_boundary_rings_on_across_it() -> None:
    drops_only = beds.Rain(bed_rms=0.0).render(0, 40 * CHUNK_FRAMES)
    straddling = 0
    for boundary in range(CHUNK_FRAMES, 40 * CHUNK_FRAMES, CHUNK_FRAMES):
        before = np.abs(drops_only[boundary - 64 : boundary]).max()
        after = np.abs(drops_only[boundary : boundary + 64]).max()
        if before > 1e-3:
            straddling += 1
            assert after > 0.05 * before
    assert straddling >= 3


# -- drone


def test_the_drone_sounds_at_its_default_pitch() -> None:
    assert peak_frequency(rendered("drone", 10)[:, 0]) == pytest.approx(
        DRONE_DEFAULT_PITCH_HZ, abs=0.2
    )


def test_the_drone_pitch_can_be_chosen() -> None:
    audio = ambient_source("drone", pitch_hz=220.0).render(0, 10 * SR).astype(np.float64)
    assert peak_frequency(audio[:, 0]) == pytest.approx(220.0, abs=0.2)


def test_a_binaural_beat_detunes_the_right_ear_by_the_beat() -> None:
    audio = ambient_source("drone", beat_hz=6.0).render(0, 10 * SR).astype(np.float64)
    beat = peak_frequency(audio[:, 1]) - peak_frequency(audio[:, 0])
    assert beat == pytest.approx(6.0, abs=0.5)


def test_without_a_beat_both_ears_hear_the_same_drone() -> None:
    audio = rendered("drone", 5)
    assert np.array_equal(audio[:, 0], audio[:, 1])


def test_the_drone_harmonics_are_gentle() -> None:
    spectrum = np.abs(np.fft.rfft(rendered("drone", 10)[:, 0] * np.hanning(10 * SR)))
    freqs = np.fft.rfftfreq(10 * SR, 1 / SR)

    def level(hz: float) -> float:
        return float(spectrum[np.abs(freqs - hz) < 1].max())

    fundamental = level(DRONE_DEFAULT_PITCH_HZ)
    assert level(2 * DRONE_DEFAULT_PITCH_HZ) < fundamental / 2
    assert level(3 * DRONE_DEFAULT_PITCH_HZ) < fundamental / 4


def test_the_drone_breathes_slowly() -> None:
    seconds = db(window_rms(rendered("drone", 30)[:, 0], SR))
    assert 1.0 < seconds.max() - seconds.min() < 6.0


@pytest.mark.parametrize(("pitch", "beat"), [(4000.0, 4000.0), (0.5, None), (3000.0, 40.0)])
def test_the_drone_copes_with_any_pitch_the_loader_accepts(pitch: float, beat: float) -> None:
    audio = ambient_source("drone", pitch_hz=pitch, beat_hz=beat).render(0, SR)
    assert np.all(np.isfinite(audio)) and np.abs(audio).max() < 0.9


# -- bells


@pytest.mark.parametrize("name", BELL_SECONDS)
def test_a_bell_lasts_exactly_its_catalog_length(name: str) -> None:
    bell = bell_sound(name)
    assert bell.dtype == np.float32
    assert bell.shape == (round(BELL_SECONDS[name] * SR), 2)


@pytest.mark.parametrize("name", BELL_SECONDS)
def test_a_bell_starts_from_silence_and_fades_to_exactly_zero(name: str) -> None:
    bell = bell_sound(name)
    assert np.all(bell[0] == 0.0) and np.all(bell[-1] == 0.0)
    last_50_ms = np.abs(bell[-round(0.05 * SR) :]).max(axis=1)
    assert last_50_ms.max() < 0.01
    assert np.all(np.diff(window_rms(last_50_ms, 441)) < 0)


@pytest.mark.parametrize("name", BELL_SECONDS)
def test_a_bell_peaks_at_half_scale(name: str) -> None:
    assert np.abs(bell_sound(name)).max() == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize("name", BELL_SECONDS)
def test_a_bell_dies_away_steadily_after_the_first_second(name: str) -> None:
    energy = window_rms(bell_sound(name).astype(np.float64).mean(axis=1), SR)
    assert np.all(np.diff(energy[1:]) < 0)


@pytest.mark.parametrize("name", BELL_SECONDS)
def test_a_bell_is_the_same_every_time_and_cannot_be_changed_by_a_caller(name: str) -> None:
    bell = bell_sound(name)
    assert np.array_equal(bell, bell_sound(name))
    with pytest.raises(ValueError):
        bell[0, 0] = 1.0


def test_an_unknown_bell_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown bell"):
        bell_sound("gong")


@pytest.mark.parametrize(
    ("name", "strongest_hz", "partials_hz"),
    [
        # a bowl: inharmonic partials at about 1, 2.71, 5.13 and 8.05 times its fundamental
        ("singing-bowl", 196.0, (196.0, 531.2, 1005.5, 1577.8)),
        # a minor-third bell: hum, prime, minor third, fifth, and the nominal an octave up
        ("bell", 587.4, (146.9, 293.7, 352.4, 440.6, 587.4, 734.3, 881.1)),
        # a small bar chime: free-bar modes at 1, 2.756 and 5.404 times its fundamental
        ("chime", 1046.5, (1046.5, 2884.2, 5655.3)),
    ],
)
def test_a_bell_rings_with_its_partials_where_they_belong(
    name: str, strongest_hz: float, partials_hz: tuple[float, ...]
) -> None:
    strike = bell_sound(name)[: 2 * SR].astype(np.float64).mean(axis=1)
    assert peak_frequency(strike, 50.0, 12000.0) == pytest.approx(strongest_hz, rel=0.01)
    spectrum = np.abs(np.fft.rfft(strike * np.hanning(len(strike))))
    freqs = np.fft.rfftfreq(len(strike), 1 / SR)
    floor = np.median(spectrum[(freqs > 50) & (freqs < 12000)])
    for hz in partials_hz:
        assert spectrum[np.abs(freqs - hz) < 0.01 * hz].max() > 100 * floor, f"{hz} Hz"
