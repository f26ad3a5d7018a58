"""Which ID3 version tags are written in: v2.3 unless a text needs a character beyond U+FFFF.

ID3v2.3 has no UTF-8, and its UTF-16 does hold an emoji (as a surrogate pair), but exiftool and
mediainfo read v2.3 text as UCS-2 and show such a character as garbage ('??', '������'),
while they, eyeD3 and mutagen read it right in v2.4's UTF-8. id3lib (id3info) garbles any
non-Latin text in either, and reads no v2.4 at all: for text it shows wrongly anyway, v2.4 is
what the common readers show as written (benchmarks/clients.py measures each).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from player.output.tag_values import TrackTags


def beyond_ucs2(tags: TrackTags) -> tuple[str, str] | None:
    """(what, character) for the first text of `tags` holding a character beyond U+FFFF."""
    texts = [
        ("the title", tags.title), ("the artist", tags.artist), ("the album", tags.album),
        ("the genre", tags.genre), ("the comment", tags.comment), ("the lyrics", tags.lyrics),
        *(("a chapter's title", chapter.title) for chapter in tags.chapters),
        *(("the lyrics", text) for _, text in tags.synced_lyrics),
    ]  # fmt: skip
    for what, text in texts:
        wide = next((char for char in text or "" if ord(char) > 0xFFFF), None)
        if wide is not None:
            return what, wide
    return None


def id3_version_for(tags: TrackTags, asked: int) -> int:
    """The ID3 version `tags` are written in when `asked` is: 4 where v2.3 would be misread."""
    return 4 if asked == 3 and beyond_ucs2(tags) is not None else asked


def id3_note(tags: TrackTags, asked: int) -> str | None:
    """One line saying why the tags are not the version asked for, or None when they are."""
    wide = beyond_ucs2(tags) if asked == 3 else None
    if wide is None:
        return None
    what, char = wide
    return (
        f"tags written as ID3v2.4, not v2.3: {what} holds {char} (U+{ord(char):X}), which "
        "exiftool and mediainfo show as garbage in v2.3"
    )
