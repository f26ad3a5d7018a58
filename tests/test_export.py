"""Exports, checked by real clients: ffprobe, ffmpeg's loudness meter and mutagen."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from measure import ebur128, ffprobe, rms_db, wav_samples

from player.cli import main
from player.common.audio_format import SAMPLE_RATE
from player.output.tags import read_tags
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.render import Renderer, RenderOptions

REPO = Path(__file__).resolve().parent.parent
SPEECH_LIKE = "sine=f=220:d={seconds},volume=0.3,tremolo=f=4:d=0.9"


def speech_clip(path: Path, seconds: float) -> Path:
    """A tone that swells four times a second, so loudness gating treats it like speech."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", SPEECH_LIKE.format(seconds=seconds),
         "-ac", "1", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def session(tmp_path: Path) -> Path:
    for n, seconds in enumerate((6.0, 4.5, 8.0), start=1):
        speech_clip(tmp_path / f"clip{n}.wav", seconds)
    path = tmp_path / "practice.yaml"
    path.write_text(
        """\
title: Practice Session
description: A short session made for the export tests.
author: Test Teacher
tags: [test]
ambient:
  - sound: synth:brown-noise
    volume: -22 dB
    duck: 6 dB
steps:
  - bell: chime
  - chapter: Arriving
  - narration: clip1.wav
    text: Arrive here.
  - silence: 10s
  - chapter: Breathing
  - repeat: 2
    steps:
      - narration: clip2.wav
        text: Breathe.
      - silence: 5s
  - chapter: Closing
  - narration: clip3.wav
    text: Return gently.
  - silence: 8s
  - bell: chime
"""
    )
    return path


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """Two seconds in one chapter: for what does not depend on what is heard."""
    path = tmp_path / "short.yaml"
    path.write_text("title: Short\nsteps:\n  - chapter: Only\n  - silence: 2s\n")
    return path


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    previous = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


def shown(session: Path) -> dict:
    code, out = run("show", str(session), "--json")
    assert code == 0
    return json.loads(out)


def test_mp3_export_has_the_length_chapters_loudness_and_tags_it_should(session, tmp_path):
    target = tmp_path / "out.mp3"
    code, out = run("export", str(session), "-o", str(target))
    assert code == 0, out
    expected = shown(session)
    probe = ffprobe(target)
    assert abs(float(probe["format"]["duration"]) - expected["duration"]) < 0.05
    chapters = sorted(probe["chapters"], key=lambda c: float(c["start_time"]))
    assert [c["tags"]["title"] for c in chapters] == [c["title"] for c in expected["chapters"]]
    for found, wanted in zip(chapters, expected["chapters"], strict=True):
        assert abs(float(found["start_time"]) - wanted["start"]) < 0.05
    integrated, true_peak = ebur128(target)
    assert abs(integrated - (-16.0)) <= 0.5
    assert true_peak <= -1.0
    tags = read_tags(target)
    assert (tags.title, tags.artist, tags.genre) == (
        "Practice Session",
        "Test Teacher",
        "Meditation",
    )
    assert (tags.album, tags.year) == ("Practice Session", datetime.date.today().year)
    assert tags.comment == "A short session made for the export tests."
    assert tags.lyrics.splitlines() == ["Arrive here.", "(2 times:) Breathe.", "Return gently."]
    assert [c.title for c in tags.chapters] == ["Opening", "Arriving", "Breathing", "Closing"]
    default_cover = Path(__file__).parent.parent / "audio" / "cover.png"
    assert tags.cover == default_cover.read_bytes()  # the session gives none


def test_a_session_cover_is_embedded(short, tmp_path) -> None:
    cover = tmp_path / "mine.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=teal:s=16x16", "-frames:v", "1",
         str(cover)],
        check=True,
    )  # fmt: skip
    short.write_text(short.read_text().replace("title: Short\n", "title: Short\ncover: mine.png\n"))
    target = tmp_path / "covered.mp3"
    assert run("export", str(short), "-o", str(target))[0] == 0
    assert read_tags(target).cover == cover.read_bytes()


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".wav"])
def test_other_formats_carry_the_same_tags_and_length(session, tmp_path, suffix) -> None:
    target = tmp_path / f"out{suffix}"
    assert run("export", str(session), "-o", str(target), "-q")[0] == 0
    expected = shown(session)
    probe = ffprobe(target)
    assert abs(float(probe["format"]["duration"]) - expected["duration"]) < 0.05
    tags = read_tags(target)
    assert tags.title == "Practice Session"
    assert [c.title for c in tags.chapters] == ["Opening", "Arriving", "Breathing", "Closing"]


