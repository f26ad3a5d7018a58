"""The practice log: what is recorded, totals and streaks across dates, concurrent players."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from player.cli import main
from player.common.paths import history_path
from player.practice.history import Sitting, read, record, worth_logging
from player.practice.streaks import streaks

PLAY = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
D = datetime.date


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ([], D(2026, 11, 25), (0, 0)),
        ([D(2026, 11, 25)], D(2026, 11, 25), (1, 1)),
        ([D(2026, 11, 23), D(2026, 11, 24)], D(2026, 11, 25), (2, 2)),  # not broken yet today
        ([D(2026, 11, 22), D(2026, 11, 23)], D(2026, 11, 25), (0, 2)),  # a day missed
        (
            [
                D(2026, 11, 1),
                D(2026, 11, 2),
                D(2026, 11, 3),
                D(2026, 11, 24),
                D(2026, 11, 25),
                D(2026, 11, 25),
            ],
            D(2026, 11, 25),
            (2, 3),
        ),
        ([D(2026, 12, 31), D(2027, 1, 1)], D(2027, 1, 1), (2, 2)),
    ],
)
def test_streaks_without_grace_count_days_strictly_in_a_row(days, today, expected) -> None:
    assert streaks(days, today, grace=0) == expected


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ([D(2026, 11, 22), D(2026, 11, 24)], D(2026, 11, 25), (2, 2)),  # one day missed: kept
        ([D(2026, 11, 22), D(2026, 11, 25)], D(2026, 11, 25), (1, 1)),  # two missed: a new one
        ([D(2026, 11, 22), D(2026, 11, 23)], D(2026, 11, 25), (2, 2)),  # not yesterday: still on
        ([D(2026, 11, 22), D(2026, 11, 23)], D(2026, 11, 26), (0, 2)),  # two days since: over
    ],
)
def test_the_default_grace_forgives_one_missed_day(days, today, expected) -> None:
    assert streaks(days, today) == expected


def test_only_whole_sittings_or_a_minute_and_more_are_worth_logging() -> None:
    assert worth_logging(5.0, completed=True)
    assert worth_logging(60.0, completed=False)
    assert not worth_logging(59.0, completed=False)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).astimezone()


def test_history_reports_recent_sittings_totals_and_streaks(monkeypatch) -> None:
    log = history_path()
    for day, minutes, done in [("2026-11-20", 10, True), ("2026-11-23", 12, True),
                               ("2026-11-24", 3, False), ("2026-11-25", 20, True)]:  # fmt: skip
        record(log, Sitting(at(f"{day}T07:30"), "grounding", "Grounding", minutes * 60, done))
    monkeypatch.setenv("MEDITATE_NOW", "2026-11-25T21:00")
    data = json.loads(CliRunner().invoke(main, ["history", "--json"]).output)
    assert data["sittings"] == 4 and data["minutes"] == 45.0
    assert (data["current_streak"], data["longest_streak"]) == (3, 3)
    assert [s["started"][:10] for s in data["recent"]] == [
        "2026-11-25", "2026-11-24", "2026-11-23", "2026-11-20",
    ]  # fmt: skip
    assert data["recent"][1]["completed"] is False
    monkeypatch.setenv("MEDITATE_NOW", "2026-11-28T08:00")
    text = CliRunner().invoke(main, ["history"]).output
    assert "Total: 45 minutes in 4 sittings, 3 completed. Streak: 0 days (longest 3)." in text
    assert "2026-11-25 07:30  Grounding" in text


def test_an_empty_log_says_how_to_begin() -> None:
    assert "No sittings yet" in CliRunner().invoke(main, ["history"]).output


def file_device_env(tmp_path: Path, name: str) -> dict[str, str]:
    home = tmp_path / name
    home.mkdir()
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{home / "out.raw"}"; format "raw" }}\n'
    )
    sessions = tmp_path / "sessions"
    sessions.mkdir(exist_ok=True)
    (sessions / "calm.yaml").write_text("title: Calm\nsteps:\n  - bell: chime\n")
    return {
        **os.environ,
        "HOME": str(home),
        "MEDITATE_PREROLL": "all",
        "MEDITATE_PATH": str(sessions),
    }


def test_a_finished_play_is_logged_and_no_log_skips_it(tmp_path, monkeypatch) -> None:
    env = {**file_device_env(tmp_path, "a"), "MEDITATE_NOW": "2026-11-25T06:00"}
    subprocess.run([*PLAY, "play", "calm"], env=env, check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)  # fmt: skip
    subprocess.run([*PLAY, "play", "calm", "--no-log"], env=env, check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)  # fmt: skip
    (sitting,) = read(history_path())
    assert sitting.session == "calm" and sitting.completed
    assert sitting.started == at("2026-11-25T06:00")


def test_two_players_logging_at_once_both_land_and_the_log_stays_sound(tmp_path) -> None:
    players = [
        subprocess.Popen(
            [*PLAY, "play", "calm"],
            env=file_device_env(tmp_path, name),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        for name in ("one", "two")
    ]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c",
             "import datetime, sys\n"
             "from player.practice.history import Sitting, record\n"
             "from player.common.paths import history_path\n"
             "for n in range(40):\n"
             "    record(history_path(), Sitting(datetime.datetime.now().astimezone(),"
             " 'w', 'Writer', 61.0, False))\n"],
        )
        for _ in range(2)
    ]  # fmt: skip
    assert all(p.wait(timeout=120) == 0 for p in players + writers)
    sittings = read(history_path())
    assert sum(s.session == "calm" for s in sittings) == 2
    assert sum(s.session == "w" for s in sittings) == 80
    connection = sqlite3.connect(history_path())
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
