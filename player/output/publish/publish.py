"""Publishes sessions into a folder: their MP3s, chapters and transcripts, a cover, the web
page and the feed, redoing only what changed.

Every file that holds an episode is named after the digest of what decides it
(`grounding-1a2b3c4d.mp3`), so a new version never overwrites the one the current feed
names. A run, in order: it claims in the manifest the names it is about to write, exports
what changed (in parallel), writes the sidecars and the cover, records the new episodes,
writes the page and then the feed (the moment the publication changes), and only then
deletes the files the feed no longer names. Stopped at any point, the folder still holds a
valid feed naming complete files, and the next run reuses what was finished.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from player.common.cache import file_digest
from player.common.clock import now
from player.common.errors import MeditateError
from player.common.files import NAME_MAX, shortened, write_file
from player.common.images import NotAnImage, image_info
from player.output import batch
from player.output.captions import caption_cues, webvtt
from player.output.export import FileSettings, chapter_tags
from player.output.publish.artwork import bundled_cover, write_square_cover
from player.output.publish.chapters import chapters_json
from player.output.publish.feed import feed_xml
from player.output.publish.fingerprint import episode_digest
from player.output.publish.manifest import MANIFEST_FILE, Manifest, read_manifest, write_manifest
from player.output.publish.model import FEED_FILE, PAGE_FILE, Channel, Episode
from player.output.publish.narration import all_spoken, narrator_choice, spoken
from player.output.publish.notes import plan_notes
from player.output.publish.page import index_html
from player.output.publish.settings import (
    DEFAULT_BITRATE,
    DEFAULT_LANGUAGE,
    DEFAULT_LOUDNESS,
    SETTINGS_FILE,
    PublishSettings,
    write_settings,
)
from player.session.timeline import Timeline
from player.sound.render import RenderOptions

# Podcasting 2.0: podcast:guid is a UUIDv5 of the feed's address in this namespace
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_DIGEST_CHARS = 8
_LONGEST_SUFFIX = ".chapters.json"
DEFAULT_TITLE = "Guided meditations"

Action = Literal["export", "reuse", "unchanged"]


@dataclass(frozen=True)
class Entry:
    """One session to publish now, and what its files will be called."""

    name: str
    path: Path
    timeline: Timeline  # with a narrator, as planned until its clips are spoken
    digest: str
    action: Action  # export it; reuse a finished export of an interrupted run; or keep as is
    narrator: str | None = None  # who narrates it, when a voice was chosen (--voice)

    @property
    def stem(self) -> str:
        """The files' common name: the session's, cut short where a file name could not hold it
        (a name is at most 255 bytes, and a 60-emoji session name is 240)."""
        room = NAME_MAX - len(_LONGEST_SUFFIX) - 1 - _DIGEST_CHARS
        return f"{shortened(self.name, room)}-{self.digest[:_DIGEST_CHARS]}"

    @property
    def audio(self) -> str:
        return f"{self.stem}.mp3"

    def files(self) -> list[str]:
        names = [self.audio]
        if self.timeline.chapters:
            names.append(f"{self.stem}.chapters.json")
        if caption_cues(self.timeline):
            names.append(f"{self.stem}.vtt")
        if self.timeline.session.cover:
            names.append(f"{self.stem}.jpg")
        return names


@dataclass(frozen=True)
class Plan:
    folder: Path
    settings: PublishSettings  # merged and complete enough to publish
    manifest: Manifest
    entries: tuple[Entry, ...]
    problems: tuple[tuple[str, str], ...]  # (session, why it cannot be published: lines to show)
    notes: tuple[str, ...]  # warnings, and the defaults it used: lines to show
    pruned: tuple[str, ...]  # published before, removed now
    cover_source: Path
    cover_file: str
    force: bool

    @property
    def frames(self) -> int:
        """Audio to render, for a progress display."""
        return sum(e.timeline.length for e in self.entries if e.action == "export")


@dataclass
class Report:
    exported: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # published before, not named now, kept
    episodes: int = 0
    feed_url: str = ""
    page_url: str = ""


def plan_publish(
    folder: Path,
    settings: PublishSettings,
    sessions: list[tuple[str, Path]],
    *,
    prune: bool,
    force: bool,
    missing: list[tuple[str, str]] | None = None,
) -> Plan:
    """What a run will do, worked out before anything is written.

    `missing` are sessions asked for that were not found (name, message): they are reported, and
    what was published of them stays. Raises MeditateError when it cannot publish at all: no
    base URL, or files in the way that publish did not write (unless `force`).
    """
    from player.prepare.unfolding import prepare_narrated
    from player.session.problems import SessionError
    from player.session.timeline import compile_timeline

    if settings.base_url is None:
        raise MeditateError(
            f"{folder}: give the address it will be served at, with --base-url "
            "(it is remembered in publish.yaml)"
        )
    _check_folder(folder)
    manifest = read_manifest(folder)
    cover_source = settings.cover or bundled_cover()
    _check_image(cover_source)
    options, file_settings = _render_options(settings), _file_settings(settings)
    entries: list[Entry] = []
    problems: list[tuple[str, str]] = list(missing or ())
    choice = narrator_choice(settings)
    for name, path in _unique(sessions):
        try:
            narrated = prepare_narrated(path, choice)
            timeline = compile_timeline(narrated.session)  # a narrator's, as planned
        except SessionError as error:
            problems.append((name, "\n".join(str(p) for p in error.problems)))
            continue
        except MeditateError as error:
            problems.append((name, f"meditate: {name}: {error}"))
            continue
        digest = episode_digest(timeline, options, file_settings)
        entries.append(Entry(name, path, timeline, digest, "export", narrated.credit))
    entries = [dataclasses.replace(e, action=_action(e, folder, manifest)) for e in entries]
    named = {name for name, _ in sessions} | {name for name, _ in problems}
    pruned = tuple(sorted(set(manifest.episodes) - named)) if prune else ()
    cover_file = f"cover-{file_digest(cover_source)[:_DIGEST_CHARS]}.jpg"
    first = manifest.podcast_guid is None
    notes = plan_notes(settings, entries, _channel(settings, "", None), first=first)
    plan = Plan(
        folder, settings, manifest, tuple(entries), tuple(problems), notes, pruned,
        cover_source, cover_file, force,
    )  # fmt: skip
    _check_clashes(plan)
    return plan


def run_publish(
    plan: Plan,
    *,
    jobs: int,
    progress: Callable[[int], None],
    finished: Callable[[batch.BatchOutcome], None],
    worker_setup: Callable[[], None] | None = None,
) -> Report:
    """Carry out `plan`; see the module's notes for the order, which keeps the feed valid."""
    folder, manifest = plan.folder, plan.manifest
    claimed = [n for e in plan.entries if e.action != "unchanged" for n in e.files()]
    claimed += [plan.cover_file, FEED_FILE, PAGE_FILE, SETTINGS_FILE]
    manifest = manifest.with_owned(*claimed)
    write_manifest(folder, manifest)  # before anything else, so what follows is known ours
    write_settings(folder, plan.settings)
    report = Report(failed=list(plan.problems), pruned=list(plan.pruned))
    to_export = [e for e in plan.entries if e.action == "export"]
    items = [
        batch.BatchItem(e.name, e.path, folder / e.audio, e.timeline.length) for e in to_export
    ]
    outcomes = batch.run(
        items, jobs=jobs, options=_render_options(plan.settings),
        settings=_file_settings(plan.settings), force=plan.force,
        progress=progress, finished=finished, worker_setup=worker_setup,
        narrator=narrator_choice(plan.settings),
    )  # fmt: skip
    errors = {o.item.name: o.error for o in outcomes if o.error}
    report.failed += list(errors.items())
    episodes = {n: e for n, e in manifest.episodes.items() if n not in plan.pruned}
    moment = now().astimezone(datetime.timezone.utc).replace(microsecond=0)
    fresh = 0
    for entry in plan.entries:
        if entry.name in errors:
            continue
        done = {"export": report.exported, "reuse": report.reused, "unchanged": report.unchanged}
        done[entry.action].append(entry.name)
        if entry.action == "unchanged":
            continue
        earlier = manifest.episodes.get(entry.name)
        if earlier is None:
            fresh += 1  # new ones a second apart, in the order given: apps list them so
        published = earlier.published if earlier else moment - datetime.timedelta(seconds=fresh)
        guid = earlier.guid if earlier else str(uuid.uuid4())
        episodes[entry.name] = _write_episode(plan, entry, guid, published)
    _write_cover(plan)
    channel = _channel(plan.settings, plan.cover_file, manifest.podcast_guid, episodes)
    manifest = dataclasses.replace(manifest, podcast_guid=channel.podcast_guid, episodes=episodes)
    write_manifest(folder, manifest)
    _write_if_changed(folder / PAGE_FILE, index_html(channel, list(episodes.values())))
    _write_if_changed(folder / FEED_FILE, feed_xml(channel, list(episodes.values())))
    keep = {FEED_FILE, PAGE_FILE, SETTINGS_FILE, MANIFEST_FILE, plan.cover_file}
    keep.update(name for episode in episodes.values() for name in episode.files)
    for name in sorted(manifest.owned - keep):
        (folder / name).unlink(missing_ok=True)  # only ever a file publish wrote
    write_manifest(folder, dataclasses.replace(manifest, owned=frozenset(keep)))
    named = {e.name for e in plan.entries} | {name for name, _ in plan.problems}
    report.kept = sorted(set(episodes) - named)
    report.episodes = len(episodes)
    report.feed_url, report.page_url = channel.feed_url, channel.base_url
    return report


