"""Speech from text with the real espeak-ng: caching, voices, trimmed edges, phrases, errors."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import stat
import wave
from pathlib import Path

import numpy as np
import pytest

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.sound.speech import (
    EDGE_SECONDS,
    Voice,
    cached_speech,
    espeak_available,
    read_wav,
    split_phrases,
    split_sentences,
    synthesize,
)

TEXT = "Let your shoulders soften. Allow your heart to rest."


@pytest.fixture
def counted_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Puts a wrapper first on PATH that logs each espeak-ng call, then runs the real one."""
    real = shutil.which("espeak-ng")
    assert real, "these tests need espeak-ng installed"
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "calls.log"
    wrapper = folder / "espeak-ng"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def syntheses(log: Path) -> int:
    """espeak-ng runs that wrote speech, leaving out listings of its voices."""
    return sum(" -w " in line for line in log.read_text().splitlines()) if log.exists() else 0


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def test_cached_speech_synthesizes_once_and_then_reuses_the_file(
    tmp_path: Path, counted_espeak: Path
) -> None:
    cache = tmp_path / "cache"
    first = cached_speech(TEXT, Voice(), Cache(cache))
    made = first.stat().st_mtime_ns
    again = cached_speech(TEXT, Voice(), Cache(cache))
    assert again == first
    assert first.stat().st_mtime_ns == made
    assert syntheses(counted_espeak) == 1


def test_cached_speech_leaves_no_temporary_files(tmp_path: Path) -> None:
    clip = cached_speech(TEXT, Voice(), Cache(tmp_path))
    assert [path.name for path in clip.parent.iterdir()] == [clip.name]


def test_concurrent_callers_get_the_same_whole_file(tmp_path: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        calls = [pool.submit(cached_speech, TEXT, Voice(), Cache(tmp_path)) for _ in range(3)]
        results = [call.result() for call in calls]  # raises what any caller raised
    assert len(set(results)) == 1
    assert list(results[0].parent.iterdir()) == [results[0]]
    assert seconds(results[0]) > 2


def test_another_voice_gets_another_file(tmp_path: Path) -> None:
    low = cached_speech(TEXT, Voice(), Cache(tmp_path))
    high = cached_speech(TEXT, Voice(pitch=70), Cache(tmp_path))
    assert low != high
    assert low.read_bytes() != high.read_bytes()


def test_another_text_gets_another_file(tmp_path: Path) -> None:
    assert cached_speech("Breathe in.", Voice(), Cache(tmp_path)) != cached_speech(
        "Breathe out.", Voice(), Cache(tmp_path)
    )


def test_clip_is_mono_16_bit_with_short_silent_edges(tmp_path: Path) -> None:
    out = tmp_path / "clip.wav"
    synthesize(TEXT, Voice(), out)
    with wave.open(str(out), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
    samples, rate = read_wav(out)
    edge = round(EDGE_SECONDS * rate)
    frame = round(0.01 * rate)
    assert not samples[:edge].any() and not samples[-edge:].any()
    peak = np.abs(samples).max()
    assert np.abs(samples[edge : edge + frame]).max() > peak / 1000
    assert np.abs(samples[-edge - frame : -edge]).max() > peak / 1000


def test_sentence_pause_sets_the_silence_between_sentences(tmp_path: Path) -> None:
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    synthesize(TEXT, Voice(sentence_pause_ms=200), short)
    synthesize(TEXT, Voice(sentence_pause_ms=1700), long)
    assert seconds(long) - seconds(short) == pytest.approx(1.5, abs=0.1)


def test_default_voice_speaks_slowly(tmp_path: Path) -> None:
    text = (
        "Find a comfortable place to sit, and let your eyes gently close. "
        "Feel the weight of your body resting on the ground beneath you."
    )
    out = tmp_path / "clip.wav"
    synthesize(text, Voice(), out)
    words_per_minute = len(text.split()) / (seconds(out) - 2 * EDGE_SECONDS) * 60
    assert 100 <= words_per_minute <= 140  # espeak-ng speaks 210 at its default speed


def test_split_phrases_cuts_at_sentence_ends() -> None:
    assert split_phrases("Breathe in. Breathe out!  Are you here?\nYes, 3.5 times.") == [
        "Breathe in.",
        "Breathe out!",
        "Are you here?",
        "Yes, 3.5 times.",
    ]


def test_split_phrases_cuts_after_an_ellipsis_and_keeps_closing_quotes() -> None:
    assert split_phrases('Breathe in... and out. Say "I am here." Then rest.') == [
        "Breathe in...",
        "and out.",
        'Say "I am here."',
        "Then rest.",
    ]


def test_split_phrases_cuts_long_sentences_at_commas() -> None:
    sentence = (
        "From this union, love can flow outward freely, toward yourself, toward those "
        "you have loved, even toward those you have lost."
    )
    phrases = split_phrases(sentence)
    assert len(phrases) > 1
    assert " ".join(phrases) == sentence
    assert all(len(phrase.split()) >= 4 for phrase in phrases)


def test_split_sentences_leaves_commas_alone() -> None:
    assert split_sentences("Soften your jaw, and your eyes. Rest.") == [
        "Soften your jaw, and your eyes.",
        "Rest.",
    ]


def test_missing_espeak_is_a_user_error_with_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not espeak_available()
    with pytest.raises(MeditateError) as caught:
        cached_speech(TEXT, Voice(), Cache(tmp_path / "cache"))
    message = str(caught.value)
    assert "espeak-ng" in message and "apt-get install espeak-ng" in message
    assert "\n" not in message
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_unknown_voice_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(MeditateError, match="nosuchvoice"):
        synthesize(TEXT, Voice(name="nosuchvoice"), tmp_path / "x.wav")


def test_unknown_variant_is_a_user_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(MeditateError, match="nosuchvariant"):
        synthesize(TEXT, Voice(name="en-us+nosuchvariant"), tmp_path / "x.wav")


def test_empty_text_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(MeditateError, match="empty"):
        synthesize("  \n", Voice(), tmp_path / "x.wav")


def test_markup_in_text_is_spoken_as_text(tmp_path: Path) -> None:
    out, plain = tmp_path / "clip.wav", tmp_path / "plain.wav"
    synthesize("Rest & breathe <slowly>.", Voice(), out)
    synthesize("Rest & breathe.", Voice(), plain)
    assert seconds(out) > seconds(plain) + 0.3  # "slowly" was spoken, not taken as a tag
