"""Every command through Click's runner, and the installed entry point as a real process."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from player.cli import main
from player.common.paths import user_sessions_dir

COMMANDS = ["list", "show", "check", "schema", "play", "export", "new", "history", "demo", "serve"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def user_session(name: str, text: str) -> Path:
    folder = user_sessions_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_list_shows_a_table_of_name_title_length_chapters_tags_and_origin() -> None:
    code, out = run("list", "--wide")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["NAME", "TITLE", "LENGTH", "RANGE", "CHAPTERS", "TAGS", "FROM"]
    row = next(r for r in rows if r.startswith("three-breaths"))
    assert "Three Breaths" in row and "1:28" in row and "1:12-3:07" in row and "bundled" in row
    assert " 4 " in row  # an Opening, and the three chapters the script names


@pytest.mark.parametrize("columns", [80, 60])
def test_list_fits_the_terminal_and_says_what_it_left_out(monkeypatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out = run("list")
    assert code == 0
    *table, note = out.splitlines()
    assert max(len(line) for line in table) <= columns
    assert table[0].split()[:3] == ["NAME", "TITLE", "LENGTH"]
    assert any(row.startswith("honouring-individuality") for row in table)
    assert note.endswith("left out to fit: meditate list --wide)") and "tags" in note


def test_list_says_plainly_which_of_two_same_named_sessions_plays() -> None:
    user_session("three-breaths", "title: Mine\nsteps:\n  - silence: 5s\n")
    code, out = run("list", "--wide")
    assert code == 0
    row = next(r for r in out.splitlines() if r.startswith("three-breaths"))
    assert row.endswith("yours, hides bundled")
    assert out.splitlines()[-1] == (
        "three-breaths: yours is played, not the bundled one of the same name "
        "(rename one to have both)"
    )


def test_a_mistyped_command_gets_a_did_you_mean() -> None:
    result = CliRunner().invoke(main, ["plya"], prog_name="meditate")
    assert result.exit_code == 2
    assert result.output == (
        "meditate: no command 'plya'; did you mean 'play'? (see 'meditate --help')\n"
    )


@pytest.mark.parametrize("columns", [40, 50, 60, 72, 80])
def test_shows_chapter_list_breaks_between_chapters_never_inside_one(monkeypatch, columns) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out = run("show", "three-breaths")
    assert code == 0
    lines = out.splitlines()
    for chapter in (
        "1 Opening 0:00",
        "2 Arriving 0:05",
        "3 Three breaths 0:17",
        "4 Returning 0:57",
    ):
        assert any(chapter in line for line in lines), chapter


def test_list_json_has_the_documented_fields() -> None:
    code, out = run("list", "--json")
    assert code == 0
    entry = next(e for e in json.loads(out) if e["name"] == "three-breaths")
    assert entry["title"] == "Three Breaths"
    assert entry["duration"] == pytest.approx(88.0, abs=1.0)
    assert entry["chapters"] == 4
    assert entry["tags"] == ["breath", "short", "beginner"]
    assert Path(entry["path"]).name == "three-breaths.yaml"
    assert entry["origin"] == "bundled"


def test_list_marks_a_broken_session_and_keeps_listing_the_rest() -> None:
    user_session("broken", "title: Broken\nsteps: []\n")
    code, out = run("list")
    assert code == 0
    assert any(line.startswith("broken") and "has errors" in line for line in out.splitlines())
    assert "three-breaths" in out
    assert "see: meditate check broken" in out


def test_show_prints_chapters_steps_and_narration_text() -> None:
    code, out = run("show", "three-breaths")
    assert code == 0
    assert "Three Breaths  (three-breaths, 1:28, can last 1:12-3:07)" in out
    assert "== Three breaths ==" in out
    assert '"Breathe in slowly."' in out
    assert "repeat 3 times:" in out
    assert "1 Opening 0:00" in out and "2 Arriving 0:05" in out and "4 Returning 0:57" in out


def test_show_json_has_duration_chapters_and_events() -> None:
    code, out = run("show", "three-breaths", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["name"] == "three-breaths" and data["title"] == "Three Breaths"
    titles = [c["title"] for c in data["chapters"]]
    assert titles == ["Opening", "Arriving", "Three breaths", "Returning"]
    kinds = [e["kind"] for e in data["events"]]
    assert kinds.count("narration") == 8 and kinds[0] == "bell"
    last = data["events"][-1]
    assert last["start"] + last["duration"] == pytest.approx(data["duration"], abs=1e-4)


def test_show_takes_a_path_too(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("title: Mine\nsteps:\n  - silence: 90s\n")
    code, out = run("show", str(path), "--json")
    assert code == 0 and json.loads(out)["duration"] == 90.0


def test_check_all_visible_sessions_passes_when_all_are_valid() -> None:
    code, out = run("check")
    assert code == 0
    assert "ok  three-breaths" in out


def test_check_reports_every_error_and_exits_2(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - silence: -1s\n  - bell: gnog\n")
    code, out = run("check", str(path), "three-breaths")
    assert code == 2
    assert f"{path}:3:14: a duration cannot be negative" in out
    assert f"{path}:4:11: unknown bell 'gnog'" in out
    assert "ok  three-breaths" in out
    assert "1 of 2 sessions with errors." in out


ROUNDS = """\
title: Rounds
cover: art/cover.png
ambient:
  - sound: sounds/stream.ogg
