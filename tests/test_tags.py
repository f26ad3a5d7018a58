"""Tags written to real MP3, OGG, FLAC and WAV files read back through mutagen and ffprobe."""

from __future__ import annotations

import json
import struct
import subprocess
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags
from readers import exiftool_tags, eyed3_text, mediainfo_general

from player.output.encoder import open_encoder
from player.output.tags import ChapterTag, TrackTags, read_tags, write_tags

FORMATS = ["mp3", "ogg", "flac", "wav"]
RATE = 44100
SECONDS = 5


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)  # 2x1 pixels, 8-bit RGB
    pixels = zlib.compress(b"\x00\xc8\x96\x64\x50\x78\xa0")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


COVER = tiny_png()
TAGS = TrackTags(
    title="Heart-Opening Meditation",
    artist="Teacher Ånand",
    album="Practices of Presence",
    genre="Meditation",
    year=2024,
    comment="Invite in a heart-based masculine energy.",
    lyrics="Find a comfortable seat.\nLet your eyes close.\nBreathe in… and out.",
    cover=COVER,
    cover_mime="image/png",
    # Contiguous, the last ending where the audio ends: what an export writes.
    chapters=(
        ChapterTag("Arriving", 0, 1_234),
        ChapterTag("Breath", 1_234, 2_501),
        ChapterTag("Opening the heart — ❤", 2_501, 4_000),
        ChapterTag("Closing", 4_000, SECONDS * 1000),
    ),
)


def sine_pcm() -> bytes:
    t = np.arange(SECONDS * RATE) / RATE
    tone = (np.sin(2 * np.pi * 220 * t) * 10000).astype("<i2")
    return np.repeat(tone[:, None], 2, axis=1).tobytes()


PCM = sine_pcm()


def encoded(folder: Path, fmt: str) -> Path:
    path = folder / f"session.{fmt}"
    with open_encoder(path, fmt) as encoder:
        encoder.write(PCM)
    return path


def ffprobe(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-show_format", "-show_chapters", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, check=True).stdout)


@pytest.fixture(params=FORMATS)
def fmt(request: pytest.FixtureRequest) -> str:
    return request.param


def test_every_field_reads_back(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    assert read_tags(path) == TAGS


def test_ffmpeg_sees_the_cover_as_an_attached_picture(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    command = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy"]
    command += ["-f", "image2pipe", "-"]
    assert subprocess.run(command, capture_output=True, check=True).stdout == COVER


def test_only_the_title_is_needed(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TrackTags(title="Grounding"), fmt)

    assert read_tags(path) == TrackTags(title="Grounding")


def test_writing_again_replaces_every_tag(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)
    write_tags(path, TrackTags(title="Body Scan", year=2025), fmt)

    assert read_tags(path) == TrackTags(title="Body Scan", year=2025)


def test_ffprobe_lists_every_chapter_with_its_title_and_start(tmp_path: Path, fmt: str):
    # ffmpeg reads CHAP frames in MP3 and in WAV's 'id3 ' chunk, and CHAPTERnnn comments in
    # OGG and FLAC. It lists ID3 chapters in file order, which mutagen does not keep in time
    # order (it sorts frames by size), so compare by start time.
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    chapters = sorted(ffprobe(path)["chapters"], key=lambda chapter: float(chapter["start_time"]))
    assert [chapter["tags"]["title"] for chapter in chapters] == [c.title for c in TAGS.chapters]
    for listed, written in zip(chapters, TAGS.chapters, strict=True):
        assert float(listed["start_time"]) == pytest.approx(written.start_ms / 1000, abs=0.001)
        assert float(listed["end_time"]) == pytest.approx(written.end_ms / 1000, abs=0.001)


def test_tagging_leaves_the_duration_unchanged(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    before = float(ffprobe(path)["format"]["duration"])
    write_tags(path, TAGS, fmt)

    assert float(ffprobe(path)["format"]["duration"]) == pytest.approx(before, abs=0.05)


def test_tagged_file_still_decodes_without_error(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    command = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout + result.stderr == ""


@pytest.mark.parametrize("fmt", ["wav", "flac"])
def test_tagged_lossless_file_still_holds_exactly_the_samples(tmp_path: Path, fmt: str):
    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    command = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-"]
    assert subprocess.run(command, capture_output=True, check=True).stdout == PCM


def test_tagged_wav_still_reads_with_pythons_wave_module(tmp_path: Path):
    path = encoded(tmp_path, "wav")
    write_tags(path, TAGS, "wav")

    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, RATE)
        assert wav.readframes(wav.getnframes()) == PCM


def test_mp3_carries_id3v24_with_an_ordered_top_level_table_of_contents(tmp_path: Path):
    path = encoded(tmp_path, "mp3")
    write_tags(path, TAGS, "mp3")

    id3 = ID3(path)
    assert id3.version == (2, 4, 0)
    (toc,) = id3.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == ["chp0", "chp1", "chp2", "chp3"]
    assert [frame.lang for frame in id3.getall("USLT") + id3.getall("COMM")] == ["eng", "eng"]
    assert id3.getall("APIC")[0].type == 3  # front cover


@pytest.mark.parametrize("fmt", ["ogg", "flac"])
def test_vorbis_chapters_use_the_chapterNNN_convention(tmp_path: Path, fmt: str):
    import mutagen

    path = encoded(tmp_path, fmt)
    write_tags(path, TAGS, fmt)

    comments = mutagen.File(path).tags
    assert comments["CHAPTER001"] == ["00:00:00.000"]
    assert comments["CHAPTER002"] == ["00:00:01.234"]
    assert comments["CHAPTER003NAME"] == ["Opening the heart — ❤"]
    assert "CHAPTER005" not in comments


EMOJI = TrackTags(
    title="Calm 🧘 breath", artist="Ana 🌿", comment="Rest 🌙", genre="Meditation",
    chapters=(ChapterTag("Start 🌅", 0, 1000),),
)  # fmt: skip


@pytest.fixture(scope="module")
def emoji_mp3s(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same emoji tags asked for as ID3v2.3, and accented text (within UCS-2) too."""
    folder = tmp_path_factory.mktemp("emoji")
    files = {}
    for name, tags in (("emoji", EMOJI), ("accents", TrackTags(title="Calm é ü ş breath"))):
        path = folder / f"{name}.mp3"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=d=1", "-b:a", "64k",
             str(path)],
            check=True,
        )  # fmt: skip
        write_tags(path, tags, "mp3", id3_version=3)
        files[name] = path
    return files


def test_emoji_tags_are_id3v24_which_exiftool_mediainfo_and_eyed3_show_as_written(emoji_mp3s):
    path = emoji_mp3s["emoji"]
    assert ID3(path).version[:2] == (2, 4)
    shown = exiftool_tags(path)
    assert (shown["Title"], shown["Artist"], shown["Comment"]) == (
        "Calm 🧘 breath",
        "Ana 🌿",
        "Rest 🌙",
    )
    general = mediainfo_general(path)
    assert (general["Title"], general["Performer"]) == ("Calm 🧘 breath", "Ana 🌿")
    listing = eyed3_text(path)
    assert "title: Calm 🧘 breath" in listing and "artist: Ana 🌿" in listing


def test_text_within_ucs2_stays_id3v23_as_asked(emoji_mp3s) -> None:
    path = emoji_mp3s["accents"]
    assert ID3(path).version[:2] == (2, 3)
    assert exiftool_tags(path)["Title"] == mediainfo_general(path)["Title"] == "Calm é ü ş breath"
