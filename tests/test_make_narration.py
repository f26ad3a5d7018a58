"""tools/make_narration.py: bundled clips spoken from session text, written once, reproducibly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from measure import ebur128, ffprobe

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO / "tools" / "make_narration.py"

SESSION = """
    title: Tiny
    steps:
      - narration: narration/tiny/01-arrive.ogg
        text: Welcome. Let your shoulders soften, and let your eyes close.
      - repeat: 2
        steps:
          - narration: narration/common/breathe.ogg
            text: Breathe in slowly, and breathe out.
          - silence: 2s
      - narration: narration/common/breathe.ogg
        text: Breathe in slowly, and breathe out.
"""


def run_tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def write_session(root: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = root / "sessions" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def made(
    tmp_path_factory: pytest.TempPathFactory, kokoro_home: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("root")
    write_session(root, SESSION)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(kokoro_home))  # where the library voice's model is
        return root, run_tool(root)


@pytest.fixture(autouse=True)
def kokoro_data(kokoro_home: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's voice (Kokoro) finds its model put together once for all these tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(kokoro_home))


@pytest.fixture
def spoken(made: tuple, tmp_path: Path) -> Path:
    """A copy of the fixture's folder, clips and manifest made: for tests of a second run."""
    root, done = made
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "root"
    shutil.copytree(root, copy)
    return copy


def clips(root: Path) -> list[Path]:
    return sorted((root / "audio" / "narration").rglob("*.ogg"))


def test_writes_one_clip_per_path_and_says_so(made: tuple) -> None:
    root, done = made
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert any("narration/tiny/01-arrive.ogg" in line for line in lines)
    assert any("narration/common/breathe.ogg" in line for line in lines)
    assert [path.relative_to(root / "audio").as_posix() for path in clips(root)] == [
        "narration/common/breathe.ogg",
        "narration/tiny/01-arrive.ogg",
    ]


def test_clips_are_mono_vorbis_at_the_library_voices_own_rate(made: tuple) -> None:
    root, _ = made
    for clip in clips(root):
        (stream,) = ffprobe(clip)["streams"]
        assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == (
            "vorbis",
            "24000",  # Kokoro's own rate: its full band, up to 12 kHz
            1,
        )


def test_a_bundled_clip_sounds_as_a_draft_of_its_text_would(made: tuple, tmp_path: Path) -> None:
    """One chain: the tool's clip is the draft's sound, encoded."""
    from measure import decoded

    from player.common.cache import Cache
    from player.sound.speech import cached_speech

    sys.path.insert(0, str(REPO / "tools"))
    from make_narration import LIBRARY_VOICE

    root, _ = made
    text = "Breathe in slowly, and breathe out."
    draft = decoded(cached_speech(text, LIBRARY_VOICE, Cache(tmp_path)), channels=1)[:, 0]
    clip = decoded(root / "audio" / "narration" / "common" / "breathe.ogg", channels=1)[:, 0]
    assert abs(len(clip) - len(draft)) <= 0.01 * 44100
    n = min(len(clip), len(draft))
    assert np.corrcoef(clip[:n], draft[:n])[0, 1] > 0.95


def test_clips_are_at_minus_20_lufs(made: tuple) -> None:
    root, _ = made
    for clip in clips(root):
        integrated, peak = ebur128(clip)
        assert integrated == pytest.approx(-20.0, abs=1.0), clip
        assert peak < -1.0, clip


def test_second_run_writes_nothing(made: tuple) -> None:
    root, _ = made
    before = {clip: clip.stat().st_mtime_ns for clip in clips(root)}
    again = run_tool(root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "narration is up to date"
    assert {clip: clip.stat().st_mtime_ns for clip in clips(root)} == before


def test_force_rewrites_the_same_bytes(spoken: Path) -> None:
    first = {clip: clip.read_bytes() for clip in clips(spoken)}
    done = run_tool(spoken, "--force")
    assert len(done.stdout.splitlines()) == 2
    assert {clip: clip.read_bytes() for clip in clips(spoken)} == first


def test_changed_text_rewrites_only_that_clip(spoken: Path) -> None:
    write_session(spoken, SESSION.replace("let your eyes close", "let your gaze rest"))
    (line,) = run_tool(spoken).stdout.splitlines()
    assert "narration/tiny/01-arrive.ogg" in line


def test_session_voice_changes_the_clip(spoken: Path) -> None:
    arrive = spoken / "audio" / "narration" / "tiny" / "01-arrive.ogg"
    before = arrive.read_bytes()
    voiced = "voice: {name: en-us+f2, rate: 130, pitch: 40}\n" + textwrap.dedent(SESSION)
    write_session(spoken, voiced)
    assert len(run_tool(spoken).stdout.splitlines()) == 2
    assert arrive.read_bytes() != before


def test_one_path_with_two_texts_is_an_error(tmp_path: Path) -> None:
    write_session(tmp_path, SESSION)
    write_session(
        tmp_path,
        """
        title: Other
        steps:
          - narration: narration/common/breathe.ogg
            text: Something else entirely.
        """,
        name="other.yaml",
    )
    done = run_tool(tmp_path)
    assert done.returncode == 1
    assert "narration/common/breathe.ogg" in done.stderr
    assert "Traceback" not in done.stderr
    assert clips(tmp_path) == []


def test_only_named_sessions_are_spoken(tmp_path: Path) -> None:
    write_session(tmp_path, SESSION)
    other = write_session(
        tmp_path,
        """
        title: Other
        steps:
          - narration: narration/other/01-rest.ogg
            text: Rest here for a while.
        """,
        name="other.yaml",
    )
    done = run_tool(tmp_path, str(other))
    assert done.returncode == 0, done.stderr
    assert [path.name for path in clips(tmp_path)] == ["01-rest.ogg"]
