"""Sound files over an hour: streamed from the cache by block, never held whole, exact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from measure import wav_samples

from player.common.audio_format import SAMPLE_RATE
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound import stream
from player.sound.render import Renderer

CLI = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
TONE_AT = 3650  # seconds of silence before the tone of the long file (61 minutes in all)


@pytest.fixture(scope="module")
def long_flac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Just over an hour: silence, then 10 s of 1 kHz at the very end (mono, 8 kHz: cheap)."""
    path = tmp_path_factory.mktemp("long") / "long.flac"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
            "-f", "lavfi", "-i", "sine=f=1000:sample_rate=8000:d=10",
            "-filter_complex", f"[0]atrim=duration={TONE_AT}[a];[a][1]concat=n=2:v=0:a=1",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * SAMPLE_RATE / len(samples)


def test_a_narration_clip_over_an_hour_plays_its_last_seconds(long_flac, tmp_path) -> None:
    session = tmp_path / "long.yaml"
    session.write_text(f"title: Long\nsteps:\n  - narration: {long_flac}\n    text: At last.\n")
    capture = tmp_path / "captured.raw"
    home = tmp_path / "alsa-home"
    home.mkdir()
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
    )
    env = {**os.environ, "HOME": str(home), "MEDITATE_PREROLL": "all"}
    env["MEDITATE_CACHE"] = str(tmp_path / "cache")
    done = subprocess.run(
        [*CLI, "play", str(session), "--from", f"{TONE_AT - 5}s", "--no-log"], env=env,
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    played = np.frombuffer(capture.read_bytes(), dtype="<i2").reshape(-1, 2)[:, 0]
    before, tone = played[: 4 * SAMPLE_RATE], played[6 * SAMPLE_RATE :]
    assert np.max(np.abs(before)) <= 1  # silence, dither only
    assert dominant_hz(tone.astype(np.float64)) == pytest.approx(1000, abs=2)
    assert np.sqrt(np.mean(tone.astype(np.float64) ** 2)) > 1000  # levelled up to speech
    assert len(played) == 15 * SAMPLE_RATE  # --from 5 s before the tone to the end
    assert list((tmp_path / "cache" / "decoded").glob("*.s32"))  # decoded to the cache


def test_a_bed_over_an_hour_exports(long_flac, tmp_path) -> None:
    session = tmp_path / "bed.yaml"
    session.write_text(
        f"title: Bed\nambient:\n  - sound: {long_flac}\n    volume: -20 dB\n"
        "steps:\n  - silence: 20s\n"
    )
    target = tmp_path / "bed.wav"
    done = subprocess.run(
        [*CLI, "export", str(session), "-o", str(target), "-q"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(wav_samples(target)) == 20 * SAMPLE_RATE


@pytest.fixture
def short_session(write_session, tmp_path) -> Path:
    """A clip and a bed shorter than the session, so the bed loops and wraps."""
    for name, hz, seconds in (("voice", 330, 6.5), ("bed", 110, 3.3)):
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi",
                "-i", f"sine=f={hz}:sample_rate=22050:d={seconds}", "-ac", "2",
                str(tmp_path / f"{name}.ogg"),
            ],
            check=True,
        )  # fmt: skip
    return write_session(
        """
        title: Short
        ambient:
          - sound: bed.ogg
            volume: -12 dB
            duck: 6 dB
            fade_in: 1s
        steps:
          - silence: 2s
          - narration: voice.ogg
            fade_out: 1s
          - silence: 9s
        """
    )


def rendered(session: Path, start: int = 0) -> np.ndarray:
    renderer = Renderer(compile_timeline(load_prepared(session)))
    return np.concatenate(list(renderer.blocks(start)))


def test_a_streamed_sound_renders_exactly_as_one_held_in_memory(
    short_session, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("MEDITATE_CACHE", str(tmp_path / "held"))
    held = rendered(short_session)
    monkeypatch.setenv("MEDITATE_CACHE", str(tmp_path / "streamed"))
    monkeypatch.setattr(stream, "STREAM_SECONDS", 1.0)
    streamed = rendered(short_session)
    assert list((tmp_path / "streamed" / "decoded").glob("*.s32"))
    assert not (tmp_path / "held" / "decoded").exists()
    assert np.array_equal(held, streamed)
    late = 5 * SAMPLE_RATE + 123
    assert np.array_equal(rendered(short_session, late), streamed[late:])


def test_a_cache_that_cannot_hold_a_long_file_is_one_line(
    short_session, tmp_path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from player.cli import main

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("MEDITATE_CACHE", str(blocker))
    monkeypatch.setattr(stream, "STREAM_SECONDS", 1.0)
    target = tmp_path / "out.wav"
    result = CliRunner().invoke(main, ["export", str(short_session), "-o", str(target), "-q"])
    assert result.exit_code == 2, result.output
    assert "cannot write to the cache folder" in result.output
    assert "Traceback" not in result.output and not target.exists()
