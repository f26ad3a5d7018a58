"""Narration spoken from text: any engine, paced for meditation, through the one processing
chain, kept in the cache by everything that decides its sound.

A clip is made once: its text cut into phrases (pacing.py), the phrases spoken by the engine
as one batch, trimmed and joined with pauses, processed (voicing.py) and stored whole in the
cache, or not at all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.common.cache import Cache, code_version, key_of
from player.common.errors import MeditateError
from player.session.catalog import DEFAULT_ENGINE
from player.sound import pacing, voicing
from player.sound.engines import EngineVoice, SpeechFailure, engine_named
from player.sound.engines.base import Engine

#: The modules whose code decides what a clip sounds like: their source is in every key.
_SOUND_MODULES = (
    __name__,
    "player.sound.pacing",
    "player.sound.voicing",
    "player.sound.engines.base",
    "player.sound.engines.espeak",
    "player.sound.engines.festival",
    "player.sound.engines.flite",
    "player.sound.engines.piper",
    "player.sound.engines.kokoro",
    "player.sound.engines.kokoro_phonemes",
    "player.sound.engines.kokoro_worker",
)
#: Bump when pacing or processing changes what a clip holds: the bundled clips are remade.
SOUND_VERSION = 2
DEFAULT_RATE_WPM = 120
SLOWEST, FASTEST = 0.5, 2.0  # the engine speeds a rate may ask for, relative to the voice's own


@dataclass(frozen=True)
class Voice:
    """Who speaks, and how fast: an engine, one of its voices (None: its default) or a voice
    file, a pace in words per minute with the pauses, and for espeak-ng a pitch (0 to 99)."""

    engine: str = DEFAULT_ENGINE
    name: str | None = None
    model: Path | None = None
    rate_wpm: int = DEFAULT_RATE_WPM
    pitch: int | None = None

    def describe(self) -> str:
        if self.model or self.name:
            return f"{self.engine} voice {self.model or self.name}"
        return f"{self.engine}'s default voice"


@dataclass(frozen=True)
class Ready:
    """A voice found, with its engine, ready to speak."""

    voice: Voice
    engine: Engine
    found: EngineVoice

    @property
    def speed(self) -> float:
        return speed_for(self.voice.rate_wpm, self.found.seconds_per_word)


def speed_for(rate_wpm: int, seconds_per_word: float) -> float:
    """The engine speed (1: the voice's own) at which text paced with our pauses runs at
    `rate_wpm` words a minute, for text that pauses as much as the bundled narration."""
    speaking = 60.0 / rate_wpm - pacing.PAUSE_SECONDS_PER_WORD
    if speaking <= 0:
        return FASTEST
    return min(FASTEST, max(SLOWEST, seconds_per_word / speaking))


def prepare_voice(voice: Voice) -> Ready:
    """The voice found and checked: its engine installed, the voice there. Raises
    MeditateError (SpeechFailure, UnknownVoice) saying what is missing and what there is."""
    engine = engine_named(voice.engine)
    if voice.pitch is not None and not engine.takes_pitch:
        raise MeditateError(f"{engine.name} voices have no pitch setting: leave pitch out")
    if voice.model is not None and not engine.takes_model:
        raise MeditateError(f"{engine.name} takes no voice file (model): name a voice instead")
    engine.require()
    return Ready(voice, engine, engine.resolve(voice.name, voice.model))


def speech_key(text: str, ready: Ready) -> str:
    """A digest of everything that decides the clip spoken for `text`: the words, the engine,
    its version and voice (a voice file by its content), the settings and this code."""
    voice = ready.voice
    return key_of(
        "speech",
        " ".join(text.split()),
        ready.engine.name,
        ready.found.identity,
        ready.found.name,
        voice.rate_wpm,
        voice.pitch,
        code_version(*_SOUND_MODULES),
    )


def speech_file(text: str, ready: Ready, cache: Cache) -> Path:
    """Where the clip of `text` spoken by `ready` is kept, whether it is made yet or not."""
    return cache.file("speech", speech_key(text, ready), ".wav")


def estimated_seconds(text: str, ready: Ready) -> float:
    """How long the clip of `text` spoken by `ready` is expected to last: its words at the
    voice's calibrated pace and speed, with the pauses and edges of its pacing. A pure
    function of the text and the voice, so that a timeline can be planned before it is
    spoken (see player.session.layout). Raises UnspeakableText."""
    phrases = pacing.paced_phrases(text)
    words = sum(pacing.words(phrase.text) for phrase in phrases)
    return words * ready.found.seconds_per_word / ready.speed + pacing.pause_seconds(phrases)


def cached_speech(text: str, voice: Voice, cache: Cache) -> Path:
    """The WAV of `text` spoken by `voice`, made only if the cache does not hold it yet."""
    return cached_speeches([text], voice, cache)[0]


def cached_speeches(
    texts: Sequence[str],
    voice: Voice,
    cache: Cache,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """The WAV of each text, spoken by one engine run for all that the cache does not hold.

    Each file appears whole or not at all: callers racing on the same text each write their
    own temporary file, and the last rename wins with the same content.
    """
    ready = prepare_voice(voice)
    paced = [pacing.paced_phrases(text) for text in texts]
    targets = [speech_file(text, ready, cache) for text in texts]
    first = {target: i for i, target in reversed(list(enumerate(targets)))}
    missing = sorted(i for target, i in first.items() if not target.is_file())
    if missing:
        make_clips(ready, [paced[i] for i in missing], [targets[i] for i in missing], cache,
                   progress)  # fmt: skip
    return targets


def make_clips(
    ready: Ready,
    paced: list[list[pacing.Phrase]],
    targets: list[Path],
    cache: Cache,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Speak every phrase of every clip in one batch, then join, process and store each."""
    clips = speak_clips(ready, paced, progress)
    for (samples, rate), target in zip(clips, targets, strict=True):
        with cache.storing("speech", target.stem, target.suffix) as partial:
            pacing.write_wav(partial, samples, rate)


def speak_clips(
    ready: Ready,
    paced: list[list[pacing.Phrase]],
    progress: Callable[[int], None] | None = None,
) -> list[tuple[np.ndarray, int]]:
    """Each clip spoken, paced and processed: 16-bit samples and their rate."""
    everything = [phrase.text for phrases in paced for phrase in phrases]
    clips = []
    with tempfile.TemporaryDirectory(prefix="meditate-speech-") as work:
        wavs = ready.engine.speak(everything, ready.found, ready.speed, ready.voice.pitch,
                                  Path(work))  # fmt: skip
        spoken = [_read_phrase(wav, ready.engine.name) for wav in wavs]
        start = 0
        for phrases in paced:
            mine = spoken[start : start + len(phrases)]
            start += len(phrases)
            rate = mine[0][1]
            if any(r != rate for _, r in mine):
                raise SpeechFailure(f"{ready.engine.name} spoke phrases at different rates")
            samples = [s for s, _ in mine]
            joined = pacing.join_phrases(samples, phrases, rate)
            if not np.any(joined):
                text = " ".join(p.text for p in phrases)[:40]
                raise SpeechFailure(f"{ready.engine.name} spoke nothing for {text!r}")
            processed = voicing.process(joined, rate, ready.engine.name,
                                        shape=ready.engine.shaped)  # fmt: skip
            clips.append((voicing.to_pcm16(processed), rate))
            if progress:
                progress(1)
    return clips


def _read_phrase(wav: Path, engine: str) -> tuple[np.ndarray, int]:
    try:
        return pacing.read_wav(wav)
    except (OSError, EOFError, ValueError) as error:
        raise SpeechFailure(f"{engine} wrote speech that cannot be read: {error}") from None
