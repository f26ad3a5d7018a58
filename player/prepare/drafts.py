"""Narration written only as text, spoken once and kept in the cache."""

from __future__ import annotations

from pathlib import Path

from player.common.cache import Cache
from player.session.model import VoiceSettings


def speak_draft(text: str, settings: VoiceSettings | None, cache: Cache) -> Path:
    """The WAV of `text` spoken as `settings` say (the default voice when None)."""
    from player.sound.speech import Voice, cached_speech  # numpy: only when drafts are spoken

    default = Voice()
    voice = (
        default
        if settings is None
        else Voice(name=settings.name, rate_wpm=settings.rate_wpm, pitch=settings.pitch)
    )
    return cached_speech(text, voice, cache)
