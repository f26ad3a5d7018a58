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


def test_check_warns_of_the_template_placeholders_still_written(write_session) -> None:
    from click.testing import CliRunner

    from player.cli import main
    from player.session.placeholders import TEMPLATE_AUTHOR, TEMPLATE_DESCRIPTION

    path = write_session(
        f"title: Mine\ndescription: {TEMPLATE_DESCRIPTION}\nauthor: {TEMPLATE_AUTHOR}\n"
        "steps:\n  - silence: 2s\n"
    )
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}:2:14: warning: '{TEMPLATE_DESCRIPTION}' is the template's placeholder" in (
        result.output
    )
    assert f"{path}:3:9: warning: 'Your Name' is the template's placeholder author: write your" in (
        result.output
    )