def _write_cover(plan: Plan) -> None:
    target = plan.folder / plan.cover_file
    if not (target.exists() and plan.cover_file in plan.manifest.owned):
        write_square_cover(plan.cover_source, target, force=True)


def _write_episode(plan: Plan, entry: Entry, guid: str, published: datetime.datetime) -> Episode:
    folder, timeline = plan.folder, spoken(entry.timeline, entry.narrator)
    session = timeline.session
    names = entry.files()
    episode = Episode(
        name=entry.name,
        guid=guid,
        published=published,
        digest=entry.digest,
        title=session.title,
        description=session.description,
        author=session.author,
        seconds=timeline.seconds,
        audio=entry.audio,
        audio_bytes=(folder / entry.audio).stat().st_size,
        chapters_file=_named(names, ".chapters.json"),
        transcript_file=_named(names, ".vtt"),
        image=_named(names, ".jpg"),
        chapters=chapter_tags(timeline),
        cues=caption_cues(timeline),
        language=session.language,
        narrator=entry.narrator,
    )
    if episode.chapters_file:
        _write_if_changed(folder / episode.chapters_file, chapters_json(episode))
    if episode.transcript_file:
        _write_if_changed(folder / episode.transcript_file, webvtt(episode.cues))
    if episode.image and not (folder / episode.image).exists():
        assert session.cover is not None
        write_square_cover(session.cover.found, folder / episode.image, force=True)
    return episode