steps:
  - bell: gong
  - narration: voice/01-arrive.ogg
    text: Arrive.
  - silence: 5s
  - narration: voice/02-breathe.ogg
  - bell: sounds/temple.wav
  - narration: voice/03-junk.wav
"""


def test_check_reports_every_problem_of_a_file_in_one_run(tmp_path) -> None:
    path = tmp_path / "rounds.yaml"
    path.write_text(ROUNDS)
    (tmp_path / "voice").mkdir()
    (tmp_path / "voice" / "03-junk.wav").write_text("not a sound")
    code, out = run("check", str(path))
    assert code == 2
    assert [line.split(": ", 1)[0] for line in out.splitlines()] == [
        f"{path}:2:8", f"{path}:4:12", f"{path}:6:11", f"{path}:7:16", f"{path}:10:16",
        f"{path}:11:11", f"{path}:12:16", "1 of 1 session with errors.",
    ]  # fmt: skip
    assert "unknown bell 'gong'" in out and "'voice/03-junk.wav' is unusable" in out


def test_an_unknown_session_is_one_line_and_exit_2() -> None:
    code, out = run("show", "nonesuch")
    assert code == 2
    assert out.strip().count("\n") == 0
    assert "no session named 'nonesuch'" in out


def test_user_errors_never_show_a_traceback(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: [\n")
    code, out = run("show", str(path))
    assert code == 2
    assert "Traceback" not in out
    assert out.startswith(f"{path}:")


def test_schema_is_json_schema_that_accepts_the_bundled_session_and_rejects_typos() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    code, out = run("schema")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    validator = jsonschema.Draft202012Validator(schema)
    bundled = Path(__file__).parent.parent / "sessions" / "three-breaths.yaml"
    assert list(validator.iter_errors(yaml.safe_load(bundled.read_text()))) == []
    typo = {"title": "T", "steps": [{"silense": "3s"}]}
    assert list(validator.iter_errors(typo))


def test_version_is_the_package_s_and_the_changelog_s_newest() -> None:
    import re
    from importlib import metadata

    code, out = run("--version")
    changelog = (Path(__file__).parent.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[(\d[^\]]*)\]", changelog, re.MULTILINE)
    assert newest is not None
    assert code == 0 and out.startswith(f"meditate {metadata.version('meditate')} ")
    assert metadata.version("meditate") == newest.group(1)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0
    assert "Example:" in out and f"meditate {command}" in out


def test_session_names_complete_in_the_shell() -> None:
    env = {
        "_MEDITATE_COMPLETE": "bash_complete",
        "COMP_WORDS": "meditate show thr",
        "COMP_CWORD": "2",
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="meditate")
    assert "three-breaths" in result.output


def test_the_installed_entry_point_runs_as_a_real_process(tmp_path) -> None:
    executable = shutil.which("meditate", path=str(Path(sys.executable).parent))
    assert executable, "meditate is not installed in this environment"
    done = subprocess.run(
        [executable, "list", "--json"], cwd=tmp_path, capture_output=True, text=True,
        env=os.environ, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "three-breaths" in [entry["name"] for entry in json.loads(done.stdout)]
    failed = subprocess.run(
        [executable, "show", "nonesuch"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert failed.returncode == 2 and "Traceback" not in failed.stderr


@pytest.mark.parametrize("module", ["player", "player.cli"])
def test_python_dash_m_is_the_same_program_with_every_command(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True
    )
    listed = re.findall(r"^  (\w+) ", done.stdout.split("Commands:")[1], flags=re.MULTILINE)
    from player.cli.app import COMMANDS

    assert "check" in listed and "play" in listed
    assert listed == sorted(COMMANDS)  # every command, including one added later
