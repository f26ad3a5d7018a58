"""YAML plumbing for session files: reading with limits, composing into nodes, walking them.

The YAML is composed into nodes (never constructed into Python objects), so no tag can run
code and every value keeps its line and column. `NodeReader` walks the nodes, counting each
against a budget (aliases cannot blow it up) and collecting every problem at its place.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from player.session.format import MAX_FILE_BYTES, Field
from player.session.model import Location
from player.session.problems import Problem, did_you_mean, file_problem
from player.session.yaml_advice import syntax_advice

YAML_TAG = "tag:yaml.org,2002:"
NULL_TAG = YAML_TAG + "null"
_PLAIN_TAGS = {
    YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
}
NODE_BUDGET = 100_000
_LoaderClass = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path) -> str:
    """The session file's text, refusing folders, huge, binary and non-UTF-8 files."""
    try:
        if path.is_dir():
            raise file_problem(path, "is a folder, not a session file: name a .yaml file in it")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise file_problem(
                path, f"file is {size / 1e6:.1f} MB; a session file may be at most 1 MB"
            )
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise file_problem(path, "no such session file") from None
    except PermissionError:
        raise file_problem(path, "permission denied: make the file readable") from None
    except OSError as error:
        raise file_problem(path, f"cannot read the file ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise file_problem(path, "file is over 1 MB; a session file may be at most 1 MB")
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise file_problem(path, "binary data, not a YAML text file", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise file_problem(
            path, "not UTF-8 text: save the file with UTF-8 encoding", line, column
        ) from None


def compose(path: Path) -> Node | None:
    """The file's node tree (None when empty). Raises SessionError for syntax errors."""
    text = read_text(path)
    try:
        return yaml.compose(text, Loader=_LoaderClass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = syntax_advice(error, text.splitlines())
        raise file_problem(path, f"YAML syntax error: {reason}", line, column) from None
    except yaml.YAMLError as error:
        raise file_problem(path, f"YAML error: {str(error).splitlines()[0]}") from None
    except RecursionError:
        raise file_problem(path, "nested too deeply to be a session") from None


class OutOfBudget(Exception):
    """The document expands to more nodes than NODE_BUDGET (reported as a problem first)."""


def describe(node: Node) -> str:
    """What a node is, as a message says it: 'a mapping', 'a list', 'nothing' or its value."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing"
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"'{value}'"


def is_null(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


class NodeReader:
    """Walks one file's nodes: where each is, the budget, mappings and lists, every problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.budget = NODE_BUDGET

    def at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def fail(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.at(node), message))

    def spend(self, node: Node) -> bool:
        """Counts a visited node against the budget; False when its tag is refused."""
        plain = self.refuse_tags(node)
        self.budget -= 1
        if self.budget < 0:
            self.fail(
                node,
                f"the file expands to more than {NODE_BUDGET} values (through aliases "
                "and anchors); write the steps out or use repeat",
            )
            raise OutOfBudget
        return plain

    def refuse_tags(self, node: Node) -> bool:
        if node.tag in _PLAIN_TAGS:
            return True
        self.fail(node, f"YAML tag '{node.tag}' is not allowed: session files hold plain data")
        return False

    def mapping(
        self, node: Node, fields: dict[str, Field], expected: str
    ) -> dict[str, Node] | None:
        """The mapping's values by key, after reporting unknown, repeated and missing keys."""
        if not self.spend(node):
            return None
        if not isinstance(node, MappingNode):
            self.fail(node, f"expected {expected}, found {describe(node)}")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "a key must be a plain word")
                continue
            key = key_node.value
            if key_node.tag != YAML_TAG + "str":
                self.refuse_tags(key_node)
            if key_node.tag == YAML_TAG + "merge":
                self.fail(key_node, "merge keys (<<) are not supported; write the keys out")
            elif key not in fields:
                self.fail(
                    key_node,
                    f"unknown key '{key}'{did_you_mean(key, fields)} "
                    f"(expected one of: {', '.join(fields)})",
                )
            elif key in found:
                self.fail(key_node, f"'{key}' is given twice; keep one")
            else:
                found[key] = value_node
        for key, field in fields.items():
            if field.required and key not in found:
                self.fail(node, f"missing '{key}': {field.help[0].lower()}{field.help[1:]}")
        return found

    def sequence(self, node: Node, expected: str) -> list[Node]:
        if not self.spend(node):
            return []
        if not isinstance(node, SequenceNode):
            self.fail(node, f"expected {expected}, found {describe(node)}")
            return []
        return list(node.value)
