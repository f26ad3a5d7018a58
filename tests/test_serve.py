"""`meditate serve` over real HTTP: the real server (uvicorn, the app, the guard) on a loopback
port, real renders into the cache, the real practice log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from serving import running

from player.common.paths import history_path
from player.practice.history import read

MEDITATE = [sys.executable, "-m", "player"]
SHORT = "/sessions/three-breaths?set=1&length=1:12&ambient=on&bells=on&volume=0"


def test_the_library_lists_every_session_and_finds_by_word_and_tag() -> None:
    with running() as site:
        everything = site.request("/").text
        found = site.request("/?q=breaths").text
        tagged = site.request("/?tag=heart").text
    assert everything.count('class="shelf"') == 7 and "7 sessions" in everything
    assert "any length from 1:12 to 3:07" in everything  # three-breaths' range
    assert found.count('class="shelf"') == 1 and 'href="/sessions/three-breaths"' in found
    assert "1 of 7 sessions" in found
    assert 'href="/sessions/heart-opening"' in tagged and "three-breaths" not in tagged


def test_an_unknown_session_is_a_404_page_with_a_did_you_mean() -> None:
    with running() as site:
        answer = site.request("/sessions/three-breath")
    assert answer.status == 404
    assert "There is no session named 'three-breath'. Did you mean" in answer.text
    assert '<a href="/sessions/three-breaths">three-breaths</a>?' in answer.text


def test_a_length_out_of_reach_is_said_in_the_form_with_the_range() -> None:
    with running() as site:
        answer = site.request("/sessions/three-breaths?set=1&length=9m")
    assert answer.status == 200
    problem = re.search(r'<p class="problem" id="length-problem">([^<]*)</p>', answer.text)
    assert problem and problem.group(1) == (
        "9:00 is out of reach: this session can last from 1:12 to 3:07."
    )
    assert 'aria-describedby="length-hint length-problem" aria-invalid="true"' in answer.text
    assert 'id="audio"' not in answer.text and "data-job" not in answer.text  # nothing rendered


def test_the_audio_served_is_the_export_byte_for_byte_and_seeks_by_range(tmp_path) -> None:
    with running() as site:
        page, audio = site.ready_page(SHORT)
        served = site.request(audio)
        part = site.request(audio, headers={"Range": "bytes=1000-1999"})
        again = site.request(SHORT).text  # cached now: the page holds the audio at once
    exported = tmp_path / "three-breaths.mp3"
    done = subprocess.run(
        [*MEDITATE, "export", "three-breaths", "--length", "1:12", "-o", str(exported)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert served.status == 200 and served.headers["content-type"] == "audio/mpeg"
    assert served.body == exported.read_bytes()
    assert part.status == 206 and part.body == served.body[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(served.body)}"
    assert f'src="{audio}"' in again and "data-job" not in again
    assert ">0:05</span> <span>Arriving<" in page  # its chapters, at their times


def test_a_narrator_chosen_in_the_browser_is_the_export_with_that_voice(tmp_path) -> None:
    narrated = SHORT + "&voice=espeak-ng:en-us"
    with running() as site:
        _, audio = site.ready_page(narrated)
        served = site.request(audio).body
    exported = tmp_path / "three-breaths.mp3"
    done = subprocess.run(
        [*MEDITATE, "export", "three-breaths", "--length", "1:12", "--voice", "espeak-ng:en-us",
         "-o", str(exported)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert served == exported.read_bytes()  # spoken, placed and levelled as export does
    assert "espeak-ng" in str(ID3(exported).getall("TXXX:NARRATOR")[0])  # who speaks it


def test_a_sitting_is_logged_by_the_rules_of_the_command_line() -> None:
    with running() as site:
        _, audio = site.ready_page("/timer?minutes=1.25&bell=chime&warmup=0")
        render = audio.removeprefix("/audio/").removesuffix(".mp3")

        def report(spans: list[list[float]], ended: bool, **headers: str) -> tuple[int, str]:
            body = json.dumps({"render": render, "spans": spans, "ended": ended, "elapsed": 90})
            answer = site.request("/api/log", method="POST", body=body.encode(), headers=headers)
            return answer.status, json.loads(answer.body)["message"]

        short = report([[0, 10.5]], False)
        # to the end (88 s, of which the last 13 s are the end bell's ring-out), most skipped
        skipped = report([[0, 3], [80, 88.5]], True)
        stopped = report([[0, 40], [30, 70.4]], False)  # heard once, however often played
        whole = report([[0, 50], [51, 88.6]], True)
        foreign = site.request(
            "/api/log", method="POST", body=b"{}", headers={"Origin": "http://elsewhere.example"}
        )
        practice = site.request("/history").text
    assert short == (200, "Not logged: 0:10 heard, under a minute.")
    assert skipped == (200, "Not logged: 0:03 heard, under a minute.")  # not the ring-out
    assert stopped == (200, "Logged in your practice: 1:10 of Timer 1:15, stopped.")
    assert whole[1].startswith("Logged in your practice: 1:14 of Timer 1:15, completed")
    assert foreign.status == 403
    sittings = read(history_path())
    assert [(s.session, s.completed, round(s.seconds)) for s in sittings] == [
        ("timer", False, 70),
        ("timer", True, 74),
    ]
    assert sittings[0].chapters == ("Bell 1",) and sittings[1].chapters == ("Bell 1", "End")
    assert "2 minutes in 2 sittings, 1 completed. Streak: 1 day" in practice
    assert practice.count("<td>Timer 1:15</td>") == 2
    assert practice.count('class="level1"') == 1  # today, under ten minutes


def test_a_narrator_that_is_not_installed_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from player.web.narrator import installed_narrators

    library = tmp_path / "lib"
    library.mkdir()
    (library / "drafted.yaml").write_text(
        "title: Drafted\nsteps:\n  - text: Breathe in slowly.\n  - silence: 2s\n"
    )
    monkeypatch.setenv("MEDITATE_PATH", str(library))
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("espeak-ng", "ffmpeg", "ffprobe"):
        found = subprocess.run(["which", program], capture_output=True, text=True).stdout
        (folder / program).symlink_to(found.strip())
    monkeypatch.setenv("PATH", str(folder))
    installed_narrators.cache_clear()
    try:
        with running() as site:
            offered = site.request("/sessions/drafted").text
            missing = site.request("/sessions/drafted?set=1&voice=festival").text
    finally:
        installed_narrators.cache_clear()
    assert '<option value="espeak-ng:en-us+f5">' in offered and "festival:" not in offered
    assert (
        "That narrator cannot speak here: festival is not installed: install it with its voice "
        "(Debian/Ubuntu: apt-get install festival festvox-us-slt-hts" in missing
    )


@pytest.mark.parametrize("minutes", ["0", "0s", "241"])
def test_a_timer_length_out_of_range_is_said_in_the_form(minutes: str) -> None:
    from player.web.choice import timer_choice

    _, problems = timer_choice({"minutes": minutes, "interval": "0"})
    assert [(p.field, p.message) for p in problems] == [
        ("minutes", "A timer lasts from 0.1 to 240 minutes.")
    ]  # the interval's 0 means no interval bells, not a mistake


@pytest.mark.parametrize(("ends_at", "logged"), [(120 * 44100, True), (None, False)])
def test_only_a_timer_ends_at_its_end_bell_whatever_a_session_is_called(
    tmp_path: Path, ends_at: int | None, logged: bool
) -> None:
    from player.session.timeline import ChapterMark
    from player.web.renders import Render
    from player.web.sittings import Report, log_sitting

    rate = 44100
    chapters = (ChapterMark("Sitting", 0, 120 * rate), ChapterMark("End", 120 * rate, 130 * rate))
    render = Render("k", tmp_path / "a.mp3", "timer", "Timer", 130 * rate, chapters, (), ends_at)
    log = tmp_path / "history.jsonl"
    log_sitting(render, Report(((0.0, 121.0),), ended=False, elapsed=121.0), log)
    sittings = read(log) if log.exists() else []
    assert [s.completed for s in sittings] == ([True] if logged else [False])
