"""`meditate voices`: what is installed, what to install, and samples from any voice."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from player.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["voices", *args])
    return result.exit_code, result.output


def test_lists_every_engine_with_its_version_and_default_voice() -> None:
    code, out = run()
    assert code == 0
    lines = out.splitlines()
    for engine in ("espeak-ng 1.", "festival 2.", "flite 2.", "piper 1."):
        assert any(line.startswith(engine) for line in lines), out
    assert "  en-us+f5  American English, a soft female variant (default)" in lines
    assert any(line.startswith("  cmu_us_slt_arctic_hts  ") for line in lines)
    assert any(
        line.startswith("    rms ") and line.endswith("(default)") for line in lines
    )  # en-US
    joe = next(i for i, line in enumerate(lines) if line.startswith("  joe "))
    assert "drafts only" in " ".join(lines[joe : joe + 3]).lower()
    assert "voice: {engine: piper, model: path/to/voice.onnx}" in out


def test_kokoro_lists_its_voices_by_language() -> None:
    code, out = run()
    assert code == 0
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("kokoro Kokoro-82M v1.0"))
    assert lines[first + 1] == "  en-US:"
    assert lines[first + 2].startswith("    af_") and any(
        line.startswith("    af_heart ") and line.endswith("(default)") for line in lines
    )
    for language, voice in [("en-GB", "bf_emma"), ("es", "ef_dora"), ("fr", "ff_siwis")]:
        heading = lines.index(f"  {language}:")
        assert lines[heading + 1].startswith(f"    {voice} ")


def test_a_missing_engine_is_listed_with_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("espeak-ng", "ffmpeg"):
        (folder / program).symlink_to(
            subprocess.run(["which", program], capture_output=True, text=True).stdout.strip()
        )
    monkeypatch.setenv("PATH", str(folder))
    code, out = run()
    assert code == 0
    assert (
        "festival: not installed. Install it with its voice (Debian/Ubuntu: apt-get install "
        "festival festvox-us-slt-hts; Fedora: dnf install festival)" in out
    )
    assert "flite: not installed. Install it (Debian/Ubuntu: apt-get install flite" in out
    assert out.startswith("espeak-ng 1.")


def test_say_writes_a_sample_and_never_overwrites_it(tmp_path: Path) -> None:
    target = tmp_path / "sample.wav"
    code, out = run("--say", "Breathe in slowly.", "--voice", "festival", "-o", str(target))
    assert code == 0, out
    assert out.startswith(f"Wrote {target} (") and out.rstrip().endswith(
        "festival's default voice)"
    )
    with wave.open(str(target), "rb") as reader:
        assert (reader.getnchannels(), reader.getframerate()) == (1, 32000)
        assert reader.getnframes() > 32000
    before = target.read_bytes()
    code, out = run("--say", "Other words.", "--voice", "festival", "-o", str(target))
    assert code == 2 and "exists: use --force" in out
    assert target.read_bytes() == before
    code, out = run("--say", "Other words.", "--voice", "flite:slt", "-o", str(target), "--force")
    assert code == 0 and "flite voice slt" in out


def test_say_with_a_voice_file(tmp_path: Path) -> None:
    from player.sound.engines.piper import joe_model

    target = tmp_path / "joe.wav"
    code, out = run("--say", "Rest here.", "--voice", f"piper:{joe_model()}", "-o", str(target))
    assert code == 0, out
    with wave.open(str(target), "rb") as reader:
        assert reader.getframerate() == 22050


def test_bad_voices_and_texts_are_one_line_each(tmp_path: Path) -> None:
    out_file = str(tmp_path / "x.wav")
    for args, said in [
        (("--voice", "festivl"), "unknown engine 'festivl' (engines: espeak-ng, festival"),
        (("--voice", "festival:nope"), "festival has no voice 'nope' (it has: cmu_us_slt"),
        (("--voice", "piper:/nowhere/v.onnx"), "piper voice file /nowhere/v.onnx not found"),
        (("--voice", "festival", "--pitch", "30"), "festival voices have no pitch setting"),
    ]:
        code, out = run("--say", "Breathe.", *args, "-o", out_file)
        assert code == 2 and said in out, out
        assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    code, out = run("--say", "?!", "-o", out_file)
    assert code == 2 and "has no words to speak" in out
    assert not Path(out_file).exists()


def test_voice_without_say_is_a_usage_error() -> None:
    code, out = run("--voice", "festival")
    assert code == 2 and "--voice and --output go with --say TEXT" in out


def test_say_plays_the_sample_on_the_sound_card(tmp_path: Path) -> None:
    capture = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "player", "voices", "--say", "Breathe in slowly."],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    played = np.frombuffer(capture.read_bytes(), dtype="<i2").reshape(-1, 2)
    assert len(played) > 44100 and np.abs(played).max() > 3000
    seconds = len(played) / 44100
    assert done.stdout == f"Playing the sample ({seconds:.1f} s, espeak-ng's default voice)\n"
