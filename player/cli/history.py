"""`meditate history`: your practice, from the log that `play` keeps."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the log and totals as JSON.")
@click.option(
    "-n",
    "--recent",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many recent sittings to show.",
)
def history(as_json: bool, recent: int) -> None:
    """Show your practice: recent sittings, total minutes and streaks of days.

    Every play that reaches its end, or that you stop after at least a minute,
    is logged (unless you play with --no-log).

    \b
    Example:
      meditate history
      meditate history --json
    """
    from player.common.clock import now
    from player.common.paths import history_path
    from player.practice.history import read, summarise
    from player.session.units import format_clock

    practice = summarise(read(history_path()), now().date(), recent)
    if as_json:
        data = {
            "sittings": practice.sittings,
            "minutes": round(practice.minutes, 1),
            "current_streak": practice.current_streak,
            "longest_streak": practice.longest_streak,
            "recent": [
                {
                    "started": s.started.isoformat(timespec="seconds"),
                    "session": s.session,
                    "title": s.title,
                    "minutes": round(s.seconds / 60, 1),
                    "completed": s.completed,
                }
                for s in practice.recent
            ],
        }
        click.echo(json.dumps(data, indent=2))
        return
    if not practice.sittings:
        click.echo("No sittings yet. Begin with: meditate play")
        return
    click.echo("Recent sittings:")
    for s in practice.recent:
        state = "completed" if s.completed else "stopped"
        when = s.started.strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {when}  {s.title[:40]:40}  {format_clock(s.seconds):>7}  {state}")
    days = "day" if practice.current_streak == 1 else "days"
    click.echo(
        f"Total: {_count(round(practice.minutes), 'minute')} in "
        f"{_count(practice.sittings, 'sitting')}. "
        f"Streak: {practice.current_streak} {days} (longest {practice.longest_streak})."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
