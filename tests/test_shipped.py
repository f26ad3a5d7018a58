"""The measurements shipped with the bundled audio are what the code works out today, and
the bundled sessions find everything their first sound needs there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from player.common.cache import SHIPPED, Cache, shipped_tables
from player.common.paths import bundled_audio_dir
from player.prepare.session import load_prepared
from player.session.library import resolve
from player.session.timeline import compile_timeline
from player.sound.render import Renderer

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(path.stem for path in (REPO / "sessions").glob("*.yaml"))
REMAKE = "stale: run python tools/ship_measurements.py"


def test_the_shipped_measurements_are_what_the_code_works_out_now(tmp_path: Path) -> None:
    remade = tmp_path / "measurements.json"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "ship_measurements.py"), "--output", str(remade)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    shipped = json.loads((bundled_audio_dir() / SHIPPED).read_text())
    fresh = json.loads(remade.read_text())
    assert set(shipped) == set(fresh)
    for name, table in fresh.items():
        assert shipped[name]["version"] == table["version"], REMAKE
        assert shipped[name]["entries"].keys() == table["entries"].keys(), REMAKE
        for key, value in table["entries"].items():
            assert shipped[name]["entries"][key] == pytest.approx(value, abs=1e-9), REMAKE


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_sessions_first_blocks_need_nothing_measured(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "empty")
    monkeypatch.setattr("player.sound.render.user_cache", lambda: cache)
    monkeypatch.setattr("player.sound.sources.user_cache", lambda: cache)
    shipped_tables.cache_clear()
    renderer = Renderer(compile_timeline(load_prepared(resolve(name), cache)))
    renderer.block(0)
    renderer.block(1)
    cache.save()
    measured = [path.name for path in cache.root.glob("*.json") if path.name != "clip-lengths.json"]
    assert measured == [], f"{name} measured {measured} before its first sound: {REMAKE}"
