"""flite (Debian: flite), CMU's small engine, with its built-in ARCTIC voices (rms, slt, awb)
or a .flitevox voice file. It speaks at 16 kHz: nothing above 8 kHz."""

from __future__ import annotations

import functools
from pathlib import Path

from player.sound.engines.base import (
    Engine,
    EngineVoice,
    UnknownVoice,
    VoiceInfo,
    program_output,
    speak_each,
)

_LANGUAGES = {"rms": "en-US", "slt": "en-US", "kal": "en-US", "kal16": "en-US",
              "awb": "en-GB-scotland"}  # fmt: skip
_ABOUT = {
    "rms": "US English, male (CMU ARCTIC rms), 16 kHz",
    "slt": "US English, female (CMU ARCTIC slt), 16 kHz",
    "awb": "Scottish English, male (CMU ARCTIC awb), 16 kHz",
    "kal": "US English, male diphone voice, 8 kHz",
    "kal16": "US English, male diphone voice, 16 kHz",
}


class Flite(Engine):
    name = "flite"
    program_name = "flite"
    default_voice = "rms"
    install_hint = (
        "flite is not installed: install it (Debian/Ubuntu: apt-get install flite; "
        "Fedora: dnf install flite)"
    )
    seconds_per_word = 0.348
    takes_model = ".flitevox"

    def version(self) -> str:
        program = self.program()
        if program is None:
            return "missing"
        for line in program_output((program, "--version")).splitlines():
            if "version:" in line:
                # "  version: flite-2.2-current Sep 2018 (http://cmuflite.org)"
                said = line.split("version:", 1)[1].split()[0]
                return said.removeprefix("flite-").removesuffix("-current")
        return "unknown"

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                name,
                _ABOUT.get(name, ""),
                name == self.default_voice,
                language=_LANGUAGES.get(name, ""),
            )
            for name in self._built_in()
        ]

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        program = self.require()
        if model is not None:
            if not model.is_file():
                raise UnknownVoice(f"flite voice file {model} not found")
            stat = model.stat()
            return EngineVoice(
                engine=self.name,
                name=str(model),
                identity=f"{self.version()} {program} {model}:{stat.st_size}:{int(stat.st_mtime)}",
                seconds_per_word=self.seconds_per_word,
                model=model,
            )
        chosen = name or self.default_voice
        if chosen not in self._built_in():
            raise self.unknown_voice(chosen)
        return EngineVoice(
            engine=self.name,
            name=chosen,
            identity=f"{self.version()} {program}",
            seconds_per_word=self.seconds_per_word,
        )

    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        program = self.require()
        which = str(voice.model) if voice.model else voice.name

        def command(phrase: str, out: Path) -> list[str]:
            text = out.with_suffix(".txt")
            text.write_text(phrase + "\n", encoding="utf-8")
            return [program, "-voice", which, "--setf", f"duration_stretch={1 / speed:.4f}",
                    "-f", str(text), "-o", str(out)]  # fmt: skip

        return speak_each(self.name, phrases, work, command)

    @functools.cache  # noqa: B019 - one engine object a process
    def _built_in(self) -> list[str]:
        program = self.program()
        if program is None:
            return []
        listing = program_output((program, "-lv"))
        _, _, names = listing.partition(":")
        return [n for n in names.split() if n != "awb_time"]  # awb_time only tells the time
