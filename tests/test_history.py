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


def old_log(path: Path) -> None:
    """A log as the first version wrote it: no chapters, no length."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE sittings (id INTEGER PRIMARY KEY, started TEXT NOT NULL, session TEXT "
        "NOT NULL, title TEXT NOT NULL, seconds REAL NOT NULL, completed INTEGER NOT NULL)"
    )
    connection.execute(
        "INSERT INTO sittings (started, session, title, seconds, completed) VALUES "
        "('2026-10-01T07:00:00+00:00', 'grounding', 'Grounding', 600.0, 1)"
    )
    connection.commit()
    connection.close()


def test_a_log_from_an_earlier_version_is_read_and_added_to() -> None:
    log = history_path()
    old_log(log)
    record(log, Sitting(at("2026-11-02T07:00"), "timer", "Timer 20:00", 1200.0, True,
                        ("Bell 1", "Bell 2"), 1230.0))  # fmt: skip
    first, second = read(log)
    assert (first.session, first.chapters, first.length) == ("grounding", (), None)
    assert (second.chapters, second.length) == (("Bell 1", "Bell 2"), 1230.0)


def test_csv_exports_every_sitting_and_since_keeps_the_later_ones(monkeypatch) -> None:
    log = history_path()
    record(log, Sitting(at("2026-10-30T07:00"), "grounding", "Grounding in the Present Moment",
                        600.0, True, ("Opening", "Arriving"), 600.3))  # fmt: skip
    record(log, Sitting(at("2026-11-02T07:00"), "three-breaths", "Three Breaths", 70.0, False,
                        ("Opening",), 88.1))  # fmt: skip
    out = CliRunner().invoke(main, ["history", "--csv"]).output
    rows = out.splitlines()
    assert rows[0] == "started,session,title,minutes,completed,chapters,session_minutes"
    assert rows[1].startswith("2026-10-30T07:00:00") and rows[1].endswith(
        ",grounding,Grounding in the Present Moment,10.0,yes,Opening; Arriving,10.0"
    )
    assert len(rows) == 3
    later = CliRunner().invoke(main, ["history", "--csv", "--since", "2026-11-01"]).output
    assert [row.split(",")[1] for row in later.splitlines()[1:]] == ["three-breaths"]
    bad = CliRunner().invoke(main, ["history", "--since", "yesterday"])
    assert bad.exit_code == 2 and "expected a day such as 2026-11-01" in bad.output


def test_the_calendar_shades_each_day_by_minutes_and_reads_without_colour(monkeypatch) -> None:
    log = history_path()
    for day, minutes in [("2026-11-23", 5), ("2026-11-24", 15), ("2026-11-25", 45)]:
        record(log, Sitting(at(f"{day}T07:00"), "g", "G", minutes * 60.0, True))
    monkeypatch.setenv("MEDITATE_NOW", "2026-11-26T09:00")  # a Thursday
    from player.practice.calendar import calendar_lines

    lines = calendar_lines(read(log), datetime.date(2026, 11, 26), weeks=4, unicode=False)
    columns = [line.ljust(4 + 2 * 4)[4::2] for line in lines[1:8]]  # a character a week
    assert [row[-1] for row in columns] == ["-", "+", "#", ".", " ", " ", " "]  # Mon..Sun
    assert lines[-1].strip().startswith(". none  - under 10  + 10-19  * 20-39  # 40+")
    shown = CliRunner().invoke(main, ["history", "--calendar", "--weeks", "4"]).output
    assert "Mon" in shown and "minutes a day" in shown


@pytest.mark.parametrize(
    ("today", "last"),
    [("2026-12-03", "Dec"), ("2026-12-07", "Dec"), ("2026-11-30", "Nov"), ("2026-11-26", "Nov")],
)
def test_the_calendar_names_this_month_before_its_first_monday(today: str, last: str) -> None:
    from player.practice.calendar import calendar_lines

    lines = calendar_lines([], datetime.date.fromisoformat(today), weeks=12)
    assert lines[0].split()[-1] == last
    assert lines[0].split() == sorted(set(lines[0].split()), key=lines[0].split().index)  # once


def test_an_open_sitting_is_logged_as_completed_from_its_first_minute_on(tmp_path) -> None:
    from player.live.listen import Listening
    from player.live.session import LiveSession, Outcome
    from player.prepare.session import prepare_session
    from player.session.timeline import compile_timeline
    from player.session.timer import plan_timer, timer_session

    timeline = compile_timeline(prepare_session(timer_session(plan_timer(None), tmp_path)))
    live = LiveSession(timeline, open_ended=True)

    def ended_with_q_after(seconds: float) -> Outcome:
        listening = Listening(False, False, True, False, round(seconds * 44100), seconds)
        return Outcome(listening, at("2026-11-26T06:30"), "Bell 1")

    assert not live.log(ended_with_q_after(59.0), history_path())
    assert live.log(ended_with_q_after(61.0), history_path())
    (sitting,) = read(history_path())
    assert sitting.completed and sitting.seconds == 61.0 and sitting.length is None
