"""espeak-ng: always there (the bootstrap installs it), small and clear, but plainly a machine."""

from __future__ import annotations

import functools
from pathlib import Path

from player.session.language import BadLanguage, language_tag, primary_language
from player.session.problems import did_you_mean
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
        """The default, then every language espeak-ng speaks, each by its own name (en-gb,
        fr-fr, es, cmn, ...) with its BCP 47 tag; mbrola voices left out (see _languages)."""
        default = VoiceInfo(
            self.default_voice, "American English, a soft female variant", True, language="en-US"
        )
        return [default, *(VoiceInfo(n, about, language=tag) for n, about, tag in self._spoken())]

    def voice_for_language(self, language: str) -> VoiceInfo | None:
        """The voice for `language` in the default's soft female variant (es+f5): the
        language's own name (es for es), then the one of its home region (fr-fr for fr),
        then any that says it speaks it (cmn for zh), then the first of that language."""
        if language.lower() in ("en", "en-us"):
            return self.voices()[0]
        wanted = language.lower()
        primary = primary_language(language)
        spoken = self._spoken()
        by_name = {name: (name, about, tag) for name, about, tag in spoken}
        chosen = (
            by_name.get(wanted)
            or next((v for v in spoken if v[2].lower() == wanted), None)
            or by_name.get(primary)
            or by_name.get(f"{primary}-{primary}")
            or next((v for v in spoken if primary in self._also_speaks().get(v[0], ())), None)
            or next((v for v in spoken if primary_language(v[2]) == primary), None)
        )
        if chosen is None:
            return None
        name, about, tag = chosen
        variant = self.default_voice.partition("+")[2]
        return VoiceInfo(f"{name}+{variant}", f"{about}, a soft female variant", language=tag)

    def variants(self) -> list[str]:
        """The variants a voice may take after a +, such as f5 in en-us+f5."""
        return sorted(self._variants())

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        program = self.require()
        chosen = name or self.default_voice
        base, _, variant = chosen.partition("+")
        if base.lower() not in self._languages() | self._files():
            english = ", ".join(sorted(n for n in self._languages() if n.startswith("en")))
            meant = did_you_mean(base.lower(), sorted(self._languages()))
            raise UnknownVoice(
                f"espeak-ng has no voice {base!r}{meant} (English ones: {english}; "
                "`meditate voices --language CODE` lists those of a language)"
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

    @functools.cache  # noqa: B019 - one engine object a process
    def _spoken(self) -> list[tuple[str, str, str]]:
        """Each language's voice once, in espeak-ng's order: its name, what it is (Welsh,
        Chinese (Mandarin)), and its BCP 47 tag."""
        found: dict[str, tuple[str, str, str]] = {}
        for columns in self._listing(""):
            name = columns[1].lower()
            if columns[4].startswith("mb/") or name in found:
                continue
            found[name] = (name, columns[3].replace("_", " ").strip(), _tag(name))
        return list(found.values())

    @functools.cache  # noqa: B019 - one engine object a process
    def _also_speaks(self) -> dict[str, tuple[str, ...]]:
        """The other languages a voice says it speaks ('(zh-cmn 5)(zh 5)' for cmn)."""
        also: dict[str, tuple[str, ...]] = {}
        for columns in self._listing(""):
            others = " ".join(columns[5:]).replace(")(", " ").strip("() ").split()
            also[columns[1].lower()] = tuple(o for o in others if not o.isdigit())
        return also

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


def _tag(name: str) -> str:
    """espeak-ng's name of a language as a BCP 47 tag: en-gb-x-rp is en-GB-x-rp."""
    try:
        return language_tag(name)
    except BadLanguage:
        return name