def test_the_wav_export_holds_exactly_the_rendered_pcm(session, tmp_path) -> None:
    target = tmp_path / "exact.wav"
    assert run("export", str(session), "-o", str(target))[0] == 0
    renderer = Renderer(compile_timeline(load_prepared(session)))
    assert np.array_equal(wav_samples(target), renderer.pcm(0, renderer.length))


@pytest.mark.parametrize("lufs", [-23.0, -14.0])
def test_other_loudness_targets_are_met_within_half_an_lu(session, tmp_path, lufs) -> None:
    target = tmp_path / "levelled.wav"
    code, out = run("export", str(session), "-o", str(target), f"--loudness={lufs:g}")
    assert code == 0, out
    integrated, true_peak = ebur128(target)
    assert abs(integrated - lufs) <= 0.5
    assert true_peak <= -1.0
    reported = float(out.split(" LUFS)")[0].rsplit(", ", 1)[1])
    assert abs(reported - integrated) <= 0.15  # our meter, of what we wrote, agrees with ffmpeg


def test_a_target_louder_than_the_peaks_allow_is_reported_with_what_was_reached(
    session, tmp_path
) -> None:
    target = tmp_path / "loud.wav"
    code, out = run("export", str(session), "-o", str(target), "--loudness=-6")
    assert code == 0  # the file is written, as loud as it can be
    integrated, true_peak = ebur128(target)
    assert integrated < -6.5 and true_peak <= -1.0
    reached = float(out.split("it reached ")[1].split(" LUFS")[0])
    assert abs(reached - integrated) <= 0.15
    assert "--loudness -6 is louder than this session can go" in out


def test_without_o_it_writes_name_mp3_in_the_current_folder(short, tmp_path) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    code, out = run("export", str(short), cwd=folder)
    assert code == 0
    assert ffprobe(folder / "short.mp3")["streams"][0]["codec_name"] == "mp3"
    assert "Wrote short.mp3 (" in out


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(short, tmp_path) -> None:
    target = tmp_path / "kept.mp3"
    target.write_bytes(b"the user's own file")
    code, out = run("export", str(short), "-o", str(target))
    assert code == 2
    assert "exists: use --force to replace it" in out
    assert target.read_bytes() == b"the user's own file"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    assert run("export", str(short), "-o", str(target), "--force")[0] == 0
    assert ffprobe(target)["streams"][0]["codec_name"] == "mp3"


def test_quiet_prints_nothing_and_no_progress_bar_off_a_terminal(short, tmp_path) -> None:
    code, out = run("export", str(short), "-o", str(tmp_path / "q.mp3"), "--quiet")
    assert code == 0 and out == ""
    code, out = run("export", str(short), "-o", str(tmp_path / "p.mp3"))
    assert "%" not in out and "Exporting" not in out


def test_an_unknown_suffix_is_refused_before_any_work(session, tmp_path) -> None:
    code, out = run("export", str(session), "-o", str(tmp_path / "out.m4a"))
    assert code == 2
    assert "out.m4a has '.m4a': export writes .mp3, .ogg, .flac, .wav" in out


def test_export_all_writes_every_visible_session(session, tmp_path, monkeypatch) -> None:
    # Sessions of the bundled names, a second each, hide the bundled ones: --all is about
    # plumbing here (test_bundled exports the real library once).
    stand_ins = tmp_path / "stand-ins"
    stand_ins.mkdir()
    bundled = sorted(p.stem for p in (REPO / "sessions").glob("*.yaml"))
    for name in bundled:
        (stand_ins / f"{name}.yaml").write_text(f"title: {name}\nsteps:\n  - silence: 1s\n")
    monkeypatch.setenv("MEDITATE_PATH", os.pathsep.join([str(session.parent), str(stand_ins)]))
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    code, out = run("export", "--all", "-d", str(out_dir), "-j", "2", "--format", "ogg")
    assert code == 0, out
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(f"{name}.ogg" for name in [*bundled, "practice"])
    for path in out_dir.iterdir():
        assert ffprobe(path)["streams"][0]["codec_name"] == "vorbis"
    code, out = run("export", "--all", "-d", str(out_dir))
    assert code == 0  # mp3 this time: no clash with the ogg files
    code, out = run("export", "--all", "-d", str(out_dir), "--format", "ogg")
    assert code == 2 and "use --force to replace them" in out


