"""An episode's chapters as a Podcasting 2.0 JSON chapters file (format version 1.2). Pure."""

from __future__ import annotations

import json

from player.output.publish.model import Episode

CHAPTERS_VERSION = "1.2.0"


def chapters_json(episode: Episode) -> str:
    """The chapters file of `episode`: each chapter's start and end in seconds, and title."""
    document: dict[str, object] = {"version": CHAPTERS_VERSION, "title": episode.title}
    if episode.author:
        document["author"] = episode.author
    document["fileName"] = episode.audio
    document["chapters"] = [
        {
            "startTime": chapter.start_ms / 1000,
            "endTime": chapter.end_ms / 1000,
            "title": chapter.title,
        }
        for chapter in episode.chapters
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
