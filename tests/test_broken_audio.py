"""Broken audio: `check` reports what headers show; play and export report the rest, naming the
step and the file, and leave nothing half-written."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from player.cli import main

PLAY = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def session_with(tmp_path: Path, clip: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(f"title: Broken\nsteps:\n  - silence: 1s\n  - narration: {clip}\n")
    return path


def tone(path: Path, seconds: float, codec: list[str]) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=f=300:d={seconds}", *codec,
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def sparse_wav(path: Path, seconds: int) -> Path:
    """A WAV whose header says `seconds` long, its data a hole in the file system."""
    rate, data = 8000, seconds * 8000
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8) + b"data"
    header += struct.pack("<I", data)
    with path.open("wb") as stream:
        stream.write(header)
        stream.truncate(len(header) + data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: written(p, b""), "the file is empty (0 bytes)"),
        (lambda p: written(p, b"not audio at all\n"), "not a readable audio file"),
        (
            lambda p: sparse_wav(p, 25 * 3600),
            "is 25:00:00 long; a sound file may last at most 24:00:00",
        ),
    ],
    ids=["zero-byte", "text-named-mp3", "over-a-day"],
)
def test_check_reports_what_the_headers_show(tmp_path, make, message) -> None:
    clip = make(tmp_path / ("clip.wav" if "25:00:00" in message else "clip.mp3"))
    session = session_with(tmp_path, clip.name)
    code, out = run("check", str(session))
    assert code == 2
    assert f"{session}:4:16: narration clip" in out and message in out


def test_an_unsupported_format_is_named(tmp_path) -> None:
    (tmp_path / "speech.wma").write_bytes(b"\x30\x26\xb2\x75" + bytes(100))
    session = session_with(tmp_path, "speech.wma")
    code, out = run("check", str(session))
    assert code == 2 and "'speech.wma' is a .wma file; expected one of .wav, .mp3" in out


def exported_nothing(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name == "out.mp3" or "partial" in p.name]


def test_a_truncated_mp3_is_caught_by_check_show_and_export(tmp_path) -> None:
    clip = tone(tmp_path / "cut.mp3", 20, ["-c:a", "libmp3lame", "-b:a", "64k"])
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) * 2 // 5])
    session = session_with(tmp_path, "cut.mp3")
    expected = (
        f"{session}:4:16: narration clip 'cut.mp3' is unusable: it is cut short: its header "
        "promises 20.0 s but the file holds only 8.0 s (export or copy it again)"
    )
    for command in (["check"], ["show"], ["export", "-o", str(tmp_path / "out.mp3")]):
        code, out = run(command[0], str(session), *command[1:])
        assert code == 2 and expected in out, (command, out)
    assert exported_nothing(tmp_path)


@pytest.mark.parametrize("codec", [["-c:a", "flac"], ["-c:a", "pcm_s16le"]], ids=["flac", "wav"])
def test_check_decodes_in_full_what_headers_cannot_tell(tmp_path, codec) -> None:
    tone(tmp_path / "hush.wav", 3, ["-af", "volume=0", "-c:a", "pcm_s16le"])
    suffix = ".flac" if "flac" in codec else ".wav"
    cut = tone(tmp_path / f"cut{suffix}", 20, codec)
    if suffix == ".flac":  # a FLAC's header counts its samples, whatever follows
        cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 3])
    session = tmp_path / "two.yaml"
    session.write_text(f"title: Two\nsteps:\n  - narration: hush.wav\n  - narration: cut{suffix}\n")
    code, out = run("check", str(session))
    assert code == 2
    assert f"{session}:3:16: narration clip 'hush.wav' is pure digital silence" in out
    if suffix == ".flac":
        assert f"{session}:4:16: narration clip 'cut.flac' is cut short" in out
    else:
        assert "cut.wav" not in out  # a whole WAV is fine


def test_pure_digital_silence_is_reported_by_export_and_play(tmp_path) -> None:
    tone(tmp_path / "hush.wav", 3, ["-af", "volume=0", "-c:a", "pcm_s16le"])
    session = session_with(tmp_path, "hush.wav")
    code, out = run("export", str(session), "-o", str(tmp_path / "out.mp3"))
    assert code == 2 and "hush.wav is pure digital silence" in out and ":4:5:" in out
    assert exported_nothing(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{home / "o.raw"}"; format "raw" }}\n'
    )
    done = subprocess.run(
        [*PLAY, "play", str(session)], env={**os.environ, "HOME": str(home)},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "hush.wav is pure digital silence" in done.stderr


def test_a_clip_that_ffmpeg_cannot_decode_names_step_and_file(tmp_path) -> None:
    good = tone(tmp_path / "good.mp3", 5, ["-c:a", "libmp3lame"])
    data = bytearray(good.read_bytes())
    rng = np.random.default_rng(1)
    data[600:] = rng.integers(0, 256, len(data) - 600, dtype=np.uint8).tobytes()
    (tmp_path / "noise.mp3").write_bytes(bytes(data))
    session = session_with(tmp_path, "noise.mp3")
    code, out = run("export", str(session), "-o", str(tmp_path / "out.mp3"))
    assert code == 2, out
    assert f"{session}:4:5: narration clip" in out and "noise.mp3" in out
    assert "invalid data found when processing input" in out
    assert "Traceback" not in out