def long_session(tmp_path: Path) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(
        "title: Long\nambient:\n  - sound: synth:ocean\nsteps:\n"
        "  - bell: singing-bowl\n  - silence: 40m\n"
    )
    return path


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_export_leaves_no_file_at_all(tmp_path, signum) -> None:
    session = long_session(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", "from player.cli import main; main()", "export", str(session),
         "-o", str(out_dir / "long.mp3")],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # only a hang takes this long
    while not any(out_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert any(out_dir.iterdir()), "the export never started writing"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert list(out_dir.iterdir()) == []


def test_bitrate_sets_the_mp3_bit_rate(short, tmp_path) -> None:
    target = tmp_path / "rich.mp3"
    assert run("export", str(short), "-o", str(target), "--bitrate", "192k", "-q")[0] == 0
    stream = ffprobe(target)["streams"][0]
    assert int(stream["bit_rate"]) == 192000
    code, out = run("export", str(short), "-o", str(tmp_path / "x.mp3"), "--bitrate", "loud")
    assert code == 2 and "expected a bit rate from 32k to 320k" in out


def test_a_bell_can_be_any_sound_file(session, tmp_path) -> None:
    speech_clip(tmp_path / "gong.wav", 3.0)
    session.write_text(session.read_text().replace("  - bell: chime\n", "  - bell: gong.wav\n", 1))
    data = shown(session)
    assert data["events"][0]["kind"] == "bell"
    assert data["events"][0]["duration"] == pytest.approx(3.0, abs=0.001)
    pcm = Renderer(compile_timeline(load_prepared(session)), RenderOptions(ambient=False)).pcm(
        0, 3 * SAMPLE_RATE
    )
    assert rms_db(pcm) > 50  # the gong sounds (the built-in chime it replaced lasts 5 s)


def test_export_from_a_chapter_shifts_the_chapters(session, tmp_path) -> None:
    target = tmp_path / "part.mp3"
    code, _ = run("export", str(session), "-o", str(target), "--from", "Breathing", "-q")
    assert code == 0
    expected = shown(session)
    titles = [c["title"] for c in expected["chapters"]]
    start = expected["chapters"][titles.index("Breathing")]["start"]
    probe = ffprobe(target)
    assert abs(float(probe["format"]["duration"]) - (expected["duration"] - start)) < 0.05
    chapters = read_tags(target).chapters
    assert [c.title for c in chapters] == ["Breathing", "Closing"]
    assert chapters[0].start_ms == 0
    closing = (expected["chapters"][titles.index("Closing")]["start"] - start) * 1000
    assert chapters[1].start_ms == pytest.approx(closing, abs=1)


def test_a_long_emoji_name_exports_and_emoji_tags_are_said_to_be_id3v24(tmp_path) -> None:
    name = "🧘" * 60  # 240 bytes: NAME.mp3 fits a file name, its temporary name must too
    session = tmp_path / f"{name}.yaml"
    session.write_text("title: Calm 🧘\nsteps:\n  - silence: 1s\n")
    code, out = run("export", str(session), cwd=tmp_path)
    assert code == 0, out
    assert (
        "meditate: tags written as ID3v2.4, not v2.3: the title holds 🧘 (U+1F9D8), which "
        "exiftool and mediainfo show as garbage in v2.3"
    ) in out
    assert read_tags(tmp_path / f"{name}.mp3").title == "Calm 🧘"


def test_export_offers_every_format_the_encoder_writes() -> None:
    from player.cli.export import FORMATS
    from player.output.encoder import SUPPORTED_FORMATS

    assert sorted(FORMATS) == sorted(SUPPORTED_FORMATS.values())
