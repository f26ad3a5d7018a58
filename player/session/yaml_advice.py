"""A YAML mistake in a session file said in plain words, with what to write instead.

The advice comes from the lines themselves and the parser's marks, so it is the same
whichever parser found the mistake (LibYAML's or PyYAML's own, whose messages differ).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

_KEY_LIKE = re.compile(r"(?:-\s+)?[\w-]+")  # what a key looks like, or a step's '- key'


@dataclass(frozen=True)
class _Mistake:
    reason: str  # the parser's words
    lines: list[str]
    line: int  # 0-based, where the parser stopped
    column: int
    context: yaml.Mark | None  # where what it was reading began, when it says

    @property
    def here(self) -> str:
        return self.lines[self.line] if self.line < len(self.lines) else ""

    @property
    def before(self) -> str:
        """The line up to where the parser stopped."""
        return self.here[: self.column]


def syntax_advice(error: yaml.MarkedYAMLError, lines: list[str]) -> str:
    """What went wrong, said so that a newcomer to YAML knows what to change."""
    reason = " ".join(part for part in (error.context, error.problem) if part)
    mark = error.problem_mark
    mistake = _Mistake(
        reason, lines, mark.line if mark else 0, mark.column if mark else 0, error.context_mark
    )
    advisers: tuple[Callable[[_Mistake], str | None], ...] = (
        _documents,
        _tab,
        _after_a_quote,
        _dash_in_a_value,
        _colon_in_a_value,
        _more_of_a_value,
        _step_among_keys,
        _misaligned,
    )
    for advise in advisers:
        advice = advise(mistake)
        if advice:
            return advice
    return reason


def _documents(m: _Mistake) -> str | None:
    if "expected a single document" in m.reason:
        return "more than one YAML document (---): keep one session per file"
    return None


def _tab(m: _Mistake) -> str | None:
    if "\t" in m.here[: m.column + 1] or ("cannot start any token" in m.reason and "\t" in m.here):
        return "a tab: YAML indents with spaces only; replace the tab with spaces"
    return None


def _after_a_quote(m: _Mistake) -> str | None:
    """`text: "Breathe in" and out.`: a quoted value ends at its closing quote."""
    key, value = _key_value(m.here)
    if key is None or not value or value[0] not in "\"'":
        return None
    closed = m.before.rstrip()
    if not closed.endswith(value[0]) or len(closed) <= m.here.index(value) + 1:
        return None
    return (
        "words after the closing quote: quotes must hold the whole value; to keep the quotes "
        f"in the words, put all of it in quotes of the other kind: {key}: {_requoted(value)}"
    )


def _dash_in_a_value(m: _Mistake) -> str | None:
    """`text: - a dash starts this`: a dash and a space start a list."""
    return _to_quote(
        m,
        "sequence entries are not allowed",
        "a value cannot start with a dash and a space, which start a list",
    )


def _colon_in_a_value(m: _Mistake) -> str | None:
    """`text: Breathe: in and out`: a colon and a space inside a value."""
    return _to_quote(
        m, "mapping values are not allowed", "a colon and a space inside a value start a new key"
    )


def _to_quote(m: _Mistake, reason: str, why: str) -> str | None:
    """The advice to quote the value of the line, when the parser gave `reason` there."""
    key, value = _key_value(m.here)
    if reason not in m.reason or key is None or ": " not in m.before:
        return None
    return f"{why}; put the value in quotes: {key}: {_quoted(value)}"


def _more_of_a_value(m: _Mistake) -> str | None:
    """A line indented under `key: value` continues that value: an indented `steps:` under
    `title: T`, or words with a colon in them on the value's second line."""
    if "mapping values are not allowed" not in m.reason:
        return None
    indent = _indent(m.here)
    owner = next(
        (
            n
            for n in range(m.line - 1, -1, -1)
            if _content(m.lines[n]) and _indent(m.lines[n]) < indent
        ),
        None,
    )
    if owner is None:
        return None
    key, value = _key_value(m.lines[owner])
    if key is None:
        return None
    written = m.before.strip()
    if _KEY_LIKE.fullmatch(written):
        first = m.lines[owner].strip().split(":")[0]
        return (
            f"this line is indented {_spaces(indent)}, more than '{first}' on line {owner + 1}, "
            f"so YAML reads it as more of the value of '{key}': line '{written}' up with "
            f"'{first}' (indented {_spaces(_indent(m.lines[owner]))})"
        )
    words = " ".join(
        [value.strip(), *(m.lines[n].strip() for n in range(owner + 1, m.line + 1))]
    ).strip()
    return (
        f"this line continues the value of '{key}' (line {owner + 1}), and a colon and a space "
        f"inside a value start a new key; put the value in quotes: {key}: {_quoted(words)}"
    )


