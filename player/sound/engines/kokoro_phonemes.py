# ruff: noqa: RUF001 - IPA symbols are what this module is about
"""Text to Kokoro's phoneme tokens: espeak-ng reads the words (run as a program: it is GPL),
its IPA is written in the symbols Kokoro was trained on, and punctuation is kept, since the
model shapes its intonation by it.

The symbol rewriting follows misaki 0.9.4 (hexgrad, Apache-2.0), the phonemizer Kokoro's
authors trained it with: `EspeakFallback` for English, `EspeakG2P` for the other languages
(misaki/espeak.py). The token table is Kokoro v1.0's vocabulary (hexgrad/Kokoro-82M
config.json, Apache-2.0, as kokoro-onnx 0.6.1 ships it, MIT).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from player.sound.engines.base import SpeechFailure, run_program, time_limit

#: Tokens one run of the model takes at most (its style table has a row for each length).
MAX_TOKENS = 510
#: How espeak-ng's IPA is written for the model: "misaki" rewrites it into the symbols
#: Kokoro was trained on; "ipa" only drops what the vocabulary lacks (as kokoro-onnx does).
#: Chosen by measured word error (audio/narration/VOICE.md); benchmarks/voice.py sets it.
SYMBOLS = "misaki"

_MARKS = ';:,.!?—…"()“”'
_OPENING = '"“(«¡¿'
_PIECES = re.compile(r"([;:,.!?¡¿—–…\"«»“”()]+)")
_SWITCH = re.compile(r"\([a-z-]+\)")  # espeak-ng's language switch flags: (en) word (fr)
_TIE = "^"

# misaki/espeak.py EspeakFallback.E2M (English), longest first
_ENGLISH = sorted(
    {
        "ʔˌn\u0329": "ʔn", "ʔn\u0329": "ʔn", "a^ɪ": "I", "a^ʊ": "W", "d^ʒ": "ʤ", "e^ɪ": "A",
        "e": "A", "t^ʃ": "ʧ", "ɔ^ɪ": "Y", "ə^l": "ᵊl", "ʲo": "jo", "ʲə": "jə", "ʲ": "",
        "ɚ": "əɹ", "r": "ɹ", "x": "k", "ç": "k", "ɐ": "ə", "ɬ": "l", "\u0303": "",
    }.items(),
    key=lambda pair: -len(pair[0]),
)  # fmt: skip
# misaki/espeak.py EspeakG2P.e2m (every other language), in its sorted order
_OTHER = sorted(
    {
        "a^ɪ": "I", "a^ʊ": "W", "d^z": "ʣ", "d^ʒ": "ʤ", "e^ɪ": "A", "o^ʊ": "O", "ə^ʊ": "Q",
        "s^s": "S", "t^s": "ʦ", "t^ʃ": "ʧ", "ɔ^ɪ": "Y",
    }.items()
)  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """How one Kokoro language is read: the espeak-ng voice, and which rewriting applies."""

    espeak: str
    english: bool = False
    british: bool = False


#: Kokoro's languages, by the first letter of a voice's name, with their BCP 47 tags.
#: Japanese (j) and Mandarin (z) need misaki's own readers, which are not on offer here.
LANGUAGES: dict[str, tuple[str, Reading]] = {
    "a": ("en-US", Reading("en-us", english=True)),
    "b": ("en-GB", Reading("en-gb-x-rp", english=True, british=True)),
    "e": ("es", Reading("es")),
    "f": ("fr", Reading("fr-fr")),
    "h": ("hi", Reading("hi")),
    "i": ("it", Reading("it")),
    "p": ("pt-BR", Reading("pt-br")),
}


def phoneme_phrases(phrases: list[str], reading: Reading, espeak: str) -> list[str]:
    """Each phrase as Kokoro phonemes, its punctuation kept; one espeak-ng run for all."""
    split = [_PIECES.split(" ".join(phrase.split())) for phrase in phrases]
    words = [piece.strip() for pieces in split for piece in pieces[::2] if piece.strip()]
    read = iter(_espeak_ipa(words, reading.espeak, espeak))
    written = []
    for pieces in split:
        out = ""
        for index, piece in enumerate(pieces):
            opening = set(piece) <= set(_OPENING) and (index == 1 or pieces[index - 1][-1:] == " ")
            if index % 2 and opening:
                out += _marks(piece)  # opens what follows: "(gently"
            elif index % 2:
                out = out.rstrip() + _marks(piece) + " "  # closes what came before: "now,"
            elif piece.strip():
                out += rewrite(next(read), reading) + " "
        written.append(" ".join(out.split()))
    return written


def tokens(phonemes: str) -> list[int]:
    """The model's token ids for `phonemes`; symbols outside its vocabulary are dropped."""
    table = vocabulary()
    return [table[symbol] for symbol in phonemes if symbol in table]


