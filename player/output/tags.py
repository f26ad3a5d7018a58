"""One small interface over the tags of MP3, FLAC, OGG Vorbis and WAV files (via mutagen).

MP3 and WAV carry ID3v2.4, or v2.3 when asked unless a text needs v2.4 (see id3_version.py);
WAV in its 'id3 ' chunk, and the encoder also writes a RIFF INFO list (see `riff_info`). ID3
holds chapters as CHAP frames in time order under one ordered top-level CTOC, which comes
first, and the narration as synchronised lyrics (SYLT) as well as plain ones (USLT). FLAC and
OGG carry Vorbis comments, with chapters as CHAPTER001=HH:MM:SS.mmm and CHAPTER001NAME=title,
and a picture block that gives the cover's real size. Empty text is not written.
"""

from __future__ import annotations

import base64
import re
import types
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    SYLT,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    USLT,
    CTOCFlags,
    Encoding,
    ID3v1SaveOptions,
    PictureType,
)
from mutagen.id3._tags import save_frame
from mutagen.mp3 import MP3
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from player.common.errors import MeditateError
from player.common.images import NotAnImage, image_info
from player.output.id3_version import id3_version_for

ID3_VERSIONS = (3, 4)


@dataclass(frozen=True)
class ChapterTag:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class TrackTags:
    title: str
    artist: str | None = None
    album: str | None = None
    genre: str = "Meditation"
    year: int | None = None
    comment: str | None = None
    lyrics: str | None = None  # the narration text, one line per clip
    cover: bytes | None = None  # image bytes
    cover_mime: str = "image/png"
    chapters: tuple[ChapterTag, ...] = ()
    synced_lyrics: tuple[tuple[int, str], ...] = ()  # (ms, text): a line from its time on (ID3)


def write_tags(path: Path, tags: TrackTags, fmt: str, *, id3_version: int = 4) -> int | None:
    """Replace all tags of the file at `path`, whose format is `fmt` (mp3, flac, ogg or wav).

    MP3 and WAV get ID3v2.`id3_version` (3 or 4), or v2.4 where v2.3 would be misread; the
    version written is returned (None for FLAC and OGG).
    """
    if id3_version not in ID3_VERSIONS:
        raise ValueError(f"ID3v2.{id3_version} is not written; choose 3 or 4")
    id3_version = id3_version_for(tags, id3_version)
    if fmt == "mp3":
        _write_mp3(path, tags, id3_version)
    elif fmt == "wav":
        _write_wav(path, tags, id3_version)
    elif fmt == "flac":
        _write_flac(path, tags)
    elif fmt == "ogg":
        _write_ogg(path, tags)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return id3_version if fmt in ("mp3", "wav") else None


def riff_info(tags: TrackTags) -> dict[str, str]:
    """The tags as ffmpeg metadata for a WAV file's RIFF INFO list (INAM, IART, IPRD, ...).

    Players that read no ID3 in WAV (GStreamer among them) read these. ffmpeg writes the list
    before the audio, where a streaming reader finds it.
    """
    fields = {
        "title": tags.title,
        "artist": tags.artist,
        "album": tags.album,
        "genre": tags.genre,
        "date": str(tags.year) if tags.year is not None else None,
        "comment": tags.comment,
    }
    return {key: value for key, value in fields.items() if value}


def read_tags(path: Path) -> TrackTags:
    """The tags of an MP3, FLAC, OGG Vorbis or WAV file; absent text reads as empty or None."""
    audio = mutagen.File(path)
    if isinstance(audio, (MP3, WAVE)):
        return _read_id3(audio.tags or ID3())
    if isinstance(audio, FLAC):
        comments = _comment_dict(audio.tags)
        return _read_vorbis(comments, _front_cover(audio.pictures), _length_ms(audio))
    if isinstance(audio, OggVorbis):
        comments = _comment_dict(audio.tags)
        blocks = comments.get(_PICTURE_KEY, [])
        pictures = [Picture(base64.b64decode(block)) for block in blocks]
        return _read_vorbis(comments, _front_cover(pictures), _length_ms(audio))
    raise MeditateError(f"cannot read tags of {path}: not an MP3, FLAC, OGG Vorbis or WAV file")


# ID3 (MP3 and WAV)

_TOC_ID = "toc"


def _write_mp3(path: Path, tags: TrackTags, version: int) -> None:
    id3 = ID3()
    _fill_id3(id3, tags, version)
    _in_reading_order(id3)
    id3.save(path, v1=ID3v1SaveOptions.REMOVE, v2_version=version)


def _write_wav(path: Path, tags: TrackTags, version: int) -> None:
    wave = WAVE(path)
    if wave.tags is None:
        wave.add_tags()
    else:
        wave.tags.clear()
    _fill_id3(wave.tags, tags, version)
    _in_reading_order(wave.tags)
    wave.save(v2_version=version)


