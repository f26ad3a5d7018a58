"""What decides an episode's files, as one digest: when it is unchanged, so are they.

The script, every file it plays or embeds (by content: a clip copied elsewhere or touched is
the same clip) and the options the audio is made with. Not the version of meditate: a new
release does not make every episode anew by itself (FORMAT does, when raised). File digests
are remembered under each file's size and modification time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from player.common.cache import Cache, file_digest, user_cache
from player.output.export import FileSettings, cover_path, track_tags
from player.output.id3_version import id3_version_for
from player.session.model import Narration, flatten
from player.session.timeline import Timeline
from player.sound.render import RenderOptions

# Raise when publish makes an episode's files differently, so every episode is made anew.
FORMAT = 1


def episode_digest(
    timeline: Timeline, options: RenderOptions, settings: FileSettings, cache: Cache | None = None
) -> str:
    """A hex digest of everything that decides the files of `timeline`'s episode."""
    cache = cache or user_cache()
    session = timeline.session
    files = [session.path, *_played_files(timeline)]
    cover = cover_path(session)
    if cover.exists():  # an export without the bundled cover has none
        files.append(cover)
    # a narrator's clip is known by its name, a digest of all that decides it, whether it
    # is spoken yet or not
    narrated = {
        step.clip.found
        for step in flatten(session.steps)
        if isinstance(step, Narration) and step.narrated and step.clip is not None
    }
    document = {
        "format": FORMAT,
        "options": dataclasses.asdict(options),
        "settings": dataclasses.asdict(settings),
        "files": [path.name if path in narrated else file_digest(path, cache) for path in files],
    }
    id3 = id3_version_for(track_tags(timeline), settings.id3_version)
    if id3 != settings.id3_version:  # tags that v2.3 readers misread: written since as v2.4
        document["id3"] = id3
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _played_files(timeline: Timeline) -> list[Path]:
    """Every file the timeline plays, once each, in order of first use."""
    seen: dict[Path, None] = {}
    for event in timeline.events:
        if event.clip is not None:
            seen.setdefault(event.clip, None)
    for span in timeline.beds:
        if span.bed.file is not None:
            seen.setdefault(span.bed.file.found, None)
    return list(seen)
