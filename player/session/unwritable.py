"""Text in a session file holding characters no feed, page or tag can carry, found at the very
character: in double quotes YAML reads a backslash as an escape, so "C:\\audio\\breath" holds
a BEL and a BS where the writer meant backslashes."""

from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import ScalarNode

from player.common.characters import character_name, unwritable
from player.session.model import Location

# the escapes of a double-quoted YAML scalar (a backslash and a line break continues the line)
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.|\n)", re.DOTALL)
_NAMED = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip


def unwritable_problem(path: Path, node: ScalarNode, what: str) -> tuple[Location, str] | None:
    """Where the first unwritable character of `node`'s text was written, and what to say;
    None when there is none."""
    found = unwritable(node.value)
    if not found:
        return None
    char = found[0][1]
    where = Location(path, node.start_mark.line + 1, node.start_mark.column + 1)
    advice = "remove it"
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    if node.style == '"':
        escape = _first_escape_of(path, node, char)
        if escape is not None:
            where, written = escape
            advice = (
                f"in double quotes '{written}' is that character; write a backslash as '\\\\', "
                "or use single quotes"
            )
    return where, (
        f"{what} holds {character_name(char)}{more}, a character that a podcast feed, a web "
        f"page or a tag cannot carry: {advice}"
    )


def _first_escape_of(path: Path, node: ScalarNode, char: str) -> tuple[Location, str] | None:
    """Where in the file the escape that makes `char` is written, and how it is written."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    start, end = node.start_mark.index, node.end_mark.index
    for match in _ESCAPE.finditer(source, start, end):
        body = match.group(1)
        made = _NAMED.get(body) if len(body) == 1 else chr(int(body[1:], 16))
        if made == char:
            line = source.count("\n", 0, match.start()) + 1
            column = match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1
            return Location(path, line, column), match.group()
    return None
