"""The search path: MEDITATE_PATH first, then your folder, then the bundled sessions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from player.common.errors import MeditateError
from player.common.paths import user_sessions_dir
from player.session.library import Origin, discover, resolve, search_folders


def session_file(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(f"title: {title}\nsteps:\n  - silence: 1s\n")
    return path


def test_search_order_is_meditate_path_then_yours_then_bundled(tmp_path, monkeypatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setenv("MEDITATE_PATH", f"{first}{os.pathsep}{second}")
    folders = search_folders()
    assert [f.path for f in folders[:2]] == [first, second]
    assert [f.origin for f in folders] == [Origin.PATH, Origin.PATH, Origin.USER, Origin.BUNDLED]
    assert folders[2].path == user_sessions_dir()
    assert str(folders[2].path).startswith(os.environ["XDG_DATA_HOME"])


def test_an_earlier_folder_wins_a_clash_and_records_what_it_hides(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setenv("MEDITATE_PATH", f"{first}{os.pathsep}{second}")
    winner = session_file(first, "calm", "First")
    hidden = session_file(second, "calm", "Second")
    mine = session_file(user_sessions_dir(), "three-breaths", "Mine")
    entries = {entry.name: entry for entry in discover()}
    assert entries["calm"].path == winner and [h.path for h in entries["calm"].hidden] == [hidden]
    assert entries["three-breaths"].path == mine
    assert entries["three-breaths"].origin is Origin.USER
    assert resolve("calm") == winner


def test_bundled_sessions_are_always_visible() -> None:
    entries = {entry.name: entry for entry in discover()}
    assert entries["three-breaths"].origin is Origin.BUNDLED


def test_a_path_is_taken_as_it_is(tmp_path) -> None:
    path = session_file(tmp_path, "anywhere", "Anywhere")
    assert resolve(str(path)) == path
    with pytest.raises(MeditateError, match="no such session file"):
        resolve(str(tmp_path / "missing.yaml"))


def test_an_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(MeditateError, match="did you mean 'three-breaths'"):
        resolve("three-breath")


def test_an_unknown_user_in_meditate_path_is_one_clear_line(monkeypatch) -> None:
    from click.testing import CliRunner

    from player.cli import main

    monkeypatch.setenv("MEDITATE_PATH", "~nosuchuser/sessions")
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 2
    assert result.output == (
        "meditate: MEDITATE_PATH entry '~nosuchuser/sessions': ~nosuchuser names no user "
        "on this system (write the full path)\n"
    )
