"""The bundled practice library: valid, on target when exported, chapters visible, small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from measure import ffprobe, integrated_loudness

from player.cli import main
from player.prepare.session import load_prepared
from player.session.model import Bell, Chapter, Narration, Silence, flatten
from player.session.timeline import compile_timeline

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(path.stem for path in (REPO / "sessions").glob("*.yaml"))
PRACTICES = {
    "grounding": 10,
    "embracing-separation": 12,
    "turning-inward": 12,
    "honouring-individuality": 10,
    "inner-balance": 15,
    "heart-opening": 20,
}


def test_all_bundled_audio_together_is_at_most_15_mb() -> None:
    total = sum(p.stat().st_size for p in (REPO / "audio").rglob("*") if p.is_file())
    assert total <= 15 * 1024 * 1024


@pytest.mark.parametrize(("name", "minutes"), PRACTICES.items())
def test_each_practice_is_shaped_as_the_library_promises(name: str, minutes: int) -> None:
    session = load_prepared(REPO / "sessions" / f"{name}.yaml")
    timeline = compile_timeline(session)
    assert abs(timeline.seconds - minutes * 60) <= 60
    steps = list(flatten(session.steps))
    assert session.title and session.description and session.tags
    assert sum(isinstance(s, Chapter) for s in steps) >= 3
    assert isinstance(session.steps[0], Bell) and isinstance(session.steps[-1], Bell)
    assert any(isinstance(s, Silence) and s.flex for s in steps)
    assert session.ambient and all(bed.synth and bed.duck_db > 0 for bed in session.ambient)
    narration = [s for s in steps if isinstance(s, Narration)]
    assert narration and all(s.text and not s.draft for s in narration)
    assert all(s.clip and s.clip.found.suffix == ".ogg" for s in narration)


def test_the_library_lists_every_bundled_session() -> None:
    listed = json.loads(CliRunner().invoke(main, ["list", "--json"]).output)
    assert sorted(entry["name"] for entry in listed) == BUNDLED


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_session_exports_on_target_with_its_chapters(name: str, tmp_path) -> None:
    # Each session rendered once, whole, on its own worker. WAV, so the time goes to our mix
    # rather than to LAME; MP3 encoding keeps its level and its chapters in test_export and
    # test_encoder, and the limiter holds true peaks under -1 dBTP there and in test_limiter
    # (measuring them here, oversampled, would take three times the loudness's time).
    target = tmp_path / f"{name}.wav"
    result = CliRunner().invoke(main, ["export", name, "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    integrated = integrated_loudness(target)
    assert abs(integrated - (-16.0)) <= 0.5, integrated
    shown = json.loads(CliRunner().invoke(main, ["show", name, "--json"]).output)
    chapters = sorted(ffprobe(target)["chapters"], key=lambda c: float(c["start_time"]))
    assert [c["tags"]["title"] for c in chapters] == [c["title"] for c in shown["chapters"]]
    for found, wanted in zip(chapters, shown["chapters"], strict=True):
        assert abs(float(found["start_time"]) - wanted["start"]) < 0.05