def chunks(ids: list[int]) -> list[list[int]]:
    """`ids` cut at spaces (or anywhere, failing that) into runs the model takes at once."""
    space = vocabulary()[" "]
    runs: list[list[int]] = []
    rest = ids
    while len(rest) > MAX_TOKENS:
        cut = max((i for i in range(MAX_TOKENS) if rest[i] == space), default=MAX_TOKENS - 1)
        runs.append(rest[: cut + 1])
        rest = rest[cut + 1 :]
    return [*runs, rest] if rest else runs


def rewrite(ipa: str, reading: Reading) -> str:
    """espeak-ng's IPA (ties marked with ^) in Kokoro's symbols, per SYMBOLS."""
    ipa = _SWITCH.sub("", ipa)
    if SYMBOLS == "ipa":
        return ipa.replace(_TIE, "")
    if not reading.english:
        for old, new in _OTHER:
            ipa = ipa.replace(old, new)
        return ipa.replace(_TIE, "").replace("-", "")
    for old, new in _ENGLISH:
        ipa = ipa.replace(old, new)
    ipa = re.sub(r"(\S)\u0329", r"ᵊ\1", ipa).replace("\u0329", "")
    if reading.british:
        ipa = ipa.replace("e^ə", "ɛː").replace("iə", "ɪə").replace("ə^ʊ", "Q")
    else:
        ipa = ipa.replace("o^ʊ", "O").replace("ɜːɹ", "ɜɹ").replace("ɜː", "ɜɹ")
        ipa = ipa.replace("ɪə", "iə").replace("ː", "")
    ipa = ipa.replace("o", "ɔ").replace("ɾ", "T").replace("ʔ", "t")
    return ipa.replace(_TIE, "")


@cache
def vocabulary() -> dict[str, int]:
    path = Path(__file__).with_name("kokoro_data") / "vocab.json"
    table: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))["vocab"]
    return table


def _marks(piece: str) -> str:
    piece = piece.replace("«", "“").replace("»", "”").replace("–", "—")
    return "".join(mark for mark in piece if mark in _MARKS)


def _espeak_ipa(words: list[str], voice: str, espeak: str) -> list[str]:
    """espeak-ng's IPA for each piece of text, read in one run: pieces are separated by a
    blank line, which it keeps; a piece it reads as several clauses comes back as lines."""
    if not words:
        return []
    command = [espeak, "-q", "--ipa", f"--tie={_TIE}", "-v", voice]
    said = run_program(
        "kokoro", "reading the text with espeak-ng", command, stdin="\n\n".join(words) + "\n",
        limit=time_limit(sum(len(w.split()) for w in words)),
    )  # fmt: skip
    read = [" ".join(block.split()) for block in re.split(r"\n\s*\n", said.strip("\n"))]
    if len(read) != len(words):
        raise SpeechFailure(
            f"kokoro could not read the text with espeak-ng: {len(read)} readings for "
            f"{len(words)} pieces of text"
        )
    return read
