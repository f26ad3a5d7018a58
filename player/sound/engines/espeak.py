"""espeak-ng: always there (the bootstrap installs it), small and clear, but plainly a machine."""

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

NATURAL_SPEED = 175  # espeak-ng's -s when nobody sets it: speed 1
DEFAULT_PITCH = 28  # espeak-ng's -p for the default voice: about 160 Hz, calmer than its 50


class Espeak(Engine):
    name = "espeak-ng"
    program_name = "espeak-ng"
    default_voice = "en-us+f5"
    install_hint = (
        "espeak-ng is not installed: install it (Debian/Ubuntu: apt-get install espeak-ng; "
        "Fedora: dnf install espeak-ng; macOS: brew install espeak-ng)"
    )
    seconds_per_word = 0.300
    takes_pitch = True

    def version(self) -> str:
        program = self.program()
        if program is None:
            return "missing"
        # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"
        said = program_output((program, "--version")).split("Data at:")[0]
        return said.rpartition(":")[2].strip() or "unknown"

    def voices(self) -> list[VoiceInfo]:
        english = sorted(name for name in self._languages() if name.startswith("en"))
        default = VoiceInfo(self.default_voice, "American English, a soft female variant", True)
        return [default, *(VoiceInfo(name) for name in english)]

    def variants(self) -> list[str]:
        """The variants a voice may take after a +, such as f5 in en-us+f5."""
        return sorted(self._variants())

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        program = self.require()
        chosen = name or self.default_voice
        base, _, variant = chosen.partition("+")
        if base.lower() not in self._languages() | self._files():
            english = ", ".join(sorted(n for n in self._languages() if n.startswith("en")))
            raise UnknownVoice(
                f"espeak-ng has no voice {base!r} (English ones: {english}; "
                "`espeak-ng --voices` lists every language)"
            )
        if variant and variant.lower() not in self._variants():
            raise UnknownVoice(
                f"espeak-ng has no voice variant {variant!r} (in {chosen!r}; "
                f"it has: {', '.join(sorted(self._variants())[:12])}, ...; "
                "`espeak-ng --voices=variant` lists them all)"
            )
        return EngineVoice(
            engine=self.name,
            name=chosen,
            identity=f"{program_output((program, '--version')).strip()} {program}",
            seconds_per_word=self.seconds_per_word,
        )

    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        program = self.require()
        rate = min(450, max(80, round(NATURAL_SPEED * speed)))
        pitch = DEFAULT_PITCH if pitch is None else pitch
        return speak_each(
            self.name, phrases, work,
            lambda _, out: [program, "--stdin", "-w", str(out), "-v", voice.name, "-s", str(rate),
                            "-p", str(pitch)],
            on_stdin=True,
        )  # fmt: skip

    @functools.cache  # noqa: B019 - one engine object a process
    def _listing(self, which: str) -> list[list[str]]:
        program = self.program()
        if program is None:
            return []
        text = program_output((program, f"--voices{which}"))
        return [line.split() for line in text.splitlines()[1:] if len(line.split()) >= 5]

    def _languages(self) -> set[str]:
        # mbrola voices (mb/...) need mbrola and its voice data, which Debian does not ship
        return {c[1].lower() for c in self._listing("") if not c[4].startswith("mb/")}

    def _files(self) -> set[str]:
        return {c[4].lower().rpartition("/")[2] for c in self._listing("") if "/" in c[4]} | {
            c[3].lower() for c in self._listing("") if not c[4].startswith("mb/")
        }

    def _variants(self) -> set[str]:
        names: set[str] = set()
        for columns in self._listing("=variant"):
            names.add(columns[3].lower())
            names.add(columns[4].removeprefix("!v/").lower())
        return names
