"""Writes a rendered session to a finished, tagged file: streamed, atomic, never clobbering."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from player.common.audio_format import SAMPLE_RATE
from player.common.files import atomic_output, write_file
from player.common.images import NotAnImage, image_info
from player.common.paths import bundled_audio_dir
from player.output.captions import caption_cues, captions_text, synced_lines
from player.output.encoder import format_for, open_encoder
from player.output.id3_version import id3_note
from player.output.tags import ChapterTag, TrackTags, riff_info, write_tags
from player.session.model import Narration, Repeat, Session, Step
from player.session.timeline import Timeline
from player.sound.render import Renderer, RenderOptions

DEFAULT_BITRATE = "128k"
DEFAULT_COVER = "cover.png"
# ID3v2.3 by default: every reader of v2.4 reads v2.3, and many car stereos, phones and
# id3lib-based tools read only v2.3 (v2.4's synchsafe frame sizes garble long frames there).
DEFAULT_ID3_VERSION = 3
LOUDNESS_TOLERANCE = 0.5  # LU, as EBU R128 allows

Progress = Callable[[int], None]


@dataclass(frozen=True)
class FileSettings:
    """How an exported file is written, whatever it holds."""

    bitrate: str = DEFAULT_BITRATE  # MP3 and OGG
    id3_version: int = DEFAULT_ID3_VERSION  # MP3 and WAV: 3 or 4


@dataclass(frozen=True)
class ExportResult:
    path: Path
    seconds: float
    chapters: int
    loudness: float | None  # integrated loudness of what was written (LUFS), by ffmpeg's meter
    target: float  # what was asked for
    note: str | None = None  # why the tags are not the ID3 version asked for, if they are not

    @property
    def off_target(self) -> bool:
        """Whether the file missed its target by more than EBU R128's tolerance (0.5 LU)."""
        return self.loudness is not None and abs(self.loudness - self.target) > LOUDNESS_TOLERANCE


def export(
    timeline: Timeline,
    target: Path,
    *,
    options: RenderOptions | None = None,
    settings: FileSettings | None = None,
    force: bool = False,
    start: int = 0,
    progress: Progress | None = None,
    plan: Timeline | None = None,
    narrator: str | None = None,
) -> ExportResult:
    """Render `timeline` from frame `start` into `target`, in the format its suffix names.

    A timeline whose narration a narrator spoke (--voice) is levelled by its `plan`, as its
    playback is, and its tags name the `narrator`. The file appears only once it is complete
    and tagged; an existing file is replaced only with `force`. Raises MeditateError for
    anything the user can fix.
    """
    settings = settings or FileSettings()
    fmt = format_for(target)
    options = dataclasses.replace(options or RenderOptions(), start=start)
    renderer = Renderer(timeline, options, plan=plan)
    tags = track_tags(timeline, start, narrator)
    metadata = riff_info(tags) if fmt == "wav" else None
    with atomic_output(target, force=force) as partial:
        with open_encoder(
            partial, fmt, bitrate=settings.bitrate, name=str(target), metadata=metadata
        ) as encoder:
            for block in renderer.blocks(start):
                encoder.write(block.tobytes())
                if progress:
                    progress(len(block))
        write_tags(partial, tags, fmt, id3_version=settings.id3_version)
    return ExportResult(
        target,
        (timeline.length - start) / SAMPLE_RATE,
        len(tags.chapters),
        encoder.loudness,
        renderer.options.loudness,
        id3_note(tags, settings.id3_version) if fmt in ("mp3", "wav") else None,
    )


def track_tags(timeline: Timeline, start: int = 0, narrator: str | None = None) -> TrackTags:
    """Tags for an export of `timeline` from frame `start`: chapters are shifted to match."""
    session = timeline.session
    cover = _cover_bytes(session)
    return TrackTags(
        language=session.language,
        narrator=narrator,
        title=session.title,
        artist=session.author,
        album=session.title,
        year=datetime.date.today().year,
        comment=session.description,
        lyrics="\n".join(_lyric_lines(session.steps)) or None,
        cover=cover,
        cover_mime=_mime(cover),
        chapters=chapter_tags(timeline, start),
        synced_lyrics=tuple(synced_lines(caption_cues(timeline, start))),
    )


def write_captions(
    timeline: Timeline, target: Path, fmt: str, *, start: int = 0, force: bool = False
) -> Path:
    """Write the narration's captions for an export from frame `start` to `target` (atomic,
    never replacing a file without `force`), as WebVTT, SubRip or LRC (`fmt`)."""
    session = timeline.session
    text = captions_text(
        fmt,
        caption_cues(timeline, start),
        title=session.title,
        artist=session.author or "",
        language=session.language,
    )
    write_file(target, text, force=force)
    return target


def chapter_tags(timeline: Timeline, start: int = 0) -> tuple[ChapterTag, ...]:
    """The chapters of an export from frame `start`, shifted to match, in milliseconds."""
    chapters = []
    for mark in timeline.chapters:
        if mark.end <= start:
            continue
        begin = max(mark.start - start, 0)
        chapters.append(ChapterTag(mark.title, _ms(begin), _ms(mark.end - start)))
    return tuple(chapters)


def _ms(frames: int) -> int:
    return round(frames * 1000 / SAMPLE_RATE)


def _lyric_lines(steps: tuple[Step, ...]) -> Iterator[str]:
    for step in steps:
        if isinstance(step, Narration) and step.text:
            yield step.text
        elif isinstance(step, Repeat):
            inner = list(_lyric_lines(step.steps))
            if inner and step.count > 1:
                yield f"({step.count} times:) " + " ".join(inner)
            else:
                yield from inner


def cover_path(session: Session) -> Path:
    """The image an export embeds as its cover: the session's own, else the bundled one."""
    return session.cover.found if session.cover else bundled_audio_dir() / DEFAULT_COVER


def _cover_bytes(session: Session) -> bytes | None:
    try:
        return cover_path(session).read_bytes()
    except OSError:
        return None


def _mime(cover: bytes | None) -> str:
    try:
        return image_info(cover).mime if cover else "image/png"
    except NotAnImage:
        return "image/png"
