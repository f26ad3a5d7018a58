"""Captions: one cue per narration at its timeline times, read back by webvtt-py and id3lib."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest
import webvtt
from click.testing import CliRunner

from player.cli import main
from player.common.audio_format import SAMPLE_RATE
from player.common.characters import WORD_JOINER
from player.output.captions import (
    LINE_WIDTH,
    Cue,
    caption_cues,
    display_lines,
    lrc,
    subrip,
    synced_lines,
)
from player.output.captions import (
    webvtt as webvtt_text,
)
from player.output.tags import read_tags
from player.prepare.session import load_prepared
from player.session.timeline import EventKind, compile_timeline

LONG = (
    "Let your attention rest on the soles of your feet, on the weight of your legs, on the "
    "place where your body meets the chair, and let the ground take all of that weight."
)
TRICKY = "Breathe in <slowly> & out --> again."
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def session(tmp_path: Path) -> Path:
    for name, seconds in (("a.wav", 3.0), ("b.wav", 1.5), ("c.wav", 4.0)):
        subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
             f"sine=f=220:d={seconds},volume=0.3,tremolo=f=4:d=0.9", "-ac", "1",
             str(tmp_path / name)],
            check=True,
        )  # fmt: skip
    path = tmp_path / "calm.yaml"
    path.write_text(
        f"""\
title: Calm
author: Test Teacher
steps:
  - bell: chime
  - chapter: Arriving
  - narration: a.wav
    text: "{TRICKY}"
  - silence: 2s
  - chapter: Breathing
  - repeat: 2
    steps:
      - narration: b.wav
        text: Breathe.
      - silence: 1s
  - narration: c.wav
    text: {LONG}
  - narration: b.wav
  - silence: 1s
