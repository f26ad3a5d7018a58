"""Points narration steps at new clips by editing the script's text in place.

Only the characters of each changed `narration:` value are rewritten (or, for a draft, one
`narration:` key is added in front of its first key); every other character of the file,
comments, blank lines, key order, quoting and indentation, stays as it was. The places come
from the YAML parser's marks (character offsets into the text), the same parser the loader
uses, so no second YAML library has to agree with it. Pure: text in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from player.session.yaml_source import NULL_TAG

_LoaderClass = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./ -]*[A-Za-z0-9_./-]|[A-Za-z0-9_]")


class EditError(ValueError):
    """The text is not the script the edit was planned on (it changed, or does not parse)."""


@dataclass(frozen=True)
class Said:
    """A narration step as the text writes it: its clip (None for a draft) and its words."""

    clip: str | None
    text: str | None


def narrations(text: str) -> list[Said]:
    """Every narration step's clip and words, in written order (repeats opened once)."""
    return [_said(node) for node in _narration_nodes(_compose(text))]


def set_clips(text: str, clips: Mapping[int, str]) -> str:
    """The text with narration step number `ordinal` (0-based, written order) naming
    `clips[ordinal]`; nothing else changes. Raises EditError."""
    nodes = _narration_nodes(_compose(text))
    edits: dict[int, tuple[int, int, str]] = {}  # start -> (start, end, replacement)
    for ordinal, clip in clips.items():
        if not 0 <= ordinal < len(nodes):
            raise EditError(f"the script has {len(nodes)} narration steps, not {ordinal + 1}")
        start, end, replacement = _edit(text, nodes[ordinal], clip)
        if edits.get(start, (start, end, replacement)) != (start, end, replacement):
            raise EditError("one narration step (a YAML alias) would name two clips")
        edits[start] = (start, end, replacement)
    edited = text
    for start, end, replacement in sorted(edits.values(), reverse=True):
        edited = edited[:start] + replacement + edited[end:]
    got = narrations(edited)
    if any(got[ordinal].clip != clip for ordinal, clip in clips.items()):
        raise EditError("the edited script does not name the new clips")  # a bug, not the user
    return edited


def yaml_scalar(value: str) -> str:
    """`value` written as a YAML string: plain when that reads back as the same text."""
    if _PLAIN.fullmatch(value) and ": " not in value and " #" not in value:
        try:
            if yaml.load(value, Loader=_LoaderClass) == value:
                return value
        except yaml.YAMLError:
            pass
    return '"' + "".join(_escaped(char) for char in value) + '"'


def _escaped(char: str) -> str:
    """One character inside a double-quoted YAML string."""
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    printable = (
        0x20 <= code <= 0x7E
        or code == 0x85
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    if printable and code != 0x85:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _compose(text: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=_LoaderClass)
    except yaml.YAMLError as error:
        raise EditError(f"it no longer reads as YAML ({str(error).splitlines()[0]})") from None


def _value(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _narration_nodes(root: Node | None) -> list[MappingNode]:
    """The mappings of narration steps in written order: what `recording.narration_steps`
    counts in the loaded model."""
    found: list[MappingNode] = []

    def walk(steps: Node) -> None:
        if not isinstance(steps, SequenceNode):
            return
        for step in steps.value:
            if not isinstance(step, MappingNode):
                continue
            keys = {k.value for k, _ in step.value if isinstance(k, ScalarNode)}
            if "repeat" in keys:
                nested = _value(step, "steps")
                if nested is not None:
                    walk(nested[1])
            elif "narration" in keys or "text" in keys:
                found.append(step)

    if isinstance(root, MappingNode):
        steps = _value(root, "steps")
        if steps is not None:
            walk(steps[1])
    return found


def _said(node: MappingNode) -> Said:
    def scalar(key: str) -> str | None:
        pair = _value(node, key)
        if pair is None or not isinstance(pair[1], ScalarNode) or pair[1].tag == NULL_TAG:
            return None
        return pair[1].value

    return Said(scalar("narration"), scalar("text"))


def _edit(text: str, node: MappingNode, clip: str) -> tuple[int, int, str]:
    """Where to write `clip` in one narration step: (start, end, replacement)."""
    written = yaml_scalar(clip)
    pair = _value(node, "narration")
    if pair is not None:
        value = pair[1]
        if not isinstance(value, ScalarNode):
            raise EditError("a narration step's clip is not a plain value")
        start, end = value.start_mark.index, value.end_mark.index
        if start == end:  # `narration:` with nothing after it
            return start, end, " " + written
        if value.style in ("|", ">"):  # a block scalar's span ends with its line breaks
            span = text[start:end]
            return start, end, written + span[len(span.rstrip()) :]
        return start, end, written
    start = node.start_mark.index
    if node.flow_style:  # {text: ...}: just after the brace
        return start + 1, start + 1, f"narration: {written}, "
    indent = " " * node.start_mark.column
    newline = "\r\n" if "\r\n" in text else "\n"  # as the file ends its lines
    return start, start, f"narration: {written}{newline}{indent}"
