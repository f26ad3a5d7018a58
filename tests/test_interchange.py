"""Exports as other software reads them: ffmpeg's remuxers, id3lib, GStreamer, metaflac, mp3val.

Each tool here is a real, independent reader (installed by `tools/bootstrap.sh --dev`).
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from measure import ffprobe

from player.cli import main

SESSION = """\
title: Interchange
author: Test Teacher
description: Chapters, tags and a cover, for other players.
cover: cover.png
steps:
  - bell: chime
  - chapter: A long first chapter with a long title, to make its frame the biggest
  - silence: 4s
  - chapter: B
  - silence: 3s
  - chapter: Third
  - silence: 2s
"""


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run tools/bootstrap.sh --dev"
    return found


@pytest.fixture
def session(tmp_path: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=navy:s=320x200", "-frames:v", "1",
         str(tmp_path / "cover.png")],
        check=True,
    )  # fmt: skip
    path = tmp_path / "interchange.yaml"
    path.write_text(SESSION)
    return path


def export(session: Path, target: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["export", str(session), "-o", str(target), "-q", *extra])
    assert result.exit_code == 0, result.output
    return target


def chapter_list(path: Path) -> list[tuple[str, float, float]]:
    chapters = ffprobe(path)["chapters"]  # in the order the file holds them
    return [(c["tags"]["title"], float(c["start_time"]), float(c["end_time"])) for c in chapters]


@pytest.mark.parametrize("suffix", [".mp3", ".wav", ".flac", ".ogg"])
def test_chapters_come_in_time_order_and_tile_the_whole_file(session, tmp_path, suffix) -> None:
    target = export(session, tmp_path / f"out{suffix}")
    chapters = chapter_list(target)
    duration = float(ffprobe(target)["format"]["duration"])
    assert [title for title, _, _ in chapters] == [
        "Opening", "A long first chapter with a long title, to make its frame the biggest", "B",
        "Third",
    ]  # fmt: skip
    assert chapters[0][1] == 0.0
    for (_, _, end), (_, start, _) in itertools.pairwise(chapters):
        assert start == pytest.approx(end, abs=0.002)
    assert chapters[-1][2] == pytest.approx(duration, abs=0.05)


@pytest.mark.parametrize("container", ["m4b", "mka"])
def test_ffmpeg_remuxes_the_chapters_whole(session, tmp_path, container) -> None:
    source = export(session, tmp_path / "out.mp3")
    remuxed = tmp_path / f"book.{container}"
    codec = ["-c:a", "aac"] if container == "m4b" else ["-c", "copy"]
    done = subprocess.run(
        ["ffmpeg", "-v", "warning", "-i", str(source), "-map", "0:a", *codec, str(remuxed)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "out of range" not in done.stderr and "Non-monotonous" not in done.stderr
    before, after = chapter_list(source), chapter_list(remuxed)
    assert [title for title, _, _ in after] == [title for title, _, _ in before]
    for (_, start, end), (_, start_after, end_after) in zip(before, after, strict=True):
        assert start_after == pytest.approx(start, abs=0.05)
        assert end_after == pytest.approx(end, abs=0.05)


def test_id3v23_by_default_is_read_by_id3lib_and_24_on_request(session, tmp_path) -> None:
    default = export(session, tmp_path / "default.mp3")
    shown = subprocess.run(
        [tool("id3info"), str(default)], capture_output=True, text=True, check=True
    ).stdout
    assert "=== TIT2 (Title/songname/content description): Interchange" in shown
    assert "=== TPE1 (Lead performer(s)/Soloist(s)): Test Teacher" in shown
    assert "=== TYER (Year):" in shown
    newer = export(session, tmp_path / "newer.mp3", "--id3", "2.4")
    assert newer.read_bytes()[:5] == b"ID3\x04\x00" and default.read_bytes()[:5] == b"ID3\x03\x00"
    ok = subprocess.run([tool("mp3val"), str(default)], capture_output=True, text=True).stdout
    assert "WARNING" not in ok and "ERROR" not in ok


def test_gstreamer_reads_the_tags_of_a_wav(session, tmp_path) -> None:
    target = export(session, tmp_path / "out.wav")
    shown = subprocess.run(
        [tool("gst-discoverer-1.0"), "-v", str(target)], capture_output=True, text=True
    ).stdout
    assert "title: Interchange" in shown and "artist: Test Teacher" in shown
    assert "genre: Meditation" in shown


def test_flac_pictures_carry_their_real_size(session, tmp_path) -> None:
    target = export(session, tmp_path / "out.flac")
    block = subprocess.run(
        [tool("metaflac"), "--list", "--block-type=PICTURE", str(target)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "MIME type: image/png" in block
    assert "width: 320" in block and "height: 200" in block and "depth: 24" in block


def test_ogg_pictures_carry_their_real_size(session, tmp_path) -> None:
    import base64

    from mutagen.flac import Picture
    from mutagen.oggvorbis import OggVorbis

    target = export(session, tmp_path / "out.ogg")
    (block,) = OggVorbis(target)["METADATA_BLOCK_PICTURE"]
    picture = Picture(base64.b64decode(block))
    assert (picture.mime, picture.width, picture.height, picture.depth) == (
        "image/png",
        320,
        200,
        24,
    )


def test_a_cover_that_is_not_an_image_is_refused_at_check(session, tmp_path) -> None:
    (tmp_path / "cover.png").write_text("a text file called cover.png")
    result = CliRunner().invoke(main, ["check", str(session)])
    assert result.exit_code == 2
    assert f"{session}:4:8: cover image 'cover.png' cannot be used: not a PNG or JPEG image" in (
        result.output
    )


def test_the_show_json_chapters_match_the_export(session, tmp_path) -> None:
    shown = json.loads(CliRunner().invoke(main, ["show", str(session), "--json"]).output)
    target = export(session, tmp_path / "out.mp3")
    assert [c["title"] for c in shown["chapters"]] == [t for t, _, _ in chapter_list(target)]
