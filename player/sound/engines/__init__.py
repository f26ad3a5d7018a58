"""The narration engines, each run as a separate process behind one interface (base.Engine)."""

from __future__ import annotations

from dataclasses import dataclass

from player.common.errors import MeditateError
from player.session.catalog import ENGINE_NAMES
from player.sound.engines.base import (
    Engine,
    EngineVoice,
    SpeechFailure,
    UnknownVoice,
    VoiceInfo,
)
from player.sound.engines.espeak import Espeak
from player.sound.engines.festival import Festival
from player.sound.engines.flite import Flite
from player.sound.engines.kokoro import Kokoro
from player.sound.engines.piper import Piper

ENGINES: dict[str, Engine] = {
    engine.name: engine for engine in (Espeak(), Festival(), Flite(), Piper(), Kokoro())
}
assert tuple(ENGINES) == ENGINE_NAMES, "player.session.catalog lists the same engines"


@dataclass(frozen=True)
class EngineStatus:
    """One engine as `meditate voices` shows it."""

    name: str
    installed: bool
    version: str
    voices: tuple[VoiceInfo, ...]
    install_hint: str
    takes_model: str


def survey() -> list[EngineStatus]:
    """Every engine: whether it is installed, its version and the voices it has."""
    statuses = []
    for engine in ENGINES.values():
        installed = engine.available()
        statuses.append(
            EngineStatus(
                name=engine.name,
                installed=installed,
                version=engine.version() if installed else "",
                voices=tuple(engine.voices()) if installed else (),
                install_hint=engine.install_hint,
                takes_model=engine.takes_model,
            )
        )
    return statuses


def voices_for_language(language: str) -> list[tuple[str, VoiceInfo]]:
    """The voice of each installed engine for `language` (BCP 47), by engine name."""
    found = []
    for engine in ENGINES.values():
        if engine.available():
            voice = engine.voice_for_language(language)
            if voice is not None:
                found.append((engine.name, voice))
    return found


def engine_named(name: str) -> Engine:
    try:
        return ENGINES[name]
    except KeyError:
        raise MeditateError(
            f"unknown speech engine {name!r} (engines: {', '.join(ENGINES)})"
        ) from None


__all__ = [
    "ENGINES",
    "Engine",
    "EngineStatus",
    "EngineVoice",
    "SpeechFailure",
    "UnknownVoice",
    "VoiceInfo",
    "engine_named",
    "survey",
    "voices_for_language",
]