"""
    )
    return path


def narration_times(path: Path) -> list[tuple[int, int]]:
    timeline = compile_timeline(load_prepared(path))
    return [
        (round(e.start * 1000 / SAMPLE_RATE), round(e.end * 1000 / SAMPLE_RATE))
        for e in timeline.events
        if e.kind is EventKind.NARRATION and e.text
    ]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_each_narration_with_text_is_one_cue_at_its_timeline_times(session) -> None:
    cues = caption_cues(compile_timeline(load_prepared(session)))
    assert [(c.start_ms, c.end_ms) for c in cues] == narration_times(session)
    assert [c.text for c in cues] == [TRICKY, "Breathe.", "Breathe.", LONG]  # repeats played


def test_long_text_is_broken_into_lines_for_display_never_into_timings(session) -> None:
    cues = caption_cues(compile_timeline(load_prepared(session)))
    lines = display_lines(cues[-1].text)
    assert len(lines) > 2 and all(len(line) <= LINE_WIDTH for line in lines)
    assert " ".join(lines) == LONG
    assert len(cues) == 4


def test_webvtt_py_reads_the_cues_at_their_times_with_the_text_escaped(session, tmp_path):
    cues = caption_cues(compile_timeline(load_prepared(session)))
    path = tmp_path / "calm.vtt"
    path.write_text(webvtt_text(cues))
    parsed = webvtt.read(str(path))
    assert len(parsed.captions) == len(cues)
    for caption, cue in zip(parsed.captions, cues, strict=True):
        assert caption.start_time.in_milliseconds() == cue.start_ms
        assert caption.end_time.in_milliseconds() == cue.end_ms
        assert html.unescape(" ".join(caption.lines)) == cue.text
    assert "<slowly>" not in path.read_text()  # escaped, so no reader takes it for a tag


def test_webvtt_py_reads_the_subrip_file_too(session, tmp_path) -> None:
    cues = caption_cues(compile_timeline(load_prepared(session)))
    path = tmp_path / "calm.srt"
    path.write_text(subrip(cues))
    parsed = webvtt.from_srt(str(path))
    assert [c.start_time.in_milliseconds() for c in parsed.captions] == [c.start_ms for c in cues]
    assert " ".join(parsed.captions[-1].lines) == LONG


def test_ffmpeg_reads_a_subrip_line_that_looks_like_a_timing_line_as_text(tmp_path) -> None:
    said = ["00:00:00.000 --> 00:00:09.000", "Breathe in --> and out.", "42"]
    cues = [Cue(1000 * n, 1000 * n + 900, text) for n, text in enumerate(said, start=1)]
    path = tmp_path / "words.srt"
    path.write_text(subrip(cues), encoding="utf-8")
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "webvtt", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    blocks = [block.splitlines() for block in done.stdout.split("\n\n")[1:] if block.strip()]
    assert [block[0] for block in blocks] == [
        "00:01.000 --> 00:01.900", "00:02.000 --> 00:02.900", "00:03.000 --> 00:03.900"
    ]  # fmt: skip
    assert [" ".join(block[1:]).replace(WORD_JOINER, "") for block in blocks] == said


def test_lrc_has_a_line_at_each_cue_and_clears_in_the_silences(session) -> None:
    cues = caption_cues(compile_timeline(load_prepared(session)))
    text = lrc(cues, title="Calm", artist="Test Teacher")
    assert text.startswith("[ti:Calm]\n[ar:Test Teacher]\n")
    timed = re.findall(r"^\[(\d\d):(\d\d)\.(\d\d)\](.*)$", text, re.MULTILINE)
    spoken = [(int(m) * 60_000 + int(s) * 1000 + int(c) * 10, t) for m, s, c, t in timed if t]
    assert [t for _, t in spoken] == [c.text for c in cues]
    for (ms, _), cue in zip(spoken, cues, strict=True):
        assert abs(ms - cue.start_ms) <= 5
    assert sum(1 for *_, t in timed if not t) == len(cues)  # silence follows every cue here


def test_drafts_spoken_from_text_get_cues_as_long_as_their_speech(write_session) -> None:
    path = write_session(
        "title: Draft\nsteps:\n  - silence: 1s\n  - text: Welcome. Let your eyes close.\n"
    )
    timeline = compile_timeline(load_prepared(path))
    (cue,) = caption_cues(timeline)
    (event,) = [e for e in timeline.events if e.kind is EventKind.NARRATION]
    assert cue.text == "Welcome. Let your eyes close."
    assert (cue.start_ms, cue.end_ms) == (1000, round(event.end * 1000 / SAMPLE_RATE))


def test_export_writes_a_captions_file_beside_the_audio(session, tmp_path) -> None:
    target = tmp_path / "calm.mp3"
    code, out = run("export", str(session), "-o", str(target), "--captions", "vtt")
    assert code == 0, out
    assert f"Wrote {tmp_path / 'calm.vtt'} (captions)" in out
    parsed = webvtt.read(str(tmp_path / "calm.vtt"))
    starts = [c.start_time.in_milliseconds() for c in parsed.captions]
    assert starts == [start for start, _ in narration_times(session)]


def test_mp3_export_carries_synchronised_lyrics_that_id3lib_reads(session, tmp_path) -> None:
    target = tmp_path / "calm.mp3"
    assert run("export", str(session), "-o", str(target))[0] == 0
    cues = caption_cues(compile_timeline(load_prepared(session)))
    assert read_tags(target).synced_lyrics == tuple(synced_lines(cues))
    shown = subprocess.run(["id3info", str(target)], capture_output=True, check=True).stdout
    sylt = shown.decode("latin-1").split("=== SYLT", 1)[1].split("\n===", 1)[0]
    assert f"Breathe. [{cues[1].start_ms} ms]" in sylt
    assert f"{TRICKY} [{cues[0].start_ms} ms]" in sylt


def test_captions_of_an_export_from_a_chapter_are_shifted_with_it(session, tmp_path) -> None:
    target = tmp_path / "part.mp3"
    code, out = run(
        "export", str(session), "-o", str(target), "--from", "Breathing", "--captions", "srt"
    )
    assert code == 0, out
    breathing = narration_times(session)[1][0]
    parsed = webvtt.from_srt(str(tmp_path / "part.srt"))
    assert len(parsed.captions) == 3
    assert parsed.captions[0].start_time.in_milliseconds() == 0
    assert read_tags(target).synced_lyrics[0] == (0, "Breathe.")
    later = narration_times(session)[2][0] - breathing
    assert abs(parsed.captions[1].start_time.in_milliseconds() - later) <= 1


def test_an_existing_captions_file_is_refused_before_any_work(session, tmp_path) -> None:
    (tmp_path / "calm.lrc").write_text("mine")
    target = tmp_path / "calm.mp3"
    code, out = run("export", str(session), "-o", str(target), "--captions", "lrc")
    assert code == 2
    assert f"{tmp_path / 'calm.lrc'} exists: use --force to replace it" in out
    assert not target.exists() and (tmp_path / "calm.lrc").read_text() == "mine"
    code, out = run("export", str(session), "-o", str(target), "--captions", "lrc", "--force")
    assert code == 0 and (tmp_path / "calm.lrc").read_text().startswith("[ti:Calm]")


def test_export_all_writes_captions_beside_each_file(session, tmp_path, monkeypatch) -> None:
    stand_ins = tmp_path / "stand-ins"  # a second of silence each, hiding the bundled sessions
    stand_ins.mkdir()
    bundled = sorted(p.stem for p in (REPO / "sessions").glob("*.yaml"))
    for name in bundled:
        (stand_ins / f"{name}.yaml").write_text(f"title: {name}\nsteps:\n  - silence: 1s\n")
    monkeypatch.setenv("MEDITATE_PATH", os.pathsep.join([str(session.parent), str(stand_ins)]))
    out_dir = tmp_path / "all"
    out_dir.mkdir()
    code, out = run("export", "--all", "-d", str(out_dir), "--captions", "srt", "-j", "2")
    assert code == 0, out
    parsed = webvtt.from_srt(str(out_dir / "calm.srt"))
    assert len(parsed.captions) == 4
    assert (out_dir / "grounding.srt").read_text() == ""  # nothing is said in a stand-in
    code, out = run("export", "--all", "-d", str(out_dir), "--captions", "srt", "--format", "ogg")
    assert code == 2 and "calm.srt" in out  # the captions would clash: refused before any work
    assert not (out_dir / "calm.ogg").exists()


def test_the_command_line_offers_every_caption_format_there_is() -> None:
    from player.cli.export import CAPTION_FORMATS as OFFERED
    from player.output.captions import CAPTION_FORMATS

    assert OFFERED == CAPTION_FORMATS  # kept apart so `meditate --help` imports less
