"""The narrator a listener picks in the browser, from the voices installed here.

This module is the one place the web player meets narration. A narrator speaks every
narration step that has words, as `meditate export --voice ENGINE:VOICE` does (the teacher's
own recordings kept), and `spoken` makes the audio of a session so narrated exactly as that
export makes it; a session without words to speak is rendered as it is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.session.model import Narration, Session, flatten
from player.web.render_process import Audio


@dataclass(frozen=True)
class Narrator:
    """An installed engine and one of its voices."""

    engine: str
    voice: str

    @property
    def value(self) -> str:
        """As a form sends it, and as `--voice` takes it: ENGINE:VOICE."""
        return f"{self.engine}:{self.voice}"


@dataclass(frozen=True)
class NarratorOption:
    narrator: Narrator
    label: str  # what the listener reads in the list


class NarratorMissing(MeditateError):
    """An engine or voice asked for is not installed here: the message says what to install."""


@functools.cache
def installed_narrators() -> tuple[NarratorOption, ...]:
    """Every voice of every installed engine, each engine's default first (asked once a
    process: engines are not installed while a server runs)."""
    from player.sound.engines import survey

    options = []
    for status in survey():
        if not status.installed:
            continue
        for info in sorted(status.voices, key=lambda voice: not voice.default):
            about = f" ({info.about})" if info.about else ""
            label = f"{status.name}: {info.name}{about}"
            options.append(NarratorOption(Narrator(status.name, info.name), label))
    return tuple(options)


def parse_narrator(value: str) -> Narrator:
    """ENGINE:VOICE (or ENGINE, for its default voice) among the installed voices. Raises
    NarratorMissing saying what to install, or which voices there are (as --voice says it)."""
    from player.sound.engines import engine_named

    name, _, voice = value.strip().partition(":")
    try:
        engine = engine_named(name)
    except MeditateError as error:
        raise NarratorMissing(str(error)) from None
    mine = [o.narrator for o in installed_narrators() if o.narrator.engine == name]
    if not mine:
        if not engine.available():
            raise NarratorMissing(engine.install_hint)
        raise NarratorMissing(f"{name} has no voices installed here (meditate voices lists them)")
    found = next((n for n in mine if n.voice == voice), None) if voice else mine[0]
    if found is None:
        raise NarratorMissing(str(engine.unknown_voice(voice)))
    return found


def speaks_for(session: Session) -> bool:
    """Whether a narrator changes what `session` sounds like: it has narration with words."""
    return any(isinstance(s, Narration) and s.text for s in flatten(session.steps))


def needs_speaking(session: Session, narrator: Narrator | None) -> bool:
    """Whether making the audio of `session` means speaking (which takes a while): it has
    drafts, or `narrator` speaks its narration."""
    drafts = any(isinstance(s, Narration) and s.draft for s in flatten(session.steps))
    return drafts or (narrator is not None and speaks_for(session))


def spoken(
    session: Session, narrator: Narrator | None, length: float | None, cache: Cache
) -> Audio:
    """The audio of `session` with its narration spoken by `narrator` (its drafts by its own
    `voice:` without one), placed and levelled as `meditate export --voice` places it. Raises
    MeditateError (SessionError) for what cannot be used."""
    from player.prepare.narrator import NarratorChoice, choose_narrator
    from player.prepare.session import prepare_session
    from player.prepare.unfolding import Narrated, spoken_timeline

    speaker = None
    if narrator is not None:
        speaker = choose_narrator(NarratorChoice(narrator.engine, narrator.voice), session)
    narrated = Narrated(prepare_session(session, cache, speaker), speaker)
    timeline, plan = spoken_timeline(narrated, length)
    return Audio(timeline, plan, narrated.credit)
