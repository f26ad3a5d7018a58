"""`meditate record` without a terminal, through real pyalsaaudio and ALSA: the file plugin
serves a prepared reading (espeak-ng, one phrase a line, quiet between) as the microphone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from microphone import (
    RATE,
    TEXTS,
    THREE_BREATHS,
    Phrase,
    Studio,
    asoundrc,
    decode_mono,
    locate,
    reading,
    studio_for,
    write_raw,
)

PRE, POST = 0.15, 0.3  # the handles a take keeps around the voice


@dataclass(frozen=True)
class Reading:
    raw: Path
    samples: np.ndarray
    phrases: list[Phrase]


@pytest.fixture(scope="module")
def three_breaths_read(tmp_path_factory: pytest.TempPathFactory) -> Reading:
    folder = tmp_path_factory.mktemp("reading")
    samples, phrases = reading(TEXTS, folder)
    return Reading(write_raw(samples, folder / "input.raw"), samples, phrases)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_three_breaths_recorded_without_a_terminal(tmp_path: Path, three_breaths_read: Reading):
    studio = studio_for(tmp_path, three_breaths_read.raw)
    done = studio.run("record", "three-breaths")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout.splitlines()
    copy = studio.copy()
    assert out[0] == (
        f"Recording 4 lines of Three Breaths into {copy} "
        "(your copy of the bundled session, which it hides)"
    )
    names = ["01-arrive", "02-in", "03-out", "04-return"]
    for number, (line, name) in enumerate(zip(out[1:5], names, strict=True), start=1):
        assert line.startswith(f"line {number}/4 ")
        assert line.split()[-1 if number in (1, 4) else -4] == f"three-breaths/voice/{name}.flac"
    assert out[2].endswith("(heard 3 times)") and out[3].endswith("(heard 3 times)")
    assert out[5] == f"Kept 4 lines in {copy}. Listen: meditate play three-breaths"
    assert [p.name for p in studio.takes()] == [f"{n}.flac" for n in names]
    assert studio.leftovers() == []

    # each take is the stretch of the input around its phrase, sample for sample
    figures = []
    signal = three_breaths_read.samples
    for take, phrase in zip(studio.takes(), three_breaths_read.phrases, strict=True):
        clip = decode_mono(take)
        lag = locate(clip, signal)
        stretch = signal[lag : lag + len(clip)].astype(np.int32)
        difference = int(np.max(np.abs(clip.astype(np.int32) - stretch)))
        start_ms = (lag - phrase.voice_start) / RATE * 1000
        end_ms = (lag + len(clip) - phrase.voice_end) / RATE * 1000
        figures.append((take.name, len(clip), round(start_ms, 1), round(end_ms, 1), difference))
        assert difference == 0
        assert abs(start_ms + PRE * 1000) <= 15  # the voice found within 15 ms
        assert abs(end_ms - POST * 1000) <= 25
    print("\n(take, frames, start - voice onset ms, end - voice end ms, max |difference|)")
    print("\n".join(map(str, figures)))

    # the copy differs from the bundled script in the four narration values only
    changes = changed_lines(THREE_BREATHS.read_text(), copy.read_text())
    assert [new.strip() for _, new in changes] == [
        f"- narration: three-breaths/voice/{name}.flac" for name in names
    ]
    assert copy.read_text().startswith("# A two-minute pause: three slow breaths")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, three_breaths_read: Reading) -> Studio:
    """three-breaths recorded once, for the tests that use the result."""
    studio = studio_for(tmp_path_factory.mktemp("recorded"), three_breaths_read.raw)
    done = studio.run("record", "three-breaths")
    assert done.returncode == 0, done.stderr
    return studio


def test_check_list_and_show_find_her_takes(recorded: Studio):
    check = recorded.run("check", "three-breaths")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("ok  three-breaths  (1:2")
    listed = recorded.run("list", "--json")
    (entry,) = [e for e in json.loads(listed.stdout) if e["name"] == "three-breaths"]
    assert entry["origin"] == "yours" and entry["path"] == str(recorded.copy())
    shown = json.loads(recorded.run("show", "three-breaths", "--json").stdout)
    sources = [e["source"] for e in shown["events"] if e["kind"] == "narration"]
    voice = recorded.sessions / "three-breaths" / "voice"
    assert sources == [str(voice / f"{n}.flac") for n in
                       ["01-arrive", "02-in", "03-out", "02-in", "03-out", "02-in", "03-out",
                        "04-return"]]  # fmt: skip
    lines = recorded.run("record", "three-breaths", "--list").stdout.splitlines()
    assert [line.split()[1] for line in lines[2:]] == ["recorded"] * 4


def narration_segments(studio: Studio, wav: Path, session: str) -> list[np.ndarray]:
    from measure import wav_samples

    shown = json.loads(studio.run("show", session, "--json").stdout)
    audio = wav_samples(wav).astype(np.float64).mean(axis=1) / 32768
    return [
        audio[round(e["start"] * RATE) : round((e["start"] + e["duration"]) * RATE)]
        for e in shown["events"]
        if e["kind"] == "narration"
    ]


def test_play_and_export_use_her_takes_and_play_equals_export(recorded: Studio, tmp_path: Path):
    exported = tmp_path / "export.wav"
    done = recorded.run("export", "three-breaths", "-o", str(exported), "-q", "--no-ambient",
                        "--no-bells")  # fmt: skip
    assert done.returncode == 0, done.stderr
    takes = {p.stem: decode_mono(p).astype(np.float64) for p in recorded.takes()}
    order = ["01-arrive", "02-in", "03-out", "02-in", "03-out", "02-in", "03-out", "04-return"]
    for segment, name in zip(
        narration_segments(recorded, exported, "three-breaths"), order, strict=True
    ):
        take = takes[name][: len(segment)]
        similarity = np.dot(segment[: len(take)], take) / (
            np.linalg.norm(segment[: len(take)]) * np.linalg.norm(take)
        )
        assert similarity > 0.98, name  # her take, made louder or softer

    played = tmp_path / "played.raw"
    player = Studio(tmp_path / "player", asoundrc(tmp_path / "none.raw", played))
    player.env["XDG_DATA_HOME"] = str(recorded.data)
    done = player.run("play", "three-breaths", "--no-ambient", "--no-bells", "--no-log")
    assert done.returncode == 0, done.stderr
    from measure import wav_samples

    heard = np.frombuffer(played.read_bytes(), "<i2").reshape(-1, 2)
    assert np.array_equal(heard, wav_samples(exported))


def test_her_takes_sit_at_the_level_of_the_bundled_voice(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    from player.sound.loudness import integrated_lufs

    folder = tmp_path_factory.mktemp("quiet-reading")
    samples, _ = reading(TEXTS, folder, gain=0.15)  # a microphone set far too low
    studio = studio_for(tmp_path, write_raw(samples, folder / "quiet.raw"))
    done = studio.run("record", "three-breaths")
    assert done.returncode == 0, done.stderr
    levels = {}
    for who in ("bundled", "hers"):
        wav = tmp_path / f"{who}.wav"
        session = str(THREE_BREATHS) if who == "bundled" else "three-breaths"
        done = studio.run("export", session, "-o", str(wav), "-q", "--no-ambient", "--no-bells")
        assert done.returncode == 0, done.stderr
        segments = narration_segments(studio, wav, session)
        levels[who] = [integrated_lufs(np.repeat(s[:, None], 2, axis=1)) for s in segments]
    print("\nnarration LUFS, bundled:", [round(x, 1) for x in levels["bundled"]])
    print("narration LUFS, hers:   ", [round(x, 1) for x in levels["hers"]])
    for bundled, hers in zip(levels["bundled"], levels["hers"], strict=True):
        assert abs(bundled - hers) <= 1.5


def read_aloud(folder: Path, texts: list[str], **kw) -> str:
    """A microphone serving a reading of `texts`."""
    samples, _ = reading(texts, folder, **kw)
    return asoundrc(write_raw(samples, folder / "input.raw"))


def statuses(studio: Studio, session: str = "three-breaths") -> list[str]:
    listed = studio.run("record", session, "--list")
    assert listed.returncode == 0, listed.stderr
    return [line.split()[1] for line in listed.stdout.splitlines()[2:]]


def test_only_from_and_missing_record_just_those_lines(tmp_path: Path):
    studio = Studio(tmp_path, read_aloud(tmp_path / "a", [TEXTS[1]]))
    done = studio.run("record", "three-breaths", "--only", "2")
    assert done.returncode == 0, done.stderr
    assert [line.split("  ")[0] for line in done.stdout.splitlines()[1:-1]] == ["line 2/4"]
    assert [p.name for p in studio.takes()] == ["02-in.flac"]
    assert statuses(studio) == ["bundled", "recorded", "bundled", "bundled"]

    studio.microphone(read_aloud(tmp_path / "b", TEXTS[2:]))
    done = studio.run("record", "three-breaths", "--missing", "--from", "3")
    assert done.returncode == 0, done.stderr
    assert [line[:8] for line in done.stdout.splitlines()[1:-1]] == ["line 3/4", "line 4/4"]
    assert statuses(studio) == ["bundled", "recorded", "recorded", "recorded"]

    studio.microphone(read_aloud(tmp_path / "c", TEXTS[:1]))
    done = studio.run("record", "three-breaths", "--missing")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("Recording 1 line of Three Breaths into")
    assert statuses(studio) == ["recorded"] * 4

    done = studio.run("record", "three-breaths", "--missing")
    assert done.returncode == 0
    assert done.stdout.startswith("Nothing to record: every line chosen has your voice")
    assert studio.run("check", "three-breaths").returncode == 0

    wrong = studio.run("record", "three-breaths", "--only", "9")
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "meditate: there is no line 9: the lines are numbered 1 to 4 "
        "(see: meditate record three-breaths --list)\n"
    )


def test_a_breath_cue_heard_in_two_repeats_is_recorded_once_for_both(tmp_path: Path):
    studio = Studio(tmp_path, read_aloud(tmp_path / "a", ["Breathe in."]))
    listed = studio.run("record", "embracing-separation", "--list").stdout.splitlines()
    (row,) = [line for line in listed if "narration/common/breathe-in.ogg" in line]
    number, _, heard = row.split()[:3]
    assert heard == "7x"
    done = studio.run("record", "embracing-separation", "--only", number)
    assert done.returncode == 0, done.stderr
    written = f"embracing-separation/voice/{int(number):02d}-breathe-in.flac"
    assert done.stdout.splitlines()[1].endswith(f"{written}  (heard 7 times)")
    bundled = (THREE_BREATHS.parent / "embracing-separation.yaml").read_text()
    changes = changed_lines(bundled, studio.copy("embracing-separation").read_text())
    assert [(old.strip(), new.strip()) for old, new in changes] == [
        ("- narration: narration/common/breathe-in.ogg", f"- narration: {written}")
    ] * 2
    shown = json.loads(studio.run("show", "embracing-separation", "--json").stdout)
    sources = [e["source"] for e in shown["events"] if e["kind"] == "narration"]
    assert sources.count(str(studio.sessions / written)) == 7
