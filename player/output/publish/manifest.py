"""The publication's own record, `publish-manifest.json` in its folder: every episode as
published (guid, date, digest, files, what the feed and page say) and every file that
`meditate publish` wrote there. Only files named here are ever replaced or deleted.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from player.common.errors import MeditateError
from player.common.files import write_file
from player.output.captions import Cue
from player.output.publish.model import Episode
from player.output.tags import ChapterTag

MANIFEST_FILE = "publish-manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    podcast_guid: str | None = None
    episodes: dict[str, Episode] = field(default_factory=dict)  # by session name
    owned: frozenset[str] = frozenset()  # file names in the folder that publish wrote

    def with_owned(self, *names: str) -> Manifest:
        return dataclasses.replace(self, owned=self.owned | set(names))


def read_manifest(folder: Path) -> Manifest:
    """The manifest of `folder`; an empty one when there is none yet.

    Raises MeditateError when it cannot be read: without it, which files are ours is unknown.
    """
    path = folder / MANIFEST_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest()
    except (OSError, UnicodeDecodeError) as error:
        raise MeditateError(f"cannot read {path}: {_reason(error)}") from None
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise ValueError(f"format {document.get('format')!r}, expected {FORMAT}")
        episodes = [_episode(entry) for entry in document["episodes"]]
        return Manifest(
            podcast_guid=document.get("podcast_guid"),
            episodes={episode.name: episode for episode in episodes},
            owned=frozenset(str(name) for name in document["owned"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise MeditateError(
            f"{path} is damaged ({error}): restore it from a copy, or publish into a new folder"
        ) from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    document = {
        "format": FORMAT,
        "about": "written by meditate publish: the files it wrote here, and what it published",
        "podcast_guid": manifest.podcast_guid,
        "owned": sorted(manifest.owned),
        "episodes": [_entry(manifest.episodes[name]) for name in sorted(manifest.episodes)],
    }
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    path = folder / MANIFEST_FILE
    if _unchanged(path, text):
        return
    write_file(path, text, force=True)


def _unchanged(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _entry(episode: Episode) -> dict[str, Any]:
    entry = dataclasses.asdict(episode)
    entry["published"] = episode.published.isoformat()
    entry["chapters"] = [[c.title, c.start_ms, c.end_ms] for c in episode.chapters]
    entry["cues"] = [[c.start_ms, c.end_ms, c.text] for c in episode.cues]
    return entry


def _episode(entry: dict[str, Any]) -> Episode:
    fields = {f.name for f in dataclasses.fields(Episode)}
    values = {key: value for key, value in entry.items() if key in fields}
    published = datetime.datetime.fromisoformat(entry["published"])
    if published.tzinfo is None:
        raise ValueError(f"{entry['name']}: a publication date without its time zone")
    values["published"] = published
    values["chapters"] = tuple(ChapterTag(str(t), int(s), int(e)) for t, s, e in entry["chapters"])
    values["cues"] = tuple(Cue(int(s), int(e), str(t)) for s, e, t in entry["cues"])
    return Episode(**values)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
