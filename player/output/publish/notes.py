"""What a teacher should know before a feed goes out, said as publish plans: placeholders
left from `meditate new`'s template, descriptions too long for Apple Podcasts, tags written
as ID3v2.4 for their emoji, and the defaults the podcast's title and description took."""

from __future__ import annotations

from typing import TYPE_CHECKING

from player.output.export import FileSettings, track_tags
from player.output.id3_version import id3_note
from player.output.publish.model import Channel
from player.output.publish.settings import PublishSettings
from player.session.placeholders import placeholder_problems

if TYPE_CHECKING:
    from player.output.publish.publish import Entry

DESCRIPTION_BYTES = 4000  # the most Apple Podcasts takes of a description


def plan_notes(
    settings: PublishSettings, entries: list[Entry], channel: Channel, *, first: bool
) -> tuple[str, ...]:
    """What the teacher should know before the feed goes out: placeholders left from the
    template, descriptions too long for Apple Podcasts, and, on the `first` publication of a
    folder, the defaults the podcast's title and description took."""
    notes: list[str] = []
    id3 = FileSettings().id3_version
    for entry in entries:
        notes += [str(problem) for problem in placeholder_problems(entry.path)]
        tags_note = id3_note(track_tags(entry.timeline), id3) if entry.action == "export" else None
        if tags_note:
            notes.append(f"meditate: {entry.name}: {tags_note}")
        size = len((entry.timeline.session.description or "").encode("utf-8"))
        if size > DESCRIPTION_BYTES:
            notes.append(
                f"meditate: {entry.name}: warning: its description is {size:,} bytes, and Apple "
                f"Podcasts takes at most {DESCRIPTION_BYTES:,}: shorten it"
            )
    size = len((settings.description or "").encode("utf-8"))
    if size > DESCRIPTION_BYTES:
        notes.append(
            f"meditate: warning: the podcast's description is {size:,} bytes, and Apple "
            f"Podcasts takes at most {DESCRIPTION_BYTES:,}: shorten it (--description)"
        )
    if first and settings.title is None:
        notes.append(
            f"meditate: the podcast is called '{channel.title}', a default: name it with --title"
        )
    if first and settings.description is None:
        notes.append(
            f"meditate: the podcast is described as '{channel.description}', a default: "
            "describe it with --description"
        )
    return tuple(notes)
