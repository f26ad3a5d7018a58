"""The list summary cache: it stands while nothing changed and notices every change that matters."""

from __future__ import annotations

import os

import pytest

from player.common.cache import Cache, code_version
from player.prepare import summary
from player.prepare.summary import summary_of


@pytest.fixture
def cache(tmp_path):
    return Cache(tmp_path / "cache")


def _touch_later(path) -> None:
    info = os.stat(path)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


def test_an_edited_script_is_read_again(write_session, make_wav, tmp_path, cache) -> None:
    make_wav(tmp_path / "a.wav", 1.0)
    path = write_session("title: First\nsteps:\n  - narration: a.wav\n")
    assert summary_of(path, cache).title == "First"
    path.write_text("title: Second\nsteps:\n  - narration: a.wav\n  - silence: 3\n")
    _touch_later(path)
    summary = summary_of(path, cache)
    assert (summary.title, summary.seconds) == ("Second", pytest.approx(4.0))


def test_a_clip_replaced_by_a_longer_one_changes_the_length(
    write_session, make_wav, tmp_path, cache
) -> None:
    make_wav(tmp_path / "a.wav", 1.0)
    path = write_session("title: T\nsteps:\n  - narration: a.wav\n")
    assert summary_of(path, cache).seconds == pytest.approx(1.0)
    make_wav(tmp_path / "a.wav", 2.5)
    assert summary_of(path, cache).seconds == pytest.approx(2.5)


def test_a_missing_clip_that_appears_is_seen(write_session, make_wav, tmp_path, cache) -> None:
    path = write_session("title: T\nsteps:\n  - narration: voice/a.wav\n")
    assert not summary_of(path, cache).valid
    make_wav(tmp_path / "voice" / "a.wav", 1.0)
    summary = summary_of(path, cache)
    assert summary.valid and summary.seconds == pytest.approx(1.0)


def test_an_unchanged_session_comes_from_the_cache(
    write_session, make_wav, tmp_path, cache
) -> None:
    make_wav(tmp_path / "a.wav", 1.0)
    path = write_session("title: T\nsteps:\n  - narration: a.wav\n")
    summary_of(path, cache)
    table = cache.table(summary._TABLE, code_version(*summary._MODULES))
    stored = table.get(os.path.abspath(path))
    table.put(os.path.abspath(path), {**stored, "summary": {**stored["summary"], "title": "Kept"}})
    assert summary_of(path, cache).title == "Kept"  # the script was not read again
    _touch_later(path)
    assert summary_of(path, cache).title == "T"
