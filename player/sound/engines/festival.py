"""Festival with its HTS voice cmu_us_slt_arctic_hts (Debian: festival, festvox-us-slt-hts):
the voice of the bundled narration. One `festival -b` process speaks every phrase of a batch
from a Scheme script, so the voice is loaded once."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

from player.common.cache import code_version, user_cache
from player.sound.engines.base import (
    Engine,
    EngineVoice,
    SpeechFailure,
    VoiceInfo,
    all_written,
    program_output,
    run_program,
    time_limit,
)

_VOICES_TABLE = "festival-voices"
_ABOUT = {
    "cmu_us_slt_arctic_hts": "US English, female (CMU ARCTIC slt)",
}


#: The language of festival's voices, by a part of their names (Debian's festvox packages).
_LANGUAGES = (
    ("cmu_us_", "en-US"), ("kal_", "en-US"), ("ked_", "en-US"), ("rab_", "en-GB"),
    ("don_", "en-GB"), ("el_", "es"), ("_ru_", "ru"), ("_fi_", "fi"), ("czech", "cs"),
    ("lp_", "it"), ("pc_", "it"), ("_pl_", "pl"), ("_de_", "de"),
)  # fmt: skip


def _language(name: str) -> str:
    """A festival voice's BCP 47 tag, from its name; "" when its name does not say."""
    return next((tag for part, tag in _LANGUAGES if part in f"_{name}"), "")


class Festival(Engine):
    name = "festival"
    program_name = "festival"
    default_voice = "cmu_us_slt_arctic_hts"
    install_hint = (
        "festival is not installed: install it with its voice (Debian/Ubuntu: "
        "apt-get install festival festvox-us-slt-hts; Fedora: dnf install festival)"
    )
    seconds_per_word = 0.300

    def version(self) -> str:
        program = self.program()
        if program is None:
            return "missing"
        first = program_output((program, "--version")).strip().splitlines()
        # "festival: Festival Speech Synthesis System: 2.5.0:release December 2017"
        return first[0].split("System:")[-1].split(":")[0].strip() if first else "unknown"

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                name, _ABOUT.get(name, ""), name == self.default_voice, language=_language(name)
            )
            for name in self._voice_folders()
        ]

    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        program = self.require()
        folders = self._voice_folders()
        chosen = name or self.default_voice
        if chosen not in folders:
            # a short name is enough when it names one voice: slt for cmu_us_slt_arctic_hts
            matches = [voice for voice in folders if chosen in voice.split("_")]
            if len(matches) != 1:
                if name is None:
                    raise SpeechFailure(
                        f"festival has no voice {chosen!r} to speak with: install it "
                        "(Debian/Ubuntu: apt-get install festvox-us-slt-hts)"
                    )
                raise self.unknown_voice(chosen)
            chosen = matches[0]
        return EngineVoice(
            engine=self.name,
            name=chosen,
            identity=f"{self.version()} {program} {_signature(folders[chosen])}",
            seconds_per_word=self.seconds_per_word,
        )

    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        program = self.require()
        outputs = [work / f"{index:04d}.wav" for index in range(len(phrases))]
        lines = [
            f"(voice_{voice.name})",
            # HTS voices take hts_engine's speech rate (above 1 is faster) and ignore
            # Duration_Stretch; diphone and clustergen voices do the opposite
            f'(set! hts_engine_params (append hts_engine_params \'(("-r" {speed:.4f}))))',
            f"(Parameter.set 'Duration_Stretch {1 / speed:.4f})",
        ]
        for phrase, out in zip(phrases, outputs, strict=True):
            lines.append(
                f"(utt.save.wave (utt.synth (Utterance Text {_scheme(phrase)})) "
                f"{_scheme(str(out))} 'riff)"
            )
        script = work / "speak.scm"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        words = sum(len(p.split()) for p in phrases)
        run_program(self.name, "speaking", [program, "-b", str(script)], limit=time_limit(words))
        return all_written(self.name, outputs)

    @functools.cache  # noqa: B019 - one engine object a process
    def _voice_folders(self) -> dict[str, Path]:
        """Every voice festival knows, and the folder it is loaded from.

        Asking festival takes it most of a second (it loads its whole runtime), so what it
        said is kept in the cache while neither it nor its voice folders have changed: a
        voice installed or removed changes the folder of its language."""
        program = self.program()
        if program is None:
            return {}
        table = user_cache().table(_VOICES_TABLE, code_version(__name__))
        known = table.get(program)
        if isinstance(known, dict) and known.get("stamps") == _stamps(
            program, known.get("roots", ())
        ):
            return {name: Path(folder) for name, folder in known["folders"].items()}
        listing = program_output(
            (program, "-b", "(print (voice.list))", "(print voice-path)", "(print libdir)")
        ).splitlines()
        if len(listing) < 3:
            return {}
        names = listing[0].strip("()").split()
        roots = [Path(p) for p in listing[1].strip("()").replace('"', "").split()]
        roots.append(Path(listing[2].strip('"')) / "voices")
        folders: dict[str, Path] = {}
        for name in names:
            found = [f for root in roots for f in root.glob(f"*/{name}") if f.is_dir()]
            folders[name] = found[0] if found else Path(name)
        shown = [str(root) for root in roots]
        table.put(program, {"roots": shown, "stamps": _stamps(program, shown),
                            "folders": {name: str(f) for name, f in folders.items()}})  # fmt: skip
        table.save()
        return folders


def _stamps(program: str, roots: list[str]) -> list[list[object]]:
    """What changes when festival or one of its voices is installed, upgraded or removed:
    the program's size and time, and those of the folders of its voice folders."""
    paths = [Path(program)]
    for root in map(Path, roots):
        paths.append(root)
        with contextlib.suppress(OSError):  # an unreadable folder holds no voice we can use
            paths += sorted(p for p in root.iterdir() if p.is_dir())
    stamps: list[list[object]] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append([str(path)])
        else:
            stamps.append([str(path), info.st_size, info.st_mtime_ns])
    return stamps


def _scheme(text: str) -> str:
    """A Scheme string literal: festival reads the text as words, never as code."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.cache
def _signature(folder: Path) -> str:
    """The sizes and times of a voice's files: they change when the voice is upgraded."""
    if not folder.is_dir():
        return str(folder)
    return ";".join(
        f"{p.relative_to(folder)}:{p.stat().st_size}:{int(p.stat().st_mtime)}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )
