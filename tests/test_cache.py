"""The one cache: values kept between runs under keys that change with the code that made them."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from player.common.cache import Cache, code_version, key_of, shipped_tables


def test_a_remembered_value_is_made_once_and_read_back_by_a_later_run(tmp_path: Path) -> None:
    made: list[int] = []

    def make() -> float:
        made.append(1)
        return -23.5

    assert Cache(tmp_path).remember("measurements", "v1", "bell", make) == -23.5
    assert Cache(tmp_path).remember("measurements", "v1", "bell", make) == -23.5  # a new run
    assert len(made) == 1


def test_a_table_written_by_another_version_reads_as_empty(tmp_path: Path) -> None:
    Cache(tmp_path).remember("measurements", "v1", "bell", lambda: 1.0)
    assert Cache(tmp_path).table("measurements", "v2").get("bell") is None


def test_two_writers_of_one_table_keep_each_others_entries(tmp_path: Path) -> None:
    first, second = Cache(tmp_path), Cache(tmp_path)
    first.table("lengths", "v1").put("a.wav", 1.0)
    second.table("lengths", "v1").put("b.wav", 2.0)
    first.save()
    second.save()
    table = Cache(tmp_path).table("lengths", "v1")
    assert (table.get("a.wav"), table.get("b.wav")) == (1.0, 2.0)


def test_a_cache_that_cannot_be_written_still_gives_the_value(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert Cache(blocker).remember("measurements", "v1", "bell", lambda: 4.0) == 4.0


def test_a_failed_store_leaves_nothing_behind(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    with pytest.raises(RuntimeError), cache.storing("speech", "key", ".wav") as partial:
        partial.write_bytes(b"half a clip")
        raise RuntimeError("the engine crashed")
    assert list((tmp_path / "speech").iterdir()) == []
    assert not cache.file("speech", "key", ".wav").exists()


def test_the_code_version_changes_when_the_code_does(tmp_path: Path, monkeypatch) -> None:
    module = tmp_path / "made_up_synth.py"
    module.write_text("PARTIALS = (1.0, 2.71)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    before = code_version("made_up_synth")
    module.write_text("PARTIALS = (1.0, 2.72)\n")
    code_version.cache_clear()
    assert code_version("made_up_synth") != before
    sys.modules.pop("made_up_synth", None)


def test_a_bells_peak_is_kept_under_the_version_of_the_synthesis_code(
    tmp_path: Path, monkeypatch
) -> None:
    from player.sound.bells import bell_sound as synthesised
    from player.sound.sources import bell_sound

    monkeypatch.setenv("MEDITATE_SHIPPED", "0")
    shipped_tables.cache_clear()
    cache = Cache(tmp_path)
    first = bell_sound("chime", cache=cache)
    cache.save()
    version = code_version("player.sound.bells", "player.sound.noise")
    table = json.loads((tmp_path / "bell-peaks.json").read_text())
    assert table["version"] == version
    assert list(table["entries"]) == [key_of("chime")]
    again = bell_sound("chime", cache=Cache(tmp_path))
    assert again.samples.tobytes() == first.samples.tobytes() == synthesised("chime").tobytes()
    shipped_tables.cache_clear()
