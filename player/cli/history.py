"""`meditate history`: your practice, from the log that `play` and `timer` keep."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
from typing import Any

import click

from player.practice.streaks import DEFAULT_GRACE_DAYS


class DateParam(click.ParamType):
    """A day such as 2026-11-01."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r}: expected a day such as 2026-11-01", param, ctx)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print every sitting and the totals as JSON.")
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print every sitting as CSV, for a spreadsheet."
)
@click.option("--since", type=DateParam(), help="Only sittings from this day on, e.g. 2026-11-01.")
@click.option("--calendar", is_flag=True, help="Draw the last months as a calendar, a shade a day.")
@click.option(
    "--weeks",
    type=click.IntRange(4, 104),
    default=26,
    show_default=True,
    help="How many weeks --calendar draws.",
)
@click.option(
    "--grace",
    type=click.IntRange(0, 6),
    default=DEFAULT_GRACE_DAYS,
    show_default=True,
    help="Days that may be missed without ending a streak (0 for days strictly in a row).",
)
@click.option(
    "-n",
    "--recent",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many recent sittings to show.",
)
def history(
    as_json: bool,
    as_csv: bool,
    since: datetime.date | None,
    calendar: bool,
    weeks: int,
    grace: int,
    recent: int,
) -> None:
    """Show your practice: recent sittings, minutes, streaks, and a calendar.

    Every sitting is logged with what was heard (skips and pauses do not
    count), the chapters reached, and whether it was completed: played to the
    end with nearly all of it heard. A sitting stopped within its first minute
    is not logged; nor is anything played with --no-log.

    A streak counts the days you sat, and by default one missed day between
    two does not end it (--grace 0 asks for days strictly in a row). It is
    there to encourage: history never nags.

    \b
    Example:
      meditate history
      meditate history --calendar
      meditate history --csv --since 2026-01-01 > practice.csv
    """
    from player.common.clock import now
    from player.common.paths import history_path
    from player.practice.history import read
    from player.practice.streaks import summarise

    sittings = read(history_path())
    if since is not None:
        sittings = [s for s in sittings if s.started.date() >= since]
    today = now().date()
    if as_csv:
        click.echo(_csv(sittings), nl=False)
        return
    practice = summarise(sittings, today, recent, grace)
    if as_json:
        click.echo(json.dumps(_json(sittings, practice), indent=2))
        return
    if calendar:
        from player.practice.calendar import calendar_lines

        unicode = "utf" in (getattr(sys.stdout, "encoding", None) or "").lower()
        for line in calendar_lines(sittings, today, weeks, unicode=unicode):
            click.echo(line)
        click.echo("")
    if not practice.sittings:
        click.echo("No sittings yet. Begin with: meditate play  (or sit: meditate timer 10m)")
        return
    if not calendar:
        _recent(practice.recent)
    days = "day" if practice.current_streak == 1 else "days"
    click.echo(
        f"Total: {_count(round(practice.minutes), 'minute')} in "
        f"{_count(practice.sittings, 'sitting')}, {practice.completed} completed. "
        f"Streak: {practice.current_streak} {days} (longest {practice.longest_streak})."
    )


def _recent(sittings: tuple[Any, ...]) -> None:
    from player.session.units import format_clock

    click.echo("Recent sittings:")
    for s in sittings:
        state = "completed" if s.completed else "stopped"
        when = s.started.strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {when}  {s.title[:40]:40}  {format_clock(s.seconds):>7}  {state}")


def _row(sitting: Any) -> dict[str, Any]:
    return {
        "started": sitting.started.isoformat(timespec="seconds"),
        "session": sitting.session,
        "title": sitting.title,
        "minutes": round(sitting.seconds / 60, 1),
        "completed": sitting.completed,
        "chapters": list(sitting.chapters),
        "session_minutes": None if sitting.length is None else round(sitting.length / 60, 1),
    }


def _csv(sittings: list[Any]) -> str:
    buffer = io.StringIO()
    columns = ["started", "session", "title", "minutes", "completed", "chapters", "session_minutes"]
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    for sitting in sittings:
        row = _row(sitting)
        row["chapters"] = "; ".join(row["chapters"])
        row["completed"] = "yes" if row["completed"] else "no"
        writer.writerow(row)
    return buffer.getvalue()


def _json(sittings: list[Any], practice: Any) -> dict[str, Any]:
    return {
        "sittings": practice.sittings,
        "minutes": round(practice.minutes, 1),
        "completed": practice.completed,
        "current_streak": practice.current_streak,
        "longest_streak": practice.longest_streak,
        "recent": [_row(s) for s in practice.recent],
        "all": [_row(s) for s in sittings],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
