"""Narration written only as text, spoken once by the session's voice and kept in the cache.

All the drafts of a session are spoken in one batch, so an engine that takes a while to
load its voice (Piper) loads it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.session.model import VoiceSettings

if TYPE_CHECKING:
    from player.sound.speech import Ready, Voice


def draft_voice(settings: VoiceSettings | None, session_path: Path) -> Voice:
    """The voice a session's `voice:` names; a voice file relative to the session's folder."""
    from player.sound.speech import Voice  # numpy: only when drafts are spoken

    if settings is None:
        return Voice()
    model = None
    if settings.model is not None:
        model = Path(settings.model.written).expanduser()
        if not model.is_absolute():
            model = session_path.parent / model
    return Voice(
        engine=settings.engine,
        name=settings.name,
        model=model,
        rate_wpm=settings.rate_wpm,
        pitch=settings.pitch,
    )


class VoiceProblem(MeditateError):
    """The engine has no such voice, or cannot load the voice file named."""


def ready_voice(voice: Voice) -> Ready:
    """The voice checked: its engine installed and the voice there. Raises VoiceProblem for a
    voice that is not there, MeditateError for an engine that is not."""
    from player.sound.engines import UnknownVoice
    from player.sound.speech import prepare_voice

    try:
        return prepare_voice(voice)
    except UnknownVoice as error:
        raise VoiceProblem(str(error)) from None


def text_problem(text: str) -> str | None:
    """Why `text` cannot be spoken (empty, no words, too long), or None."""
    from player.sound.pacing import UnspeakableText, check_speakable

    try:
        check_speakable(text)
    except UnspeakableText as error:
        return str(error)
    return None


def speak_drafts(texts: Sequence[str], voice: Voice, cache: Cache) -> list[Path]:
    """The WAV of each text, the ones not cached yet spoken in one engine run."""
    from player.sound.speech import cached_speeches

    return cached_speeches(texts, voice, cache)
