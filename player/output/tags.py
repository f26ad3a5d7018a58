"""One small interface over the tags of MP3, FLAC, OGG Vorbis and WAV files (via mutagen).

MP3 and WAV carry ID3v2.4, or v2.3 when asked unless a text needs v2.4 (see id3_version.py);
WAV in its 'id3 ' chunk, and the encoder also writes a RIFF INFO list (see `riff_info`). ID3
holds chapters as CHAP frames in time order under one ordered top-level CTOC, which comes
first, and the narration as synchronised lyrics (SYLT) as well as plain ones (USLT). FLAC and
OGG carry Vorbis comments (vorbis_tags.py), with chapters as CHAPTER001=HH:MM:SS.mmm and
CHAPTER001NAME=title, and a picture block that gives the cover's real size. The language is
ID3's TLAN (its ISO 639-2 code, as the lyrics' and comment's language are) or Vorbis'
LANGUAGE (its BCP 47 tag); a synthetic narrator is named in TXXX:NARRATOR or NARRATOR. Empty
text is not written.
"""

from __future__ import annotations

import types
from pathlib import Path

import mutagen
from mutagen.flac import FLAC
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
    TLAN,
    TPE1,
    TXXX,
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
from player.output.id3_version import id3_version_for
from player.output.tag_values import NARRATOR, ChapterTag, TrackTags
from player.output.vorbis_tags import read_flac, read_ogg, write_flac, write_ogg
from player.session.language import three_letter_code

ID3_VERSIONS = (3, 4)


def write_tags(path: Path, tags: TrackTags, fmt: str, *, id3_version: int = 4) -> None:
    """Replace all tags of the file at `path`, whose format is `fmt` (mp3, flac, ogg or wav).

    MP3 and WAV get ID3v2.`id3_version` (3 or 4), or v2.4 where v2.3 would be misread (see
    id3_version.id3_note for the line that says so).
    """
    if id3_version not in ID3_VERSIONS:
        raise ValueError(f"ID3v2.{id3_version} is not written; choose 3 or 4")
    id3_version = id3_version_for(tags, id3_version)
    if fmt == "mp3":
        _write_mp3(path, tags, id3_version)
    elif fmt == "wav":
        _write_wav(path, tags, id3_version)
    elif fmt == "flac":
        write_flac(path, tags)
    elif fmt == "ogg":
        write_ogg(path, tags)
    else:
        raise ValueError(f"unknown format {fmt!r}")


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
        return read_flac(audio)
    if isinstance(audio, OggVorbis):
        return read_ogg(audio)
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
    lang = three_letter_code(tags.language) if tags.language else "eng"
    for frame, text in ((TIT2, tags.title), (TPE1, tags.artist), (TALB, tags.album)):
        if text:
            id3.add(frame(encoding=utf8, text=[text]))
    if tags.genre:
        id3.add(TCON(encoding=utf8, text=[tags.genre]))
    if tags.year is not None:
        id3.add(TDRC(encoding=utf8, text=[str(tags.year)]))
    if tags.language:
        id3.add(TLAN(encoding=utf8, text=[lang]))
    if tags.narrator:
        id3.add(TXXX(encoding=utf8, desc=NARRATOR, text=[tags.narrator]))
    if tags.comment:
        id3.add(COMM(encoding=utf8, lang=lang, desc="", text=[tags.comment]))
    if tags.lyrics:
        id3.add(USLT(encoding=utf8, lang=lang, desc="", text=tags.lyrics))
    if tags.synced_lyrics:
        lines = [(text, ms) for ms, text in tags.synced_lyrics]
        # id3lib and the players built on it misread Unicode SYLT: Latin-1 when it suffices
        plain = all(_latin1(text) for text, _ in lines)
        encoding = Encoding.LATIN1 if plain else utf8
        # format 2: times in milliseconds; type 1: lyrics
        id3.add(SYLT(encoding=encoding, lang=lang, format=2, type=1, desc="", text=lines))
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
    narrator = id3.get(f"TXXX:{NARRATOR}")
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
        language=text("TLAN"),
        narrator=str(narrator.text[0]) if narrator and narrator.text else None,
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


__all__ = ["ID3_VERSIONS", "ChapterTag", "TrackTags", "read_tags", "riff_info", "write_tags"]
