"""The narrator a listener chooses with --voice ENGINE[:VOICE]: its voice found, and chosen
for the session's language when no voice is named; and which narration steps it speaks.

It speaks every narration step that has words (`text:`), drafts too, instead of its clip,
except the teacher's own recordings (clips found outside the bundled audio), which are kept
unless `replace_recorded`. A step without words keeps its clip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from player.common.errors import MeditateError
from player.session.model import Narration, Session, VoiceSettings, flatten

if TYPE_CHECKING:
    from player.sound.speech import Ready


@dataclass(frozen=True)
class NarratorChoice:
    """--voice as given: an engine, and one of its voices or a voice file (neither: the
    engine's voice for the session's language, or its default)."""

    engine: str
    name: str | None = None
    model: Path | None = None
    replace_recorded: bool = False  # speak the teacher's own recordings too

    def __str__(self) -> str:
        voice = self.model or self.name
        return f"{self.engine}:{voice}" if voice else self.engine


def parse_choice(text: str, replace_recorded: bool = False) -> NarratorChoice:
    """ENGINE, ENGINE:VOICE or ENGINE:FILE (a voice file by its suffix) as a choice."""
    from player.session.catalog import MODEL_SUFFIXES

    engine, _, voice = text.partition(":")
    suffix = MODEL_SUFFIXES.get(engine)
    if suffix and voice.endswith(suffix):
        return NarratorChoice(engine, None, Path(voice).expanduser().absolute(), replace_recorded)
    return NarratorChoice(engine, voice or None, None, replace_recorded)


@dataclass(frozen=True)
class Narrator:
    """A narrator found and ready to speak."""

    ready: Ready
    replace_recorded: bool = False

    @property
    def credit(self) -> str:
        """Who narrates, as a tag names it: the engine and its voice."""
        found = self.ready.found
        return f"{found.engine} ({Path(found.name).name})"


def choose_narrator(choice: NarratorChoice, session: Session) -> Narrator:
    """The narrator `choice` names, at the pace of the session's `voice:` (if it has one).

    Raises MeditateError, one line: an engine not installed (how to install it), a voice it
    does not have (did-you-mean and the list), a language it does not speak (the engines and
    voices that do)."""
    from player.sound.speech import DEFAULT_RATE_WPM, Voice, prepare_voice

    name = choice.name
    if name is None and choice.model is None and session.language:
        name = language_voice(choice.engine, session.language)
    rate = session.voice.rate_wpm if session.voice else DEFAULT_RATE_WPM
    voice = Voice(choice.engine, name, choice.model, rate)
    try:
        ready = prepare_voice(voice)
    except MeditateError as error:
        raise MeditateError(f"--voice {choice}: {error}") from None
    return Narrator(ready, choice.replace_recorded)


def language_voice(engine_name: str, language: str) -> str:
    """The name of the voice engine `engine_name` speaks `language` with. Raises MeditateError:
    the engine not installed (how to install it), or without a voice for it (who has one)."""
    from player.sound.engines import engine_named, voices_for_language

    engine = engine_named(engine_name)
    engine.require()
    found = engine.voice_for_language(language)
    if found is not None:
        return found.name
    others = [(name, voice) for name, voice in voices_for_language(language) if name != engine.name]
    if others:
        there = "voices for it: " + ", ".join(f"{name}:{voice.name}" for name, voice in others)
    else:
        there = "no engine installed here speaks it"
    raise MeditateError(
        f"{engine.name} has no voice for the language '{language}' ({there}; "
        f"`meditate voices --language {language}` lists them)"
    )


def draft_settings(settings: VoiceSettings | None, language: str | None) -> VoiceSettings:
    """The session's `voice:` with, when it names no voice, the engine's voice for the
    session's `language:`. Raises MeditateError as language_voice does."""
    settings = settings or VoiceSettings()
    if settings.name is not None or settings.model is not None or not language:
        return settings
    from dataclasses import replace

    return replace(settings, name=language_voice(settings.engine, language))


def kept_clips(session: Session) -> tuple[list[Narration], list[Narration]]:
    """The narration steps of a session prepared with a narrator that keep their clips: those
    without words to speak, and the teacher's own recordings."""
    steps = list(_narrations(session))
    wordless = [step for step in steps if not step.narrated and not step.text]
    recorded = [step for step in steps if not step.narrated and step.text]
    return wordless, recorded


def _narrations(session: Session) -> Iterator[Narration]:
    for step in flatten(session.steps):
        if isinstance(step, Narration):
            yield step
