"""`check` names characters that no feed, page or tag can carry, at the escape that made them."""

from __future__ import annotations

import pytest

from player.common.characters import character_name, unwritable, writable
from player.session.loader import load_session
from player.session.problems import SessionError


def test_yaml_escapes_that_make_control_characters_are_named_where_written(write_session):
    path = write_session(
        r"""
        title: "Notes in C:\audio\breath"
        description: 'C:\audio is fine in single quotes'
        steps:
          - silence: 2s
          - text: "one\x01 two"
          - chapter: "x\uFFFE"
        """
    )
    with pytest.raises(SessionError) as raised:
        load_session(path)
    problems = [str(p) for p in raised.value.problems]
    assert len(problems) == 3
    assert problems[0].startswith(f"{path}:1:20: the text holds BEL (U+0007) (and 1 more)")
    assert "in double quotes '\\a' is that character; write a backslash as '\\\\'" in problems[0]
    assert problems[1].startswith(f"{path}:5:15: the text holds SOH (U+0001),")
    assert problems[2].startswith(f"{path}:6:16: the text holds U+FFFE,")


def test_the_characters_xml_and_html_refuse_are_found_and_named() -> None:
    text = "a\x00b\x08c\td\ne\x7ff\x85g\ufffeh\U0010ffffi\ufdd0j🧘"
    assert [c for _, c in unwritable(text)] == [
        "\x00", "\x08", "\x7f", "\x85", "\ufffe", "\U0010ffff", "\ufdd0"
    ]  # fmt: skip
    assert writable(text) == "abc\td\nefghij🧘"
    assert [character_name(c) for c in "\x00\x07\x7f\ufffe"] == [
        "NUL (U+0000)", "BEL (U+0007)", "DEL (U+007F)", "U+FFFE"
    ]  # fmt: skip
