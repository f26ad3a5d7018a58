"""Pacing for meditation, the same for every engine: text cut into phrases at its punctuation,
each phrase spoken on its own, trimmed, and joined with pauses.

No engine pauses well by itself (Piper has no pause markup and none after a comma), so the
pauses are ours: PAUSE_SENTENCE after a sentence, PAUSE_CLAUSE after a comma, semicolon,
colon or dash when the words on both sides are at least MIN_CLAUSE_WORDS (so "Now, gently,"
stays one phrase), and EDGE_SECONDS of silence before the first and after the last sound.
"""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.common.errors import MeditateError

EDGE_SECONDS = 0.15
PAUSE_CLAUSE = 0.8
PAUSE_SENTENCE = 1.2
MIN_CLAUSE_WORDS = 3
#: The longest text one narration step may speak: about five minutes of speech. Longer
#: text is better split into steps, and no engine is kept busy for many minutes.
MAX_TEXT_CHARACTERS = 4000
#: Seconds of pause (and edges) per word over all the bundled narration texts, paced as
#: above: what a voice's speaking speed must leave room for to reach a pace in words per
#: minute, pauses included. Measured by `benchmarks/voice.py --calibrate`.
PAUSE_SECONDS_PER_WORD = 0.133

_FRAME_SECONDS = 0.01
_SOUND_BELOW_PEAK_DB = 45.0  # a 10 ms frame this far below the loudest one counts as silence
_SOUND_FLOOR_DBFS = -60.0  # ... and so does any frame quieter than this

_CLOSERS = "\"')\\]\u201d\u2019"  # quotes and brackets that may follow a full stop
_DASHES = "\u2013\u2014"
_SENTENCE_END = re.compile(rf"(?:[.!?]+|\u2026)[{_CLOSERS}]*(?=\s|$)")
_CLAUSE_END = re.compile(rf"[,;:{_DASHES}](?=\s)|\s[-{_DASHES}]+(?=\s)")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Phrase:
    text: str
    pause_after: float  # seconds of silence after it (none after the last)


class UnspeakableText(MeditateError):
    """Text no engine should be asked to speak: empty, without words, or far too long."""


def paced_phrases(text: str) -> list[Phrase]:
    """The phrases of `text` and the pause after each. Raises UnspeakableText."""
    check_speakable(text)
    phrases: list[Phrase] = []
    for sentence in split_after(text, _SENTENCE_END):
        clauses: list[str] = []
        for clause in split_after(sentence, _CLAUSE_END):
            if clauses and (
                words(clause) < MIN_CLAUSE_WORDS or words(clauses[-1]) < MIN_CLAUSE_WORDS
            ):
                clauses[-1] = f"{clauses[-1]} {clause}"
            else:
                clauses.append(clause)
        for index, clause in enumerate(clauses):
            last = index == len(clauses) - 1
            pause = PAUSE_SENTENCE if last else PAUSE_CLAUSE
            if _WORD.search(clause):
                phrases.append(Phrase(clause, pause))
            elif phrases:  # a stray mark ("..." or "-") adds no phrase of its own
                phrases[-1] = Phrase(phrases[-1].text, max(phrases[-1].pause_after, pause))
    return [*phrases[:-1], Phrase(phrases[-1].text, 0.0)]


def check_speakable(text: str) -> None:
    if not text.strip():
        raise UnspeakableText("the narration text is empty: there is nothing to speak")
    if len(text) > MAX_TEXT_CHARACTERS:
        raise UnspeakableText(
            f"the narration text is {len(text)} characters long; one step may speak at most "
            f"{MAX_TEXT_CHARACTERS}: split it into several narration steps"
        )
    if not _WORD.search(text):
        shown = " ".join(text.split())[:40]
        raise UnspeakableText(f"the narration text {shown!r} has no words to speak")


def pause_seconds(phrases: list[Phrase]) -> float:
    """The silence pacing adds to a clip: the pauses and both edges."""
    return sum(p.pause_after for p in phrases) + 2 * EDGE_SECONDS


def split_after(text: str, boundary: re.Pattern[str]) -> list[str]:
    pieces, start = [], 0
    for match in boundary.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def words(text: str) -> int:
    return len(text.split())


def join_phrases(spoken: list[np.ndarray], phrases: list[Phrase], rate: int) -> np.ndarray:
    """The trimmed phrases with their pauses between, and EDGE_SECONDS either side."""
    edge = np.zeros(round(EDGE_SECONDS * rate), dtype=np.int16)
    parts = [edge]
    for samples, phrase in zip(spoken, phrases, strict=True):
        sound = trim(samples, rate)
        if sound.size:
            parts.append(sound)
            parts.append(np.zeros(round(phrase.pause_after * rate), dtype=np.int16))
    parts.append(edge)
    return np.concatenate(parts)


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """From the first to the last sound of `samples`: a 10 ms frame within 45 dB of the
    loudest one and above -60 dBFS. Empty when nothing is loud enough."""
    frame = max(1, round(_FRAME_SECONDS * rate))
    count = len(samples) // frame
    if count == 0:
        return samples[:0]
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame) / 32768.0
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)
    loud = np.flatnonzero(level > max(level.max() - _SOUND_BELOW_PEAK_DB, _SOUND_FLOOR_DBFS))
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] * frame : min(len(samples), (loud[-1] + 1) * frame)]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """The samples of a 16-bit mono WAV and its rate. Raises ValueError for anything else."""
    with wave.open(str(path), "rb") as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise ValueError(f"{path.name}: expected 16-bit mono")
        data = reader.readframes(reader.getnframes())
        return np.frombuffer(data, dtype="<i2").copy(), reader.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.astype("<i2").tobytes())
