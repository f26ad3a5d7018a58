"""The README and the guide: their command outputs and format tables match what the code
prints today, their links lead somewhere, and they keep their promised lengths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_readme_is_up_to_date_with_the_code() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "docs.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_format_reference_documents_every_key_of_the_format() -> None:
    from player.session import format as fmt

    readme = (REPO / "docs" / "session-format.md").read_text()
    tables = [
        fmt.SESSION_FIELDS, fmt.AMBIENT_FIELDS, fmt.VOICE_FIELDS, fmt.INTERVAL_BELL_FIELDS,
        *fmt.STEP_FIELDS.values(),
    ]  # fmt: skip
    for fields in tables:
        for key in fields:
            assert f"| `{key}` |" in readme, key


def _links(text: str) -> list[str]:
    import re

    return re.findall(r"\]\(([^)\s]+)\)", text)


def _anchors(markdown: str) -> set[str]:
    """GitHub's (and MyST's) anchors of a page's headings."""
    import re

    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_every_link_in_the_readme_and_the_project_files_leads_somewhere() -> None:
    for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        for link in _links((REPO / name).read_text(encoding="utf-8")):
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, anchor = link.partition("#")
            path = (REPO / target) if target else REPO / name
            assert path.exists(), f"{name}: {link} leads nowhere"
            if anchor and path.suffix == ".md":
                assert anchor in _anchors(path.read_text(encoding="utf-8")), f"{name}: {link}"


def test_the_readme_is_short_and_every_guide_page_is_one_topic_long() -> None:
    assert len((REPO / "README.md").read_text(encoding="utf-8").splitlines()) <= 200
    for page in (REPO / "docs").glob("*.md"):
        assert len(page.read_text(encoding="utf-8").splitlines()) <= 400, page.name
