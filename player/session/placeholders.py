"""Words `meditate new` writes for the author to replace, found where they are still written:
left in, they reach the feed, the chapters and the MP3's artist as if meant."""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import MappingNode, ScalarNode

from player.session.model import Location
from player.session.problems import Problem, SessionError
from player.session.starter import TEMPLATE_AUTHOR, WORDS
from player.session.yaml_source import compose

TEMPLATE_DESCRIPTION = WORDS["en"]["description"]
# each key's placeholders (the template's words in every language it is written in) and advice
_ADVICE = {
    "author": (
        {TEMPLATE_AUTHOR},
        "write your own name (it is the MP3's artist and the author a feed shows), or remove "
        "the line",
    ),
    "description": (
        {words["description"] for words in WORDS.values()},
        "say what this session offers (it is the episode's description in a feed)",
    ),
}


def placeholder_problems(path: Path) -> list[Problem]:
    """A warning for each of the template's placeholders still in the session at `path`."""
    try:
        root = compose(path)
    except SessionError:
        return []  # reported as the errors they are by whoever loads the session
    if not isinstance(root, MappingNode):
        return []
    found = []
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and isinstance(value, ScalarNode)):
            continue
        placeholders, advice = _ADVICE.get(key.value, (set(), ""))
        placeholder = value.value.strip()
        if placeholder in placeholders:
            where = Location(path, value.start_mark.line + 1, value.start_mark.column + 1)
            message = f"'{placeholder}' is the template's placeholder {key.value}: {advice}"
            found.append(Problem(where, message, warning=True))
    return found