def _in_reading_order(id3: ID3) -> None:
    """Make `id3` write its table of contents first and its chapters in time order.

    mutagen orders frames by size, but ffmpeg (and so most tools built on it) ignores the
    CTOC and takes chapters in the order of the file: out of order, they come out broken.
    """

    def write(self: ID3, config: object) -> bytearray:
        frames = list(self.values())

        def rank(frame: object) -> tuple[int, int]:
            if isinstance(frame, CTOC):
                return (1, 0)
            if isinstance(frame, CHAP):
                return (2, frame.start_time)
            if isinstance(frame, APIC):
                return (4, 0)
            return (0 if getattr(frame, "FrameID", "").startswith("T") else 3, 0)

        ordered = sorted(frames, key=rank)  # stable: text frames keep their insertion order
        return bytearray().join(save_frame(frame, config=config) for frame in ordered)

    id3._write = types.MethodType(write, id3)


def _fill_id3(id3: ID3, tags: TrackTags, version: int) -> None:
    # ID3v2.3 has no UTF-8: UTF-16 is the encoding every v2.3 reader knows
    utf8 = Encoding.UTF8 if version == 4 else Encoding.UTF16
    for frame, text in ((TIT2, tags.title), (TPE1, tags.artist), (TALB, tags.album)):
        if text:
            id3.add(frame(encoding=utf8, text=[text]))
    if tags.genre:
        id3.add(TCON(encoding=utf8, text=[tags.genre]))
    if tags.year is not None:
        id3.add(TDRC(encoding=utf8, text=[str(tags.year)]))
    if tags.comment:
        id3.add(COMM(encoding=utf8, lang="eng", desc="", text=[tags.comment]))
    if tags.lyrics:
        id3.add(USLT(encoding=utf8, lang="eng", desc="", text=tags.lyrics))
    if tags.synced_lyrics:
        lines = [(text, ms) for ms, text in tags.synced_lyrics]
        # id3lib and the players built on it misread Unicode SYLT: Latin-1 when it suffices
        plain = all(_latin1(text) for text, _ in lines)
        encoding = Encoding.LATIN1 if plain else utf8
        # format 2: times in milliseconds; type 1: lyrics
        id3.add(SYLT(encoding=encoding, lang="eng", format=2, type=1, desc="", text=lines))
    if tags.cover:
        cover = PictureType.COVER_FRONT
        id3.add(APIC(encoding=utf8, mime=tags.cover_mime, type=cover, desc="", data=tags.cover))
    ids = [f"chp{index}" for index in range(len(tags.chapters))]
    for element_id, chapter in zip(ids, tags.chapters, strict=True):
        title = TIT2(encoding=utf8, text=[chapter.title])
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                sub_frames=[title],
            )
        )
    if ids:
        flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
        id3.add(CTOC(element_id=_TOC_ID, flags=flags, child_element_ids=ids, sub_frames=[]))
    if version == 3:
        id3.update_to_v23()  # TDRC becomes TYER, and so on


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _read_id3(id3: ID3) -> TrackTags:
    def text(frame_id: str) -> str | None:
        frame = id3.get(frame_id)
        return str(frame.text[0]) if frame and frame.text else None

    date = id3.get("TDRC")
    comments = [frame for frame in id3.getall("COMM") if frame.desc == ""]
    lyrics = id3.getall("USLT")
    synced = id3.getall("SYLT")
    pictures = id3.getall("APIC")
    fronts = [picture for picture in pictures if picture.type == PictureType.COVER_FRONT]
    cover = (fronts or pictures or [None])[0]
    return TrackTags(
        title=text("TIT2") or "",
        artist=text("TPE1"),
        album=text("TALB"),
        genre=text("TCON") or "",
        year=date.text[0].year if date and date.text else None,
        comment=str(comments[0].text[0]) if comments and comments[0].text else None,
        lyrics=str(lyrics[0].text) if lyrics else None,
        cover=cover.data if cover else None,
        cover_mime=cover.mime if cover else TrackTags.cover_mime,
        chapters=tuple(_chapter_from_chap(frame) for frame in _ordered_chaps(id3)),
        synced_lyrics=tuple((ms, str(text)) for text, ms in synced[0].text) if synced else (),
    )


def _ordered_chaps(id3: ID3) -> list[CHAP]:
    chaps = {frame.element_id: frame for frame in id3.getall("CHAP")}
    for toc in id3.getall("CTOC"):
        if toc.flags & CTOCFlags.TOP_LEVEL:
            return [chaps[child] for child in toc.child_element_ids if child in chaps]
    return sorted(chaps.values(), key=lambda frame: frame.start_time)


def _chapter_from_chap(frame: CHAP) -> ChapterTag:
    title = frame.sub_frames.get("TIT2")
    return ChapterTag(
        title=str(title.text[0]) if title and title.text else "",
        start_ms=frame.start_time,
        end_ms=frame.end_time,
    )


# Vorbis comments (FLAC and OGG)

_PICTURE_KEY = "METADATA_BLOCK_PICTURE"
_MAX_VORBIS_CHAPTERS = 999  # CHAPTERnnn has three digits; ffmpeg reads no more
_CHAPTER_KEY = re.compile(r"CHAPTER(\d{3})")
_TIMESTAMP = re.compile(r"(\d+):(\d{2}):(\d{2})(?:\.(\d{1,3}))?")


def _write_flac(path: Path, tags: TrackTags) -> None:
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


def _write_ogg(path: Path, tags: TrackTags) -> None:
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
