"""A session's language: checked where it is written, choosing its voice in every engine that
has one, and carried into captions, a published feed and its page; `new --language` and
`voices --language`; `show` and `check` with a voice."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from publishing import MEDITATE, environment

from player.cli import main
from player.common.cache import Cache
from player.output.captions import Cue, captions_text
from player.prepare.narrator import draft_settings
from player.prepare.session import load_prepared
from player.session.catalog import DRAFT_ENGINES
from player.session.language import BadLanguage, language_tag
from player.session.loader import load_session
from player.session.model import VoiceSettings
from player.session.problems import SessionError
from player.sound.engines import ENGINES
from player.sound.pacing import read_wav
from player.sound.speech import Voice, cached_speech


@pytest.mark.parametrize(
    ("written", "tag"),
    [("es", "es"), ("en-gb", "en-GB"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419")],
)
def test_a_tag_is_put_in_its_usual_case(written: str, tag: str) -> None:
    assert language_tag(written) == tag


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Spanish", "es"), ("es_ES", "es-ES"), ("sp", "es"), ("français", "fr"), ("xx", None)],
)
def test_a_wrong_tag_says_what_was_meant(written: str, meant: str | None) -> None:
    with pytest.raises(BadLanguage) as caught:
        language_tag(written)
    said = str(caught.value)
    assert said.startswith(f"'{written}'") and "BCP 47" in said
    assert (f"did you mean '{meant}'?" in said) if meant else ("did you mean" not in said)


def test_a_wrong_language_is_a_located_error(write_session) -> None:
    path = write_session("title: T\nlanguage: Spanish\nsteps:\n  - silence: 1s\n")
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:2:11: 'Spanish' is not a language tag; did you mean")


def test_the_language_chooses_the_voice_of_every_engine_that_has_one() -> None:
    assert draft_settings(None, "es").name == "es+f5"
    assert draft_settings(VoiceSettings(engine="espeak-ng"), "fr").name == "fr-fr+f5"
    assert draft_settings(VoiceSettings(engine="flite"), "en-GB").name == "awb"
    assert draft_settings(VoiceSettings(engine="festival"), "en").name == "cmu_us_slt_arctic_hts"
    assert draft_settings(VoiceSettings(name="en-us"), "es").name == "en-us"  # named: kept
    for engine in ENGINES.values():
        if engine.available():
            assert all(voice.language for voice in engine.voices()), engine.name


def test_drafts_in_a_language_no_engine_voice_has_are_one_located_line(write_session) -> None:
    path = write_session(
        "title: T\nlanguage: es\nvoice: {engine: flite}\nsteps:\n  - text: Hola.\n"
    )
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        f"{path}:3:8: voice: flite has no voice for the language 'es' (voices for it: "
        "espeak-ng:es+f5"
    )


def test_spanish_drafts_are_spoken_by_a_spanish_voice(write_session, tmp_path) -> None:
    spanish = load_prepared(write_session("title: T\nlanguage: es\nsteps:\n  - text: Hola.\n"))
    english = load_prepared(write_session("title: T\nsteps:\n  - text: Hola.\n", "en.yaml"))
    assert spanish.steps[0].clip.found != english.steps[0].clip.found


def test_captions_say_their_language_where_the_format_can() -> None:
    cues = [Cue(0, 1500, "Respira.")]
    assert captions_text("vtt", cues, language="es").startswith("WEBVTT\nLanguage: es\n\n1\n")
    assert "[la:es]" in captions_text("lrc", cues, title="T", language="es")
    assert captions_text("srt", cues, language="es") == captions_text("srt", cues)


@pytest.mark.usefixtures("kokoro_model")  # the first draft engine with Spanish, if installed
def test_new_starts_a_session_in_a_language_that_plays(tmp_path) -> None:
    result = CliRunner().invoke(main, ["new", "calma", "--language", "es"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])
    text = path.read_text()
    assert "language: es\n" in text and "Inhala despacio." in text
    session = load_session(path)
    engine = next(
        e for e in DRAFT_ENGINES if ENGINES[e].available() and ENGINES[e].voice_for_language("es")
    )
    assert session.language == "es" and session.voice and session.voice.engine == engine
    # its drafts speak Spanish with that engine's voice for it (one line: each engine's
    # speaking, and a draft played from its words, are tested in test_speech and test_drafts)
    settings = draft_settings(session.voice, session.language)
    voice = Voice(engine, settings.name, None, settings.rate_wpm)
    spoken = cached_speech("Inhala despacio.", voice, Cache(tmp_path / "cache"))
    samples, rate = read_wav(spoken)
    assert len(samples) > rate // 2 and abs(samples).max() > 1000
    wrong = CliRunner().invoke(main, ["new", "otra", "--language", "spanish"])
    assert wrong.exit_code == 2 and "did you mean 'es'?" in wrong.output


def test_voices_lists_those_of_a_language() -> None:
    result = CliRunner().invoke(main, ["voices", "--language", "fr"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Voices for fr:" and lines[1].startswith("  espeak-ng: fr-fr+f5")


def test_show_gives_the_lengths_of_a_voice_and_marks_the_estimates(write_session, tmp_path):
    path = write_session("title: T\nsteps:\n  - text: Breathe in slowly.\n  - silence: 1s\n")
    shown = CliRunner().invoke(main, ["show", str(path), "--voice", "flite", "--json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.output)
    assert document["narrator"] == "flite (rms)"
    (speech,) = [e for e in document["events"] if e["kind"] == "narration"]
    assert speech["estimated"] is True
    target = str(tmp_path / "spoken.wav")
    spoken = CliRunner().invoke(main, ["export", str(path), "--voice", "flite", "-o", target])
    assert spoken.exit_code == 0, spoken.output
    again = json.loads(CliRunner().invoke(main, ["show", str(path), "--voice", "flite",
                                                  "--json"]).output)  # fmt: skip
    (speech,) = [e for e in again["events"] if e["kind"] == "narration"]
    assert speech["estimated"] is False


def test_check_with_a_voice_finds_what_it_cannot_speak(write_session) -> None:
    path = write_session("title: T\nsteps:\n  - text: '...'\n  - text: Rest.\n")
    result = CliRunner().invoke(main, ["check", str(path), "--voice", "festival"])
    assert result.exit_code == 2
    assert f"{path}:3:5: cannot speak this narration: the narration text '...' has no words" in (
        result.output
    )


def test_a_published_podcast_speaks_the_language_of_its_sessions(tmp_path) -> None:
    import subprocess

    library = tmp_path / "lib"
    library.mkdir()
    for name, words in (("uno", "Respira."), ("dos", "Descansa.")):
        (library / f"{name}.yaml").write_text(
            f"title: {name}\nlanguage: es\nsteps:\n  - text: {words}\n  - silence: 1s\n"
        )
    env = environment(tmp_path, library)
    site = tmp_path / "site"
    done = subprocess.run(
        [*MEDITATE, "publish", str(site), "uno", "dos", "--base-url", "https://example.org/",
         "--voice", "espeak-ng", "-j", "1", "-q"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "voice: espeak-ng" in (site / "publish.yaml").read_text()
    channel = ET.parse(site / "feed.xml").getroot().find("channel")
    assert channel.findtext("language") == "es"
    transcript = channel.find("item/{https://podcastindex.org/namespace/1.0}transcript")
    assert transcript.get("language") == "es"
    assert '<html lang="es">' in (site / "index.html").read_text()
    again = subprocess.run(
        [*MEDITATE, "publish", str(site)], env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert "2 unchanged" in again.stdout  # the voice remembered, nothing spoken or made again
