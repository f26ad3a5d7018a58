"""Hostile and broken session files: the only outcomes are a session or our own located error.

Hypothesis feeds the loader random YAML documents and random mutations of every bundled
session. Each case must end with either a valid Session or a SessionError whose every line
reads FILE:LINE:COL: message. The examples are derandomized (the same every run) unless
HYPOTHESIS_PROFILE=fuzz asks for a long random search: `make fuzz`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player.prepare.session import load_prepared
from player.session.problems import SessionError
from player.session.timeline import compile_timeline

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted((REPO / "sessions").glob("*.yaml"))
LOCATED = re.compile(r"^.+:\d+:\d+: \S.*$")
KEYS = [
    *("title", "steps", "ambient", "narration", "silence", "bell", "chapter", "repeat"),
    *("text", "volume", "fade_in", "fade_out", "duck", "flex", "min", "max", "sound"),
    *("from", "until", "pitch", "beat", "tags", "cover", "voice", "version", "description"),
    *("engine", "model", "rate"),
]
FUZZ = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A quarter as many mutants for each bundled session: seven sessions share the profile's budget.
PER_SESSION = settings(FUZZ, max_examples=max(10, settings.default.max_examples // 4))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            *("20s", "-1s", "0", "1h", "1e400", "synth:ocean", "singing-bowl", "-6 dB"),
            *("narration/three-breaths/02-in.ogg", "", "  ", "nan", "25h", "1:30"),
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=10)), children, max_size=6
        ),
    ),
    max_leaves=40,
)


def outcome_is_allowed(path: Path) -> None:
    try:
        session = load_prepared(path)
    except SessionError as error:
        assert error.problems, "an error without problems"
        for line in str(error).splitlines():
            assert LOCATED.match(line), line
            assert line.startswith(str(path))
        return
    compile_timeline(session)


@FUZZ
@given(document=documents)
def test_random_documents_give_a_session_or_a_located_error(tmp_path_factory, document) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    outcome_is_allowed(path)


def mutate(value: Any, data: st.DataObject, depth: int = 0) -> Any:
    """Rename keys, retype values, make numbers negative or huge, deepen, empty strings."""
    choice = data.draw(st.integers(0, 9), label="how")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if data.draw(st.integers(0, 7), label="rename") == 0:
                key = data.draw(st.sampled_from([*KEYS, key + "x", key.upper(), ""]))
            out[key] = mutate(item, data, depth + 1)
        if choice == 0:
            return [out]
        return out
    if isinstance(value, list):
        items = [mutate(item, data, depth + 1) for item in value]
        if choice == 0 and items:
            items.append(items[0])
        if choice == 1:
            return [items]
        return items
    if choice == 0:
        return data.draw(scalars, label="retype")
    if choice == 1 and isinstance(value, (int, float)):
        return -value if value else -1
    if choice == 2 and isinstance(value, (int, float)):
        return value * 10**12
    if choice == 3 and isinstance(value, str):
        return ""
    if choice == 4 and isinstance(value, str) and value[:1].isdigit():
        return "-" + value
    if choice == 5:
        return {"nested": value}
    return value


@pytest.mark.parametrize("bundled", BUNDLED, ids=[p.stem for p in BUNDLED])
@PER_SESSION
@given(data=st.data())
def test_mutated_bundled_sessions_give_a_session_or_a_located_error(
    tmp_path_factory, bundled: Path, data
) -> None:
    original = yaml.safe_load(bundled.read_text())
    folder = tmp_path_factory.mktemp("mutant")
    path = folder / bundled.name
    path.write_text(yaml.safe_dump(mutate(original, data), allow_unicode=True), encoding="utf-8")
    outcome_is_allowed(path)


def test_deeply_nested_lists_are_refused_quickly(tmp_path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("title: T\nsteps: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(SessionError, match="YAML syntax error"):
        load_prepared(path)


def test_deeply_nested_repeats_are_refused(tmp_path) -> None:
    body = "title: T\nsteps:\n"
    indent = "  "
    for _ in range(80):
        body += f"{indent}- repeat: 1\n{indent}  steps:\n"
        indent += "    "
    body += f"{indent}- silence: 1s\n"
    path = tmp_path / "repeats.yaml"
    path.write_text(body)
    with pytest.raises(SessionError, match="nested more than 64 deep"):
        load_prepared(path)


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)
    with pytest.raises(SessionError, match=r"file is 104\.9 MB; a session file may be at most"):
        load_prepared(path)


@pytest.mark.parametrize(
    "garbage",
    [bytes(range(256)) * 4, b"\xff\xfe\x00t\x00i", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64],
)
def test_binary_garbage_is_refused_with_a_message(tmp_path, garbage: bytes) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(garbage)
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    assert LOCATED.match(str(caught.value).splitlines()[0])