def _render_options(settings: PublishSettings) -> RenderOptions:
    return RenderOptions(loudness=settings.loudness or DEFAULT_LOUDNESS)


def _file_settings(settings: PublishSettings) -> FileSettings:
    return FileSettings(bitrate=settings.bitrate or DEFAULT_BITRATE)


def _check_image(path: Path) -> None:
    try:
        image_info(path.read_bytes())
    except OSError as error:
        raise MeditateError(f"cover {path} cannot be read: {error.strerror}") from None
    except NotAnImage as error:
        raise MeditateError(f"cover {path} cannot be used: {error}") from None


def _channel(
    settings: PublishSettings,
    cover_file: str,
    podcast_guid: str | None,
    episodes: dict[str, Episode] | None = None,
) -> Channel:
    assert settings.base_url is not None
    spoken = {episode.language for episode in (episodes or {}).values()}
    common = spoken.pop() if len(spoken) == 1 else None  # every episode's language: theirs
    title = settings.title or (
        f"Meditations by {settings.author}" if settings.author else DEFAULT_TITLE
    )
    feed = settings.base_url + FEED_FILE
    guid = podcast_guid or str(
        uuid.uuid5(PODCAST_GUID_NAMESPACE, feed.split("://", 1)[1].rstrip("/"))
    )
    return Channel(
        base_url=settings.base_url,
        title=title,
        description=settings.description
        or (f"Guided audio meditations by {settings.author}." if settings.author else title),
        language=settings.language or common or DEFAULT_LANGUAGE,
        explicit=bool(settings.explicit),
        image=cover_file,
        podcast_guid=guid,
        author=settings.author,
        owner_name=settings.owner_name,
        owner_email=settings.owner_email,
    )


def _action(entry: Entry, folder: Path, manifest: Manifest) -> Action:
    earlier = manifest.episodes.get(entry.name)
    if earlier is not None and earlier.digest == entry.digest and _intact(earlier, folder):
        return "unchanged"
    audio = folder / entry.audio
    if entry.audio in manifest.owned and audio.is_file() and all_spoken(entry.timeline):
        return "reuse"  # written whole (atomically) by a run that stopped before its feed
    return "export"


def _intact(episode: Episode, folder: Path) -> bool:
    try:
        if (folder / episode.audio).stat().st_size != episode.audio_bytes:
            return False
    except OSError:
        return False
    return all((folder / name).is_file() for name in episode.files)


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise MeditateError(f"{folder} is not a folder: choose a folder to publish into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MeditateError(
            f"cannot create folder {folder}: {error.strerror} (choose another folder)"
        ) from None
    try:  # before any work: can files be made here at all?
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise MeditateError(
            f"cannot write in folder {folder}: {(error.strerror or str(error)).lower()} "
            "(choose another folder or fix its permissions)"
        ) from None


def _check_clashes(plan: Plan) -> None:
    """Refuse to replace files that publish did not write, unless forced."""
    if plan.force:
        return
    names = [n for e in plan.entries if e.action == "export" for n in e.files()]
    names += [plan.cover_file, FEED_FILE, PAGE_FILE]
    foreign = [
        name
        for name in dict.fromkeys(names)
        if name not in plan.manifest.owned and (plan.folder / name).exists()
    ]
    if foreign:
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        them = "it" if len(foreign) == 1 else "them"
        raise MeditateError(
            f"{plan.folder} holds files that meditate publish did not write and would replace "
            f"({shown}): move {them} away, or use --force to replace {them}"
        )


def _unique(sessions: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    seen: dict[str, Path] = {}
    for name, path in sessions:
        if name in seen and seen[name] != path:
            raise MeditateError(
                f"two sessions are named '{name}' ({seen[name]} and {path}): "
                "an episode is known by its session's name, so rename one"
            )
        seen[name] = path
    return list(seen.items())


def _named(names: list[str], suffix: str) -> str | None:
    return next((name for name in names if name.endswith(suffix)), None)


def _write_if_changed(path: Path, content: str | bytes) -> bool:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_file(path, data, force=True)
    return True
