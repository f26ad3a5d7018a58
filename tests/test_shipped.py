"""The measurements shipped with the bundled audio are what the code works out today, and
the bundled sessions find there everything their first sound, and their picture, need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from player.common import paths
from player.common.cache import SHIPPED, Cache, save_all, shipped_tables
from player.common.paths import bundled_audio_dir
from player.prepare import verify
from player.prepare.session import load_prepared
from player.session.library import resolve
from player.session.timeline import compile_timeline
from player.sound import sources
from player.sound.foresee import momentary_loudness
from player.sound.render import Renderer
from player.sound.shipped import FILE, decoded

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(path.stem for path in (REPO / "sessions").glob("*.yaml"))
REMAKE = "stale: run python tools/ship_measurements.py"


def same(shipped: object, fresh: object) -> bool:
    """Equal to the last bits a machine's floating point may differ by: numbers, arrays (as
    shipped) and the mappings holding them."""
    if isinstance(fresh, dict) and "data" in fresh:
        made, found = decoded(fresh), decoded(shipped)
        return found is not None and made is not None and np.allclose(found, made, rtol=1e-9)
    if isinstance(fresh, dict):
        return (
            isinstance(shipped, dict)
            and shipped.keys() == fresh.keys()
            and all(same(shipped[key], value) for key, value in fresh.items())
        )
    return shipped == pytest.approx(fresh, abs=1e-9)


def test_the_shipped_measurements_are_what_the_code_works_out_now(tmp_path: Path) -> None:
    # every built-in bed and bell, and all a session needs: the shortest one's, to be quick
    remade = tmp_path / "measurements.json"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "ship_measurements.py"), "--output", str(remade),
         "--sessions", "three-breaths"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    for file in (SHIPPED, FILE):
        shipped = json.loads((bundled_audio_dir() / file).read_text())
        fresh = json.loads((tmp_path / file).read_text())
        assert set(shipped) == set(fresh), file
        for name, table in fresh.items():
            assert shipped[name]["version"] == table["version"], REMAKE
            assert table["entries"], name
            for key, value in table["entries"].items():
                assert key in shipped[name]["entries"], (name, REMAKE)
                assert same(shipped[name]["entries"][key], value), (name, key, REMAKE)


def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cache:
    """An empty cache, and nothing measured earlier in this process."""
    monkeypatch.setenv("MEDITATE_CACHE", str(tmp_path / "empty"))
    monkeypatch.setattr(sources, "_measured", {})
    shipped_tables.cache_clear()
    return Cache(tmp_path / "empty")


def measured_since(cache: Cache) -> list[str]:
    kept = [path.relative_to(cache.root) for path in cache.root.rglob("*") if path.is_file()]
    return sorted(str(path) for path in kept if path.name != "clip-lengths.json")


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_sessions_first_blocks_need_nothing_measured(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = isolated(tmp_path, monkeypatch)
    renderer = Renderer(compile_timeline(load_prepared(resolve(name), cache)))
    renderer.block(0)
    renderer.block(1)
    save_all()
    assert measured_since(cache) == [], f"{name} measured before its first sound: {REMAKE}"


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_sessions_picture_needs_nothing_measured(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = isolated(tmp_path, monkeypatch)
    momentary_loudness(Renderer(compile_timeline(load_prepared(resolve(name), cache))))
    save_all()
    assert measured_since(cache) == [], f"{name}'s picture measured: {REMAKE}"


def test_checking_the_bundled_library_decodes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def decoding(path: Path) -> None:
        raise AssertionError(f"{path} decoded: {REMAKE}")

    cache = isolated(tmp_path, monkeypatch)
    monkeypatch.setattr(verify, "decode_to_nothing", decoding)
    for name in BUNDLED:
        assert verify.sound_problems(load_prepared(resolve(name), cache), cache) == []


def test_a_bundled_file_is_trusted_only_as_shipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audio = tmp_path / "audio"
    same_clip, other_clip = audio / "same.ogg", audio / "other.ogg"
    audio.mkdir()
    bundled = bundled_audio_dir() / "narration" / "three-breaths"
    same_clip.write_bytes((bundled / "01-arrive.ogg").read_bytes())
    other_clip.write_bytes((bundled / "02-in.ogg").read_bytes()[:-1])  # one byte less
    (audio / SHIPPED).write_bytes((bundled_audio_dir() / SHIPPED).read_bytes())
    monkeypatch.setattr(paths, "bundled_audio_dir", lambda: audio)
    decoded: list[str] = []
    real = verify.decode_to_nothing

    def spy(path: Path) -> verify.Decoded:
        decoded.append(path.name)
        return real(path)

    monkeypatch.setattr(verify, "decode_to_nothing", spy)
    session = tmp_path / "two.yaml"
    steps = "".join(f"  - narration: {clip}\n" for clip in (same_clip, other_clip))
    session.write_text(f"title: Two\nsteps:\n{steps}")
    cache = isolated(tmp_path, monkeypatch)
    verify.sound_problems(load_prepared(session, cache), cache)
    assert decoded == ["other.ogg"]
