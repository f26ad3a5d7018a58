"""What a teacher's first publications trip over: a long session name, a typo, control
characters, template placeholders, long descriptions, the owner's contact, the address."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from publishing import Site, environment, snapshot
from readers import lxml_errors, partytime_view

from player.output.publish.feed import ITUNES
from player.session.starter import starter_text

LONG_NAME = "🧘" * 60  # 240 bytes: with .yaml, 245, which a file name may be
LONG_DESCRIPTION = ("Breathe and rest. " * 240).strip()  # 4,319 bytes


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, str, str]:
    root = tmp_path_factory.mktemp("teacher")
    library = root / "lib"
    library.mkdir()
    (library / f"{LONG_NAME}.yaml").write_text("title: Long\nsteps:\n  - silence: 1s\n")
    (library / "notes.yaml").write_text('title: "Notes in C:\\audio"\nsteps:\n  - silence: 1s\n')
    (library / "wordy.yaml").write_text(
        f"title: Wordy\ndescription: {LONG_DESCRIPTION}\nsteps:\n  - silence: 1s\n"
    )
    starter = starter_text("evening").replace("- silence: 2m", "- silence: 2s")
    starter = starter.replace("min: 20s", "min: 1s")
    assert "- silence: 2s" in starter and "min: 1s" in starter  # a short episode
    (library / "evening.yaml").write_text(starter)
    published = Site(root / "site", library, environment(root, library))
    done = published.publish(
        LONG_NAME, "notes", "wordy", "evening", "--base-url", "https://bücher.example/calm",
        "--owner-name", "Ana Teacher", "--owner-email", "ana@example.org", "-j", "2",
    )  # fmt: skip
    return published, done.stdout, done.stderr


def test_a_long_session_name_publishes_with_the_others_and_a_bad_one_is_one_line(site) -> None:
    published, stdout, stderr = site
    assert "Traceback" not in stderr
    assert f"{published.library / 'notes.yaml'}:1:20: the text holds BEL (U+0007)" in stderr
    assert "Published 3 episodes" in stdout and "1 failed" in stdout
    names = [p.name for p in published.folder.iterdir()]
    assert all(len(name.encode()) <= 255 for name in names)
    assert any(name.startswith("🧘" * 58 + "-") and name.endswith(".mp3") for name in names)
    assert lxml_errors(published.folder / "feed.xml") == []
    parsed = partytime_view(published.folder / "feed.xml")
    assert parsed is not None
    assert sorted(item["title"] for item in parsed["items"]) == ["Evening", "Long", "Wordy"]


def test_an_internationalised_host_is_written_in_punycode(site) -> None:
    published, stdout, _ = site
    assert "Feed: https://xn--bcher-kva.example/calm/feed.xml" in stdout
    feed = (published.folder / "feed.xml").read_text()
    assert "bücher" not in feed and "https://xn--bcher-kva.example/calm/" in feed


def test_the_owner_is_written_as_itunes_owner_and_remembered(site, tmp_path) -> None:
    published, _, _ = site
    copy = published.copy(tmp_path)
    done = copy.publish()
    assert done.returncode == 2 and "3 unchanged" in done.stdout  # notes still fails
    owner = ET.parse(copy.folder / "feed.xml").find(f"channel/{{{ITUNES}}}owner")
    assert owner is not None
    assert owner.findtext(f"{{{ITUNES}}}name") == "Ana Teacher"
    assert owner.findtext(f"{{{ITUNES}}}email") == "ana@example.org"
    settings = (copy.folder / "publish.yaml").read_text()
    assert "owner_name: Ana Teacher" in settings and "owner_email: ana@example.org" in settings


def test_a_description_over_4000_bytes_is_warned_naming_the_episode(site) -> None:
    _, _, stderr = site
    assert (
        "meditate: wordy: warning: its description is 4,319 bytes, and Apple Podcasts takes at "
        "most 4,000: shorten it"
    ) in stderr


def test_template_placeholders_and_the_defaults_used_are_said(site) -> None:
    published, _, stderr = site
    evening = published.library / "evening.yaml"
    assert f"{evening}:14:9: warning: 'Your Name' is the template's placeholder author" in stderr
    assert f"{evening}:13:14: warning: 'A few minutes to arrive, breathe and rest.' is" in stderr
    assert "the podcast is called 'Guided meditations', a default: name it with --title" in stderr
    assert "a default: describe it with --description" in stderr


def test_a_session_name_that_does_not_exist_writes_and_remembers_nothing(site, tmp_path):
    published, _, _ = site
    fresh = Site(tmp_path / "fresh", published.library, published.env)
    done = fresh.publish("evening", "evenin", "--base-url", "https://example.org/calm/")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "meditate: no session named 'evenin'; did you mean 'evening'? ('meditate list' shows "
        "them all); nothing was published"
    )
    assert not fresh.folder.exists()
    copy = published.copy(tmp_path)
    before = snapshot(copy.folder)
    done = copy.publish("wordy", "wordyy", "--title", "Another")
    assert done.returncode == 2 and "did you mean 'wordy'?" in done.stderr
    assert snapshot(copy.folder) == before  # publish.yaml too: the typo is not remembered


@pytest.mark.parametrize(
    "url", ["https://ana:secret@example.org/calm/", "https://token@example.org/calm/"]
)
def test_a_base_url_with_a_user_or_password_is_refused_in_one_line(site, tmp_path, url):
    published, _, _ = site
    other = Site(tmp_path / "other", published.library, published.env)
    done = other.publish("wordy", "--base-url", url)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "holds a user name or password" in done.stderr
    assert not other.folder.exists()


def test_title_and_owner_options_are_checked_before_anything_is_written(site, tmp_path):
    published, _, _ = site
    other = Site(tmp_path / "other", published.library, published.env)
    done = other.publish("wordy", "--base-url", "https://example.org/", "--title", "a\x07b")
    assert done.returncode == 2 and "BEL (U+0007)" in done.stderr
    done = other.publish("wordy", "--base-url", "https://example.org/", "--owner-email", "ana")
    assert done.returncode == 2 and "is not an email address" in done.stderr
    assert not other.folder.exists()
