"""A publication narrated by a voice chosen for all its sessions (publish.yaml's `voice:`):
which voice, and each episode's timeline once that voice has spoken it."""

from __future__ import annotations

from player.output.publish.settings import NO_VOICE, PublishSettings
from player.prepare.narrator import NarratorChoice, parse_choice
from player.session.timeline import Timeline


def narrator_choice(settings: PublishSettings) -> NarratorChoice | None:
    """The voice publish.yaml names for every session, or None for their own clips."""
    if settings.voice is None or settings.voice == NO_VOICE:
        return None
    return parse_choice(settings.voice, bool(settings.replace_recorded))


def spoken(planned: Timeline, narrator: str | None) -> Timeline:
    """An episode's timeline as exported: with a narrator, placed by its clips' real lengths
    (spoken by the export) rather than as planned."""
    if narrator is None:
        return planned
    from player.prepare.unfolding import spoken_so_far
    from player.session.timeline import compile_timeline

    session = planned.session
    return compile_timeline(session, spoken=spoken_so_far(session))


def all_spoken(timeline: Timeline) -> bool:
    """Whether every clip of a timeline is there (a narrator's are kept in the cache)."""
    return all(event.clip is None or event.clip.exists() for event in timeline.events)
