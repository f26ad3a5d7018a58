"""Vorbis comments, the tags of FLAC and OGG files (see tags.py): chapters as
CHAPTER001=HH:MM:SS.mmm and CHAPTER001NAME=title, the cover as a picture block with its real
size, the language as LANGUAGE (its BCP 47 tag) and a synthetic narrator as NARRATOR."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from pathlib import Path

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.id3 import PictureType
from mutagen.oggvorbis import OggVorbis

from player.common.errors import MeditateError
from player.common.images import NotAnImage, image_info
from player.output.tag_values import NARRATOR, ChapterTag, TrackTags

_PICTURE_KEY = "METADATA_BLOCK_PICTURE"
_MAX_VORBIS_CHAPTERS = 999  # CHAPTERnnn has three digits; ffmpeg reads no more
_CHAPTER_KEY = re.compile(r"CHAPTER(\d{3})")
_TIMESTAMP = re.compile(r"(\d+):(\d{2}):(\d{2})(?:\.(\d{1,3}))?")


def write_flac(path: Path, tags: TrackTags) -> None:
    flac = FLAC(path)
    if flac.tags is None:
        flac.add_tags()
    else:
        flac.tags.clear()
    flac.clear_pictures()
    for key, value in _vorbis_comments(tags):
        flac.tags[key] = [value]
    if tags.cover:
        flac.add_picture(_picture(tags))
    flac.save()


def write_ogg(path: Path, tags: TrackTags) -> None:
    ogg = OggVorbis(path)
    ogg.tags.clear()
    for key, value in _vorbis_comments(tags):
        ogg.tags[key] = [value]
    if tags.cover:
        ogg.tags[_PICTURE_KEY] = [base64.b64encode(_picture(tags).write()).decode("ascii")]
    ogg.save()


def _vorbis_comments(tags: TrackTags) -> list[tuple[str, str]]:
    if len(tags.chapters) > _MAX_VORBIS_CHAPTERS:
        raise MeditateError(
            f"{len(tags.chapters)} chapters: FLAC and OGG hold at most {_MAX_VORBIS_CHAPTERS}"
        )
    fields = [
        ("TITLE", tags.title),
        ("ARTIST", tags.artist),
        ("ALBUM", tags.album),
        ("GENRE", tags.genre),
        ("DATE", str(tags.year) if tags.year is not None else None),
        # Players disagree on which of the two holds a comment; mediafile writes both.
        ("DESCRIPTION", tags.comment),
        ("COMMENT", tags.comment),
        ("LYRICS", tags.lyrics),
        ("LANGUAGE", tags.language),
        (NARRATOR, tags.narrator),
    ]
    for number, chapter in enumerate(tags.chapters, start=1):
        fields.append((f"CHAPTER{number:03d}", _timestamp(chapter.start_ms)))
        fields.append((f"CHAPTER{number:03d}NAME", chapter.title))
    return [(key, value) for key, value in fields if value]


def _comment_dict(comments: Iterable[tuple[str, str]] | None) -> dict[str, list[str]]:
    """The comments by upper-case key (Vorbis keys are case-insensitive)."""
    by_key: dict[str, list[str]] = {}
    for key, value in comments or ():
        by_key.setdefault(key.upper(), []).append(value)
    return by_key


def _read_vorbis(
    comments: dict[str, list[str]], cover: Picture | None, length_ms: int
) -> TrackTags:
    def text(*keys: str) -> str | None:
        for key in keys:
            values = comments.get(key)
            if values:
                return values[0]
        return None

    date = re.match(r"\d{4}", text("DATE") or "")
    return TrackTags(
        title=text("TITLE") or "",
        artist=text("ARTIST"),
        album=text("ALBUM"),
        genre=text("GENRE") or "",
        year=int(date.group()) if date else None,
        comment=text("DESCRIPTION", "COMMENT"),
        lyrics=text("LYRICS"),
        cover=cover.data if cover else None,
        cover_mime=cover.mime if cover else TrackTags.cover_mime,
        chapters=_read_vorbis_chapters(comments, length_ms),
        language=text("LANGUAGE"),
        narrator=text(NARRATOR),
    )


def _read_vorbis_chapters(comments: dict[str, list[str]], length_ms: int) -> tuple[ChapterTag, ...]:
    """Vorbis chapters have only a start: each ends where the next begins, the last at the end."""
    starts: list[tuple[int, str]] = []
    for key in comments:
        match = _CHAPTER_KEY.fullmatch(key)
        if match:
            name = comments.get(f"CHAPTER{match.group(1)}NAME") or [""]
            starts.append((_parse_timestamp(comments[key][0]), name[0]))
    starts.sort()
    ends = [start for start, _ in starts[1:]] + [length_ms] if starts else []
    return tuple(
        ChapterTag(title, start, end) for (start, title), end in zip(starts, ends, strict=True)
    )


def _timestamp(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _parse_timestamp(text: str) -> int:
    match = _TIMESTAMP.fullmatch(text.strip())
    if not match:
        return 0
    hours, minutes, seconds, fraction = match.groups()
    millis = int((fraction or "0").ljust(3, "0"))
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def _picture(tags: TrackTags) -> Picture:
    """The cover as a FLAC picture block, with the size and depth readers show."""
    picture = Picture()
    picture.type = PictureType.COVER_FRONT
    picture.desc = ""
    picture.data = tags.cover or b""
    try:
        info = image_info(picture.data)
    except NotAnImage as error:
        raise MeditateError(f"the cover image cannot be embedded: {error}") from None
    picture.mime = info.mime
    picture.width, picture.height, picture.depth = info.width, info.height, info.depth
    return picture


def _front_cover(pictures: list[Picture]) -> Picture | None:
    fronts = [picture for picture in pictures if picture.type == PictureType.COVER_FRONT]
    return (fronts or pictures or [None])[0]


def _length_ms(audio: mutagen.FileType) -> int:
    return round(audio.info.length * 1000)


def read_flac(flac: FLAC) -> TrackTags:
    comments = _comment_dict(flac.tags)
    return _read_vorbis(comments, _front_cover(flac.pictures), _length_ms(flac))


def read_ogg(ogg: OggVorbis) -> TrackTags:
    comments = _comment_dict(ogg.tags)
    blocks = comments.get(_PICTURE_KEY, [])
    pictures = [Picture(base64.b64decode(block)) for block in blocks]
    return _read_vorbis(comments, _front_cover(pictures), _length_ms(ogg))
