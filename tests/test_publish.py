"""`meditate publish`, checked by real clients: feedparser, the Podcasting 2.0 chapters format,
webvtt-py, ffprobe, id3lib, and a web server's view of the folder."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import webvtt
from measure import ffprobe
from publishing import (
    BASE_URL,
    Site,
    assert_valid_publication,
    environment,
    file_of,
    make_library,
)

from player.common.audio_format import SAMPLE_RATE
from player.common.images import image_info
from player.output.publish.feed import ITUNES, WORD_JOINER
from player.output.tags import read_tags
from player.prepare.session import load_prepared
from player.session.timeline import EventKind, compile_timeline

SCHEMA = json.loads((Path(__file__).parent / "podcast_chapters.schema.json").read_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("published")
    library = make_library(root / "lib")
    published = Site(root / "site", library, environment(root, library))
    done = published.publish(
        "calm", "draft", "plain", "--base-url", "https://example.org/calm",
        "--title", "Calm & Quiet Practice", "--author", "A Teacher", "-j", "2",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return published


def manifest(folder: Path) -> dict:
    document = json.loads((folder / "publish-manifest.json").read_text())
    return {episode["name"]: episode for episode in document["episodes"]}


def exported(done: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(
        line.split()[1] for line in done.stdout.splitlines() if line.startswith("Exported")
    )


def test_feedparser_reads_every_episode_as_podcast_apps_do(site) -> None:
    parsed = assert_valid_publication(site.folder)
    assert parsed.version == "rss20"
    feed = parsed.feed
    assert feed.title == "Calm & Quiet Practice" and feed.author == "A Teacher"
    assert feed.link == BASE_URL and feed.language == "en"
    assert feed.image.href.startswith(BASE_URL + "cover-")
    assert feed.podcast_guid
    # the order named: the first named is the newest, a second apart
    assert [e.title for e in parsed.entries] == ["Calm & Quiet", "A Draft", "Plain"]
    episodes = manifest(site.folder)
    for entry in parsed.entries:
        name = entry.link.rsplit("#", 1)[1]
        episode = episodes[name]
        assert entry.id == episode["guid"] and not entry.guidislink
        assert entry.published_parsed[:3] == (2026, 3, 1)
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == file_of(site.folder, enclosure.href).stat().st_size
        assert int(entry.itunes_duration) == round(episode["seconds"])
    calm = parsed.entries[0]
    summary = html.unescape(calm.summary).replace(WORD_JOINER, "")
    assert summary == "A short practice <for the tests> & nothing more."
    assert calm.podcast_chapters["type"] == "application/json+chapters"
    assert calm.podcast_transcript["type"] == "text/vtt"
    assert calm.podcast_transcript["rel"] == "captions"
    plain = parsed.entries[2]
    assert "podcast_chapters" not in plain and "podcast_transcript" not in plain


def test_chapters_files_follow_the_podcasting_2_0_format_and_match_the_mp3(site) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    with pytest.raises(jsonschema.ValidationError):  # the schema refuses what the format does
        validator.validate({"version": "1.2.0", "chapters": [{"title": "no start"}]})
    for name, episode in manifest(site.folder).items():
        if not episode["chapters_file"]:
            assert name == "plain"
            continue
        document = json.loads((site.folder / episode["chapters_file"]).read_text())
        validator.validate(document)
        starts = [chapter["startTime"] for chapter in document["chapters"]]
        assert starts == sorted(starts) and starts[0] == 0
        assert document["fileName"] == episode["audio"]
        probed = ffprobe(site.folder / episode["audio"])["chapters"]
        assert [c["tags"]["title"] for c in probed] == [c["title"] for c in document["chapters"]]
        for found, chapter in zip(probed, document["chapters"], strict=True):
            assert abs(float(found["start_time"]) - chapter["startTime"]) < 0.002
    calm = json.loads((site.folder / manifest(site.folder)["calm"]["chapters_file"]).read_text())
    assert [c["title"] for c in calm["chapters"]] == ["Opening", "Arriving", "Breathing"]


def test_transcripts_are_webvtt_with_one_cue_per_narration_at_its_time(site) -> None:
    episodes = manifest(site.folder)
    for name, said in (("calm", 3), ("draft", 1)):
        timeline = compile_timeline(load_prepared(site.library / f"{name}.yaml"))
        spoken = [e for e in timeline.events if e.kind is EventKind.NARRATION]
        captions = webvtt.read(str(site.folder / episodes[name]["transcript_file"])).captions
        assert len(captions) == len(spoken) == said
        for caption, event in zip(captions, spoken, strict=True):
            assert caption.start_time.in_milliseconds() == round(event.start * 1000 / SAMPLE_RATE)
            assert caption.end_time.in_milliseconds() == round(event.end * 1000 / SAMPLE_RATE)
    draft = webvtt.read(str(site.folder / episodes["draft"]["transcript_file"])).captions
    assert draft[0].text == "Welcome. Let your eyes close."  # spoken from text: a draft
    assert episodes["plain"]["transcript_file"] is None


def test_covers_are_square_jpegs_of_at_least_1400_pixels(site) -> None:
    covers = [p for p in site.folder.iterdir() if p.suffix == ".jpg"]
    assert len(covers) == 2  # the podcast's, and the draft's own made from its 800x600 art
    for cover in covers:
        info = image_info(cover.read_bytes())
        assert info.mime == "image/jpeg" and info.width == info.height == 1400
    assert manifest(site.folder)["draft"]["image"] in {p.name for p in covers}


def test_each_mp3_is_the_export_with_tags_chapters_cover_and_synced_lyrics(site) -> None:
    episodes = manifest(site.folder)
    calm = read_tags(site.folder / episodes["calm"]["audio"])
    assert (calm.title, calm.artist) == ("Calm & Quiet", "A Teacher")
    assert [text for _, text in calm.synced_lyrics if text] == [
        "Arrive here, & let the day go.", "Breathe.", "Breathe."
    ]  # fmt: skip
    draft = read_tags(site.folder / episodes["draft"]["audio"])
    assert draft.cover == (site.library / "art.png").read_bytes()
    probe = ffprobe(site.folder / episodes["plain"]["audio"])
    assert abs(float(probe["format"]["duration"]) - 8.0) < 0.1  # 3 s and a 5 s chime


def test_publishing_again_with_nothing_changed_renders_and_rewrites_nothing(site, tmp_path):
    copy = site.copy(tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in copy.folder.iterdir()}
    done = copy.publish()
    assert done.returncode == 0, done.stderr
    assert exported(done) == []
    assert "3 unchanged" in done.stdout
    assert {p.name: p.stat().st_mtime_ns for p in copy.folder.iterdir()} == before


def test_an_edited_session_alone_is_exported_again_keeping_its_guid_and_date(site, tmp_path):
    copy = site.copy(tmp_path)
    before = manifest(copy.folder)
    calm = copy.library / "calm.yaml"
    calm.write_text(calm.read_text().replace("- silence: 2s", "- silence: 3s"))
    done = copy.publish()
    assert done.returncode == 0, done.stderr
    assert exported(done) == ["calm"]
    after = manifest(copy.folder)
    assert after["draft"] == before["draft"] and after["plain"] == before["plain"]
    assert after["calm"]["guid"] == before["calm"]["guid"]
    assert after["calm"]["published"] == before["calm"]["published"]
    assert after["calm"]["audio"] != before["calm"]["audio"]
    assert abs(after["calm"]["seconds"] - before["calm"]["seconds"] - 1.0) < 0.01
    for old in ("audio", "chapters_file", "transcript_file"):
        assert not (copy.folder / before["calm"][old]).exists()  # superseded: removed
    assert_valid_publication(copy.folder)


def test_other_options_export_every_session_again(site, tmp_path) -> None:
    copy = site.copy(tmp_path)
    done = copy.publish("--bitrate", "96k")
    assert done.returncode == 0, done.stderr
    assert exported(done) == ["calm", "draft", "plain"]
    episode = manifest(copy.folder)["plain"]
    assert ffprobe(copy.folder / episode["audio"])["streams"][0]["bit_rate"] == "96000"
    assert "bitrate: 96k" in (copy.folder / "publish.yaml").read_text()


def test_settings_are_remembered_and_a_new_value_replaces_the_old(site, tmp_path) -> None:
    copy = site.copy(tmp_path)
    done = copy.publish("--title", "Evening Practice", "--explicit", "--language", "en-GB")
    assert done.returncode == 0, done.stderr
    assert exported(done) == []  # what the podcast is called changes no episode
    done = copy.publish()
    parsed = assert_valid_publication(copy.folder)
    assert parsed.feed.title == "Evening Practice" and parsed.feed.author == "A Teacher"
    assert parsed.feed.language == "en-GB"
    # feedparser knows only the older yes/clean; Apple's specification now asks for true/false
    explicit = ET.parse(copy.folder / "feed.xml").find(f"channel/{{{ITUNES}}}explicit")
    assert explicit is not None and explicit.text == "true"
    assert "<title>Evening Practice</title>" in (copy.folder / "index.html").read_text()


def test_sessions_no_longer_named_stay_until_pruned_and_other_files_are_never_touched(
    site, tmp_path
) -> None:
    copy = site.copy(tmp_path)
    (copy.folder / "notes.txt").write_text("the teacher's own file")
    (copy.folder / "old-episode.mp3").write_text("not written by meditate")
    done = copy.publish("calm")
    assert done.returncode == 0, done.stderr
    assert "Still published, though not named: draft, plain" in done.stdout
    assert len(assert_valid_publication(copy.folder).entries) == 3
    draft = manifest(copy.folder)["draft"]
    done = copy.publish("--prune")
    assert done.returncode == 0, done.stderr
    parsed = assert_valid_publication(copy.folder)
    assert [e.title for e in parsed.entries] == ["Calm & Quiet"]
    assert not (copy.folder / draft["audio"]).exists()
    assert not (copy.folder / draft["image"]).exists()
    assert (copy.folder / "notes.txt").read_text() == "the teacher's own file"
    assert (copy.folder / "old-episode.mp3").read_text() == "not written by meditate"


def test_files_in_the_way_that_publish_did_not_write_are_refused_without_force(
    site, tmp_path
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "index.html").write_text("<p>their own page</p>")
    other = Site(folder, site.library, site.env)
    done = other.publish("plain", "--base-url", BASE_URL)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"meditate: {folder} holds files that meditate publish did not write and would replace "
        "(index.html): move it away, or use --force to replace it"
    )
    assert [p.name for p in folder.iterdir()] == ["index.html"]  # nothing written
    done = other.publish("plain", "--base-url", BASE_URL, "--force")
    assert done.returncode == 0, done.stderr
    assert "their own page" not in (folder / "index.html").read_text()


@pytest.mark.parametrize(
    "url", ["ftp://example.org/calm/", "example.org/calm", "https://", "file:///srv/calm"]
)
def test_a_base_url_that_is_not_http_is_refused_in_one_line(site, tmp_path, url) -> None:
    other = Site(tmp_path / "site", site.library, site.env)
    done = other.publish("plain", "--base-url", url)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "not an http(s) address" in done.stderr
    assert not other.folder.exists()


def test_publishing_first_needs_a_base_url(site, tmp_path) -> None:
    other = Site(tmp_path / "site", site.library, site.env)
    done = other.publish("plain")
    assert done.returncode == 2
    assert "--base-url" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_value_in_publish_yaml_is_reported_at_its_line(site, tmp_path) -> None:
    copy = site.copy(tmp_path)
    settings = copy.folder / "publish.yaml"
    settings.write_text(settings.read_text().replace("https://", "ftp://") + "titel: Oops\n")
    done = copy.publish()
    assert done.returncode == 2
    line = next(n for n, text in enumerate(settings.read_text().splitlines(), 1) if "ftp" in text)
    assert f"{settings}:{line}: base_url: 'ftp://example.org/calm/' is not an http(s)" in (
        done.stderr
    )
    settings.write_text(settings.read_text().replace("ftp://", "https://"))
    done = copy.publish()
    assert done.returncode == 2 and "titel: unknown key; did you mean 'title'?" in done.stderr


def test_a_folder_that_cannot_be_written_is_named_before_any_work(site, tmp_path) -> None:
    # sysfs refuses new files even to root, so this fails for real wherever the tests run
    done = Site(Path("/sys"), site.library, site.env).publish("plain", "--base-url", BASE_URL)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot write in folder /sys: permission denied" in done.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = Site(blocker, site.library, site.env).publish("plain", "--base-url", BASE_URL)
    assert done.returncode == 2
    assert f"{blocker} is not a folder" in done.stderr


def test_a_session_that_fails_leaves_the_rest_published_and_the_feed_valid(site, tmp_path):
    copy = site.copy(tmp_path)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=d=2", "-ac", "1",
         str(copy.library / "hush.wav")],
        check=True,
    )  # fmt: skip
    (copy.library / "hush.yaml").write_text(
        "title: Hush\nsteps:\n  - narration: hush.wav\n    text: Nothing.\n"
    )  # found and measured, but pure digital silence: it fails as it renders
    (copy.library / "lost.yaml").write_text("title: Lost\nsteps:\n  - narration: gone.wav\n")
    calm = copy.library / "calm.yaml"
    calm.write_text(calm.read_text().replace("- silence: 2s", "- silence: 4s"))
    done = copy.publish("calm", "draft", "plain", "hush", "lost")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "hush.wav is pure digital silence" in done.stderr
    assert f"{copy.library / 'lost.yaml'}:3:" in done.stderr  # where it names the clip
    assert "narration clip 'gone.wav' not found" in done.stderr
    assert exported(done) == ["calm"]
    assert "2 failed" in done.stdout
    parsed = assert_valid_publication(copy.folder)
    assert [e.title for e in parsed.entries] == ["Calm & Quiet", "A Draft", "Plain"]
    assert not [p for p in copy.folder.iterdir() if p.name.startswith(("hush", "lost"))]


def test_publish_all_publishes_every_visible_session(site, tmp_path) -> None:
    copy = site.copy(tmp_path)
    stand_ins = tmp_path / "stand-ins"  # a second of silence each, hiding the bundled sessions
    stand_ins.mkdir()
    bundled = sorted(p.stem for p in (Path(__file__).parent.parent / "sessions").glob("*.yaml"))
    for name in bundled:
        (stand_ins / f"{name}.yaml").write_text(f"title: {name}\nsteps:\n  - silence: 1s\n")
    all_env = {**copy.env, "MEDITATE_PATH": f"{copy.library}:{stand_ins}"}
    copy = Site(copy.folder, copy.library, all_env)
    done = copy.publish("--all")
    assert done.returncode == 0, done.stderr
    assert exported(done) == bundled
    assert "sessions: all" in (copy.folder / "publish.yaml").read_text()
    assert len(assert_valid_publication(copy.folder).entries) == 3 + len(bundled)


def test_the_folder_can_be_moved_and_served_elsewhere(site, tmp_path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(site.folder, moved)
    copy = Site(moved, site.library, site.env)
    done = copy.publish("--base-url", "https://cdn.example.net/practice/")
    assert done.returncode == 0 and exported(done) == []
    feed = (moved / "feed.xml").read_text()
    assert "https://cdn.example.net/practice/" in feed and "example.org" not in feed
    # the podcast keeps its identity: podcast:guid is made once, at the first address
    assert json.loads((moved / "publish-manifest.json").read_text())["podcast_guid"] in feed
