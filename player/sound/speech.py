"""Text to speech with espeak-ng: a calm voice, phrase pauses, trimmed edges, a content cache."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from player.common.cache import Cache, code_version, key_of
from player.common.errors import MeditateError

#: Bump when synthesis or trimming changes what a clip for the same text and voice holds.
FORMAT_VERSION = 1

EDGE_SECONDS = 0.15  # silence kept before the first and after the last sound of a clip
_FRAME_SECONDS = 0.01
_SOUND_BELOW_PEAK_DB = 45.0  # a 10 ms frame this far below the loudest one counts as silence
_SOUND_FLOOR_DBFS = -60.0  # ... and so does any frame quieter than this

INSTALL_HINT = (
    "espeak-ng is needed to speak narration from text but was not found on PATH; install it "
    "(Debian/Ubuntu: apt-get install espeak-ng; Fedora: dnf install espeak-ng; "
    "macOS: brew install espeak-ng)"
)

# Milliseconds one unit of espeak-ng's -g (word gap) lasts at a speed in words per minute,
# measured with espeak-ng 1.51: the unit is 10 ms only nominally and stretches as speech slows.
_GAP_MS_PER_UNIT = ((80, 40.4), (90, 35.95), (100, 31.17), (110, 27.34), (120, 24.28),
                    (130, 21.21), (150, 17.24), (175, 13.52))  # fmt: skip

_CLOSERS = "\"')\\]\u201d\u2019"  # quotes and brackets that may follow a full stop
_DASHES = "\u2013\u2014"
_SENTENCE_END = re.compile(rf"(?:[.!?]+|\u2026)[{_CLOSERS}]*(?=\s)")
_CLAUSE_END = re.compile(rf"[,;:{_DASHES}](?=\s)|\s[-{_DASHES}]+(?=\s)")
MAX_PHRASE_WORDS = 14
MIN_PHRASE_WORDS = 4


@dataclass(frozen=True)
class Voice:
    """How espeak-ng speaks; the defaults were chosen by measurement, not by ear.

    `en-us+f5`, a breathy female variant, stayed the most intelligible of espeak-ng's English
    voices to a speech recogniser (pocketsphinx) when slowed down and lowered. At speed 120,
    pitch 28 (about 160 Hz) and 1.2 s between sentences, the bundled narration runs at 120
    words per minute, pauses included. Word gaps made speech choppier and less intelligible
    than the same pace reached through longer pauses between sentences, so none by default.
    """

    name: str = "en-us+f5"
    rate_wpm: int = 120  # espeak-ng -s, 80 to 450
    pitch: int = 28  # espeak-ng -p, 0 to 99
    word_gap_ms: int = 0  # rounded to espeak-ng's unit: about 24 ms at 120 words per minute
    sentence_pause_ms: int = 1200  # silence between the sentences of one clip


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(text: str, voice: Voice, out_wav: Path) -> None:
    """Speak `text` into a 16-bit mono WAV at `out_wav`, with EDGE_SECONDS of silence each side."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise MeditateError(INSTALL_HINT)
    if not text.strip():
        raise MeditateError("narration text is empty: there is nothing to speak")
    _check_variant(executable, voice.name)
    with tempfile.TemporaryDirectory(prefix="meditate-speech-") as work:
        raw = Path(work) / "raw.wav"
        done = subprocess.run(
            [executable, "-m", "--stdin", "-w", str(raw), *espeak_options(voice)],
            input=to_ssml(text, voice.sentence_pause_ms),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not raw.is_file():
            reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise MeditateError(f"espeak-ng could not speak with voice {voice.name!r}: {reason}")
        samples, rate = read_wav(raw)
    write_wav(out_wav, trim_silence(samples, rate), rate)


def speech_key(text: str, voice: Voice) -> str:
    """A digest of everything that decides the clip spoken for `text`: the words, the voice,
    this module's code and the engine's version."""
    return key_of("speech", text, asdict(voice), code_version(__name__), engine_version())


@functools.cache
def engine_version() -> str:
    """What `espeak-ng --version` says, or 'missing'."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        return "missing"
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def cached_speech(text: str, voice: Voice, cache: Cache) -> Path:
    """The WAV of `text` spoken by `voice`, synthesised only if the cache does not hold it yet.

    The file appears whole or not at all, so callers racing on the same text are safe: each
    writes its own temporary file and the last rename wins with identical content.
    """
    key = speech_key(text, voice)
    target = cache.file("speech", key, ".wav")
    if target.is_file():
        return target
    if shutil.which("espeak-ng") is None:
        raise MeditateError(INSTALL_HINT)
    with cache.storing("speech", key, ".wav") as partial:
        synthesize(text, voice, partial)
    return target


def split_phrases(text: str) -> list[str]:
    """Caption-sized pieces of `text`: its sentences, long ones cut again at commas and dashes."""
    phrases: list[str] = []
    for sentence in split_sentences(text):
        phrases.extend(_cut_long(sentence))
    return phrases


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`; an ellipsis followed by a space ends one too."""
    return _split_after(text, _SENTENCE_END)


def _cut_long(sentence: str) -> list[str]:
    if _words(sentence) <= MAX_PHRASE_WORDS:
        return [sentence]
    pieces: list[str] = []
    for clause in _split_after(sentence, _CLAUSE_END):
        if pieces and (_words(clause) < MIN_PHRASE_WORDS or _words(pieces[-1]) < MIN_PHRASE_WORDS):
            pieces[-1] = f"{pieces[-1]} {clause}"
        else:
            pieces.append(clause)
    return pieces


def _split_after(text: str, boundary: re.Pattern[str]) -> list[str]:
    pieces, start = [], 0
    for match in boundary.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _words(text: str) -> int:
    return len(text.split())


def to_ssml(text: str, sentence_pause_ms: int) -> str:
    """SSML that speaks the sentences of `text` with a fixed pause between them."""
    pause = f' <break time="{sentence_pause_ms}ms"/> '
    return f"<speak>{pause.join(escape(s) for s in split_sentences(text))}</speak>"


def espeak_options(voice: Voice) -> list[str]:
    return [
        "-v", voice.name,
        "-s", str(voice.rate_wpm),
        "-p", str(voice.pitch),
        "-g", str(word_gap_units(voice.word_gap_ms, voice.rate_wpm)),
    ]  # fmt: skip


def word_gap_units(gap_ms: float, rate_wpm: int) -> int:
    """espeak-ng's -g value that comes closest to a pause of `gap_ms` at `rate_wpm`."""
    rates, ms_per_unit = zip(*_GAP_MS_PER_UNIT, strict=True)
    return max(0, round(gap_ms / float(np.interp(rate_wpm, rates, ms_per_unit))))


def _check_variant(executable: str, name: str) -> None:
    """espeak-ng falls back to its plain voice for an unknown `+variant`; make that an error."""
    variant = name.partition("+")[2]
    known = _variants(executable)
    if variant and known and variant.lower() not in known:
        raise MeditateError(
            f"espeak-ng has no voice variant {variant!r} (in {name!r}); "
            "`espeak-ng --voices=variant` lists them"
        )


@functools.lru_cache(maxsize=4)
def _variants(executable: str) -> frozenset[str]:
    listing = subprocess.run(
        [executable, "--voices=variant"], capture_output=True, text=True, check=False
    ).stdout
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            names.add(columns[3].lower())
            names.add(columns[4].removeprefix("!v/").lower())
    return frozenset(names)


def trim_silence(samples: np.ndarray, rate: int, edge: float = EDGE_SECONDS) -> np.ndarray:
    """`samples` with exactly `edge` seconds of silence before its first and after its last sound.

    Sound is any 10 ms frame within 45 dB of the loudest frame and above -60 dBFS.
    """
    frame = max(1, round(_FRAME_SECONDS * rate))
    count = len(samples) // frame
    pad = np.zeros(round(edge * rate), dtype=samples.dtype)
    if count == 0:
        return pad
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame) / 32768.0
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)
    threshold = max(level.max() - _SOUND_BELOW_PEAK_DB, _SOUND_FLOOR_DBFS)
    loud = np.flatnonzero(level > threshold)
    if loud.size == 0:
        return pad
    sound = samples[loud[0] * frame : min(len(samples), (loud[-1] + 1) * frame)]
    return np.concatenate([pad, sound, pad])


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """The samples of a 16-bit mono WAV and its rate."""
    with wave.open(str(path), "rb") as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono, as espeak-ng writes")
        data = reader.readframes(reader.getnframes())
        return np.frombuffer(data, dtype="<i2").copy(), reader.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.astype("<i2").tobytes())
