"""One script, any length: flexible silences stretch or shrink; fixed parts never change."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from measure import ffprobe

from player.cli import main
from player.common.errors import MeditateError
from player.prepare.session import load_prepared
from player.session.flex import length_range
from player.session.timeline import EventKind, compile_timeline

SESSION = """
title: Flexible
steps:
  - bell: chime
  - silence: 1m
    flex: true
    min: 30s
    max: 4m
  - repeat: 3
    steps:
      - silence: 10s
      - silence: 20s
        flex: true
  - bell: chime
"""


def test_the_range_runs_from_all_mins_to_all_maxes(write_session) -> None:
    span = length_range(load_prepared(write_session(SESSION)))
    assert span.natural == pytest.approx(10 + 60 + 3 * 30)
    assert span.shortest == pytest.approx(10 + 30 + 30)
    assert span.longest is None  # the repeated silence has no max
    bounded = SESSION.replace("        flex: true\n", "        flex: true\n        max: 1m\n")
    assert length_range(load_prepared(write_session(bounded, "b.yaml"))).longest == pytest.approx(
        10 + 240 + 30 + 180
    )


@pytest.mark.parametrize("target", [75.0, 160.0, 600.0, 3600.0])
def test_stretching_hits_the_length_and_leaves_fixed_parts_alone(write_session, target) -> None:
    session = load_prepared(write_session(SESSION))
    natural = compile_timeline(session)
    stretched = compile_timeline(session, target)
    assert abs(stretched.seconds - target) <= 0.5
    fixed = [e.length for e in natural.events if e.kind is EventKind.BELL]
    assert [e.length for e in stretched.events if e.kind is EventKind.BELL] == fixed
    tens = [e.length for e in stretched.events if e.length == 10 * 44100]
    assert len(tens) == 3  # the fixed silences inside the repeat


def test_shrinking_respects_min_and_proportions(write_session) -> None:
    session = load_prepared(write_session(SESSION))
    timeline = compile_timeline(session, 80.0)
    silences = [e.length / 44100 for e in timeline.events if e.kind is EventKind.SILENCE]
    # the first stops at its min; the others share what is left in proportion
    assert silences == pytest.approx([30, 10, 10 / 3, 10, 10 / 3, 10, 10 / 3], abs=1e-3)
    assert timeline.seconds == pytest.approx(80.0, abs=0.5)


def test_an_unreachable_length_names_the_shortest_and_longest(write_session) -> None:
    session = load_prepared(write_session(SESSION.replace("flex: true\n        min", "min")))
    with pytest.raises(MeditateError, match=r"--length 0:30 is out of reach: it can last from"):
        compile_timeline(session, 30.0)
    fixed = load_prepared(write_session("title: T\nsteps:\n  - silence: 1m\n", "fixed.yaml"))
    with pytest.raises(MeditateError, match="no flexible silences"):
        compile_timeline(fixed, 120.0)


def test_exported_length_equals_the_asked_length(write_session, tmp_path) -> None:
    path = write_session(SESSION)
    target = tmp_path / "four.wav"
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(target), "--length", "4m"])
    assert result.exit_code == 0, result.output
    assert abs(float(ffprobe(target)["format"]["duration"]) - 240.0) < 0.5


def test_list_and_show_give_the_possible_range(write_session, monkeypatch) -> None:
    path = write_session(SESSION)
    monkeypatch.setenv("MEDITATE_PATH", str(path.parent))
    listed = CliRunner().invoke(main, ["list", "--wide"]).output
    row = next(line for line in listed.splitlines() if line.startswith("session"))
    assert "2:40" in row and "1:10-any" in row
    shown = CliRunner().invoke(main, ["show", str(path)]).output
    assert "can last 1:10-any" in shown
    data = json.loads(CliRunner().invoke(main, ["list", "--json"]).output)
    entry = next(e for e in data if e["name"] == "session")
    assert entry["range"] == {"shortest": 70.0, "longest": None}
