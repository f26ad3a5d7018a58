"""Reading one value of a session file: text, durations, decibels, flags, numbers, file names.

Each reader takes a node and a default, reports a located problem when the value is wrong,
and returns the default then, so one pass over a file finds every problem in it.
"""

from __future__ import annotations

from pathlib import PurePath

from yaml.nodes import Node, ScalarNode

from player.session.format import MAX_SESSION_SECONDS
from player.session.model import FileRef
from player.session.problems import Problem
from player.session.units import parse_decibels, parse_duration
from player.session.unwritable import unwritable_problem
from player.session.yaml_source import NULL_TAG, NodeReader, describe


class ValueReader(NodeReader):
    def scalar(self, node: Node | None, expected: str) -> str | None:
        if node is None:
            return None
        if not self.spend(node):
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.fail(node, f"expected {expected}, found {describe(node)}")
            return None
        return node.value

    def text(self, node: Node | None) -> str | None:
        value = self.scalar(node, "text")
        if value is None:
            return None
        if not value.strip():
            assert node is not None
            self.fail(node, "expected text, found an empty string")
            return None
        assert isinstance(node, ScalarNode)
        unwritable = unwritable_problem(self.path, node, "the text")
        if unwritable is not None:
            self.problems.append(Problem(*unwritable))
            return None
        return value.strip()

    def text_list(self, node: Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
            return tuple(word.strip() for word in node.value.split(",") if word.strip())
        words = [self.text(item) for item in self.sequence(node, "a list of words")]
        return tuple(word for word in words if word)

    def duration(self, node: Node | None, default: float, *, allow_zero: bool = True) -> float:
        value = self.scalar(node, "a duration such as 20s, 2m or 1m30s")
        if value is None or node is None:
            return default
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            self.fail(node, str(error))
            return default
        if seconds > MAX_SESSION_SECONDS:
            self.fail(node, f"{value} is longer than the 24-hour limit of a session")
            return default
        if seconds == 0 and not allow_zero:
            self.fail(node, "a duration must be longer than zero")
            return default
        return seconds

    def durations(self, node: Node) -> tuple[float, ...]:
        """A list of durations (a single one is a list of one)."""
        if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
            items = [node]
        else:
            items = self.sequence(node, "a list of durations such as [2m, 10m]")
        return tuple(self.duration(item, 0.0) for item in items)

    def decibels(
        self, node: Node | None, default: float, low: float = -60.0, high: float = 12.0
    ) -> float:
        value = self.scalar(node, "a level in decibels such as -24 dB")
        if value is None or node is None:
            return default
        try:
            level = parse_decibels(value)
        except ValueError as error:
            self.fail(node, str(error))
            return default
        if not low <= level <= high:
            self.fail(node, f"{value} is out of range: expected {low:+g} dB to {high:+g} dB")
            return default
        return level

    def flag(self, node: Node | None) -> bool:
        value = self.scalar(node, "true or false")
        if value is None or node is None:
            return False
        word = value.strip().lower()
        if word in ("true", "yes", "on"):
            return True
        if word in ("false", "no", "off"):
            return False
        self.fail(node, f"expected true or false, found '{value}'")
        return False

    def hertz(self, node: Node | None) -> float | None:
        value = self.scalar(node, "a frequency in Hz such as 136.1")
        if value is None or node is None:
            return None
        try:
            hz = float(value.lower().removesuffix("hz").strip())
        except ValueError:
            self.fail(node, f"expected a frequency in Hz such as 136.1, found '{value}'")
            return None
        if not 0 < hz <= 4000:
            self.fail(node, f"{value} Hz is out of range: expected more than 0 and up to 4000")
            return None
        return hz

    def whole_number(self, node: Node | None, low: int, high: int, default: int) -> int:
        value = self.scalar(node, f"a whole number from {low} to {high}")
        if value is None or node is None:
            return default
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            self.fail(node, f"expected a whole number from {low} to {high}, found '{value}'")
            return default
        if not low <= number <= high:
            self.fail(node, f"{number} is out of range: {low} to {high}")
            return default
        return number

    def file_name(self, node: Node | None, suffixes: tuple[str, ...], what: str) -> FileRef | None:
        """A file named in the script, with one of `suffixes`; preparation looks it up."""
        raw = self.text(node)
        if raw is None or node is None:
            return None
        suffix = PurePath(raw).suffix.lower()
        if suffix not in suffixes:
            kind = f"a {suffix} file" if suffix else "a name without a suffix"
            self.fail(node, f"{what} '{raw}' is {kind}; expected one of {', '.join(suffixes)}")
            return None
        return FileRef(raw, self.at(node))
