"""The narrator a listener picks in the browser, from the voices installed here.

This module is the one place the web player meets narration. Today a narrator speaks what a
session writes only as text (its drafts), in place of the session's `voice:`; `speaks_for`
says which sessions it changes and `narrated` makes the change. The narrator of any session
(`--voice`, which speaks every narration step from its `text:`) plugs in by replacing those
two function bodies: nothing else in the web player depends on how narration is made.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from dataclasses import dataclass

from player.common.errors import MeditateError
from player.session.catalog import ENGINE_NAMES
from player.session.model import Narration, Session, VoiceSettings, flatten


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
    NarratorMissing saying what to install, or which voices there are."""
    from player.sound.engines import engine_named

    engine, _, voice = value.strip().partition(":")
    if engine not in ENGINE_NAMES:
        raise NarratorMissing(f"there is no speech engine '{engine}' (engines: "
                              f"{', '.join(ENGINE_NAMES)})")  # fmt: skip
    mine = [o.narrator for o in installed_narrators() if o.narrator.engine == engine]
    if not mine:
        found = engine_named(engine)
        if not found.available():
            raise NarratorMissing(found.install_hint)
        raise NarratorMissing(f"{engine} has no voices installed here (meditate voices lists them)")
    if not voice:
        return mine[0]
    for narrator in mine:
        if narrator.voice == voice:
            return narrator
    names = [n.voice for n in mine]
    close = difflib.get_close_matches(voice, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise NarratorMissing(
        f"{engine} has no voice '{voice}' here: {hint}(it has: {', '.join(names)})"
    )


def speaks_for(session: Session) -> bool:
    """Whether a narrator changes what `session` sounds like: it has narration written only as
    text. (With `--voice`, every session with narration text.)"""
    return any(isinstance(s, Narration) and s.draft for s in flatten(session.steps))


def narrated(session: Session, narrator: Narrator | None) -> Session:
    """`session` as `narrator` speaks it (unchanged without one): its drafts spoken by that
    voice at the session's own pace."""
    if narrator is None or not speaks_for(session):
        return session
    own = session.voice or VoiceSettings()
    pitch = own.pitch if own.engine == narrator.engine else None
    voice = VoiceSettings(narrator.engine, narrator.voice, None, own.rate_wpm, pitch, own.where)
    return dataclasses.replace(session, voice=voice)
