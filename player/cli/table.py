"""Plain-text tables that fit the terminal: long cells are cut, the least needed columns left
out, in the order each column says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GAP = "  "


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # right-aligned (numbers, times)
    shrink_to: int | None = None  # may be cut, with an ellipsis, down to this width
    drop_rank: int | None = None  # left out when nothing else fits, lowest rank first


def render(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None
) -> tuple[str, list[str]]:
    """The table as text no wider than `width` (None: as wide as it needs), and the headers
    of the columns it left out."""
    shown = list(range(len(columns)))
    droppable = sorted(
        (i for i, column in enumerate(columns) if column.drop_rank is not None),
        key=lambda i: columns[i].drop_rank or 0,
    )
    table = [[column.header for column in columns], *[list(row) for row in rows]]
    natural = [max(len(row[i]) for row in table) for i in range(len(columns))]
    while True:
        widths = _fitted(columns, natural, shown, width)
        if widths is not None or not droppable:
            break
        shown.remove(droppable.pop(0))
    if widths is None:  # nothing more to leave out: cut what can be cut as far as it goes
        widths = {i: columns[i].shrink_to or natural[i] for i in shown}
    lines = [
        GAP.join(_cell(row[i], widths[i], columns[i].right) for i in shown).rstrip()
        for row in table
    ]
    left_out = [columns[i].header for i in range(len(columns)) if i not in shown]
    return "\n".join(lines), left_out


def _fitted(
    columns: Sequence[Column], natural: list[int], shown: list[int], width: int | None
) -> dict[int, int] | None:
    widths = {i: natural[i] for i in shown}
    if width is None:
        return widths
    excess = sum(widths.values()) + len(GAP) * (len(shown) - 1) - width
    for i in sorted(shown, key=lambda i: natural[i], reverse=True):  # widest first
        floor = columns[i].shrink_to
        if excess <= 0 or floor is None:
            continue
        cut = min(excess, max(0, natural[i] - floor))
        widths[i] -= cut
        excess -= cut
    return widths if excess <= 0 else None


def _cell(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text.rjust(width) if right else text.ljust(width)
