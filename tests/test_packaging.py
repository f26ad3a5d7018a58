"""A non-editable install carries the bundled sessions and audio inside the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_sessions_and_audio_and_lists_them_from_anywhere(tmp_path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("meditate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "player/_bundled/sessions/three-breaths.yaml" in names
    assert "player/_bundled/audio/narration/three-breaths/01-arrive.ogg" in names
    assert {"player/web/static/player.js", "player/web/static/style.css"} <= set(names)
    kokoro = "player/sound/engines/kokoro_data/"
    for shipped in ("voices/af_heart.bin", "vocab.json", "LICENSE", "NOTICE"):
        assert kokoro + shipped in names  # the voices and their licence travel together
    manual = [name for name in names if name.endswith(".data/data/share/man/man1/meditate.1")]
    assert len(manual) == 1  # man meditate, wherever the wheel's bin/ is on PATH
    assert b"meditate play" in zipfile.ZipFile(wheel).read(manual[0])

    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = subprocess.run(
        [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())",
         "list", "--json"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    entry = next(e for e in json.loads(listed.stdout) if e["name"] == "three-breaths")
    assert entry["valid"]
    assert Path(entry["path"]).is_relative_to(site / "player" / "_bundled")
