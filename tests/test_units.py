import pytest

from player.session.units import (
    format_clock,
    format_duration,
    parse_decibels,
    parse_duration,
    parse_minutes,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20s", 20.0),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ("1.5", 1.5),
        ("500ms", 0.5),
        ("1h 5m", 3900.0),
        ("2 min", 120.0),
        ("1:30", 90.0),
        ("1:02:03", 3723.0),
        (45, 45.0),
        (2.25, 2.25),
    ],
)
def test_durations_read_in_every_documented_form(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "s", "abc", "20x", "1s1m", "1:75:00", "1e400", True])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["-5s", -3, "-1m"])
def test_negative_durations_say_so(text: str | int) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "db"),
    [("-24 dB", -24.0), ("-24dB", -24.0), ("+3 dB", 3.0), ("-6", -6.0), (-12, -12.0)],
)
def test_decibels_read_with_or_without_unit(text: str | int, db: float) -> None:
    assert parse_decibels(text) == db


@pytest.mark.parametrize("text", ["loud", "3 dBFS", "", "nan"])
def test_malformed_decibels_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="decibels"):
        parse_decibels(text)


def test_clock_format_switches_to_hours_at_one_hour() -> None:
    assert format_clock(65.4) == "1:05"
    assert format_clock(3599.6) == "1:00:00"
    assert format_clock(3725) == "1:02:05"


def test_durations_format_in_session_notation() -> None:
    assert format_duration(90) == "1m30s"
    assert format_duration(0.5) == "500ms"
    assert format_duration(3600) == "1h"
    assert parse_duration(format_duration(5432.5)) == pytest.approx(5432.5)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10", 600.0), ("0.5", 30.0), ("10s", 10.0), ("2m", 120.0), ("1:30", 90.0), ("1h", 3600.0)],
)
def test_a_timer_reads_a_bare_number_as_minutes_and_the_rest_as_sessions_do(text, seconds) -> None:
    assert parse_minutes(text) == seconds
    assert parse_duration("10") == 10.0  # in a session file, a bare number stays seconds


def test_a_timer_refuses_what_sessions_refuse() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_minutes("-5")