def _step_among_keys(m: _Mistake) -> str | None:
    """`- silence: 5s` indented as far as the keys of the step above it: YAML takes it as
    part of that step."""
    if m.context is None or "mapping" not in m.reason or not m.here.lstrip().startswith("-"):
        return None
    opened = m.lines[m.context.line] if m.context.line < len(m.lines) else ""
    item = m.here.strip().split(":")[0]
    keys = opened[m.context.column :].split(":")[0]
    prefix = opened[: m.context.column].rstrip()
    if not prefix.endswith("-"):
        return (
            f"a list item ('{item}') among the keys of line {m.context.line + 1} ('{keys}'): "
            "a list goes under a key of its own, such as steps:, indented more than that key"
        )
    step = opened.strip().split(":")[0]
    return (
        f"this step ('{item}') is indented {_spaces(_indent(m.here))}, as the keys of the "
        f"step on line {m.context.line + 1} ('{step}') are, so YAML reads it as part of that "
        f"step: start its dash where that step's dash is (indented {_spaces(len(prefix) - 1)})"
    )


def _misaligned(m: _Mistake) -> str | None:
    """A line indented to none of the blocks above it."""
    expected = ("expected '-' indicator", "expected key", "expected <block end>")
    if m.context is None or not any(words in m.reason for words in expected):
        return None
    here, context = m.here, m.context
    indent = _indent(here)
    item = _item_above(m.lines, m.line, context.column)
    if item is not None and not here.lstrip().startswith("-"):
        number, key_column, key = item
        return (
            f"this key is indented {indent} spaces, but the keys of the list item on "
            f"line {number} are indented {key_column} ('{key}'): line them up"
        )
    opened = m.lines[context.line] if context.line < len(m.lines) else ""
    what = "list item" if "collection" in m.reason else "key"
    first = opened.strip().split(":")[0]
    return (
        f"this line is indented {_spaces(indent)}, but the {what}s it follows are indented "
        f"{context.column} (line {context.line + 1}, '{first}'): line them up, or indent less "
        "to end that block"
    )


def _item_above(lines: list[str], below: int, dash_column: int) -> tuple[int, int, str] | None:
    """The list item nearest above line `below` whose '-' is at `dash_column`: its 1-based
    line, the column of its first key, and that key."""
    for number in range(below - 1, -1, -1):
        line = lines[number]
        if len(line) > dash_column and line[dash_column] == "-" and not line[:dash_column].strip():
            rest = line[dash_column + 1 :]
            key_column = dash_column + 1 + len(rest) - len(rest.lstrip(" "))
            return number + 1, key_column, rest.strip().split(":")[0]
    return None


def _key_value(line: str) -> tuple[str | None, str]:
    """The key a line gives a value to (after any list dashes) and the value as written."""
    content = line.strip()
    while content.startswith("- "):
        content = content[2:].lstrip()
    key, colon, value = content.partition(": ")
    if not colon or not _KEY_LIKE.fullmatch(key):
        return None, ""
    return key, value.strip()


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _requoted(value: str) -> str:
    """`value` inside quotes of the other kind than it starts with, its own kept as words."""
    if value.startswith('"'):
        return "'" + value.replace("'", "''") + "'"
    return _quoted(value)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"
