"""What `meditate list` prints: a row a session, fitted to the terminal, or JSON."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from player.cli.table import Column, render
from player.prepare.summary import SessionSummary, summary_of
from player.session.flex import LengthRange
from player.session.library import Entry, Origin
from player.session.units import format_clock


@dataclass(frozen=True)
class Summary:
    """One row of `meditate list`: a session found on the search path, and its summary."""

    entry: Entry
    facts: SessionSummary

    def as_json(self) -> dict[str, Any]:
        base: dict[str, Any] = {
            "name": self.entry.name,
            "path": str(self.entry.path),
            "origin": self.entry.origin.value,
            "valid": self.facts.valid,
        }
        if not self.facts.valid:
            return {**base, "error": self.facts.problem}
        facts = self.facts
        return {
            **base,
            "title": facts.title,
            "description": facts.description,
            "duration": round(facts.seconds, 3),
            "range": range_json(LengthRange(facts.seconds, facts.shortest, facts.longest)),
            "chapters": facts.chapters,
            "tags": list(facts.tags),
        }


def hiding_notes(summaries: Iterable[Summary]) -> list[str]:
    """A line for each session that hides another of its name, saying which one plays."""
    called = {
        Origin.PATH: "the one in MEDITATE_PATH",
        Origin.USER: "yours",
        Origin.BUNDLED: "the bundled one",
    }
    notes = []
    for summary in summaries:
        entry = summary.entry
        if entry.hidden:
            hidden = " and ".join(dict.fromkeys(called[h.origin] for h in entry.hidden))
            notes.append(
                f"{entry.name}: {called[entry.origin]} is played, not {hidden} of the same name "
                "(rename one to have both)"
            )
    return notes


def range_json(span: LengthRange) -> dict[str, float | None]:
    return {
        "shortest": round(span.shortest, 3),
        "longest": None if span.longest is None else round(span.longest, 3),
    }


def summarise(entries: Iterable[Entry]) -> list[Summary]:
    seen: dict[str, list[int] | None] = {}
    return [Summary(entry, summary_of(entry.path, seen=seen)) for entry in entries]


LIST_COLUMNS = (
    Column("NAME"),
    Column("TITLE", shrink_to=20),
    Column("LENGTH", right=True),
    Column("RANGE", right=True, drop_rank=3),
    Column("CHAPTERS", right=True, drop_rank=2),
    Column("TAGS", shrink_to=12, drop_rank=1),
    Column("FROM", drop_rank=4),
)


def list_table(summaries: list[Summary], width: int | None) -> tuple[str, list[str]]:
    """The `list` table, fitted to `width` columns; and the headers it had to leave out."""
    rows = []
    for summary in summaries:
        origin = summary.entry.origin.value
        if summary.entry.hidden:
            hides = dict.fromkeys(h.origin.value for h in summary.entry.hidden)
            origin += ", hides " + " and ".join(hides)
        facts = summary.facts
        if not facts.valid:
            rows.append(
                (summary.entry.name, "(has errors: meditate check)", "-", "-", "-", "", origin)
            )
            continue
        span = LengthRange(facts.seconds, facts.shortest, facts.longest)
        rows.append(
            (
                summary.entry.name,
                facts.title,
                format_clock(facts.seconds),
                span.describe(),
                str(facts.chapters),
                ", ".join(facts.tags),
                origin,
            )
        )
    return render(LIST_COLUMNS, rows, width)
