"""Characters that XML 1.0 and HTML cannot carry as text, and what each is called.

XML 1.0 forbids the C0 controls other than tab, newline and carriage return, lone surrogates
and U+FFFE/U+FFFF: one of them makes a whole feed unreadable (lxml, feedparser, gPodder).
HTML makes the other controls (DEL, C1) and the noncharacters parse errors. YAML's double
quotes make such characters from innocent text: "C:\\audio" holds a BEL (U+0007).
"""

from __future__ import annotations

import re
import unicodedata

# invisible, and no reader takes it for markup: put after a '<' or '&', or inside '-->', it
# keeps text from being read as a tag, an escape or a caption's timing
WORD_JOINER = "\u2060"

_UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane | 0xFFFE)}{chr(plane | 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)
# the controls' own abbreviations, which editors and terminals show
_ABBREVIATIONS = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]


def unwritable(text: str) -> list[tuple[int, str]]:
    """(index, character) of each character in `text` that a feed or a page cannot hold."""
    return [(match.start(), match.group()) for match in _UNWRITABLE.finditer(text)]


def writable(text: str) -> str:
    """`text` without the characters a feed or a page cannot hold."""
    return _UNWRITABLE.sub("", text)


def character_name(char: str) -> str:
    """How a message names a character: 'BEL (U+0007)', 'U+FFFE'."""
    code = ord(char)
    short = _ABBREVIATIONS[code] if code < 0x20 else "DEL" if code == 0x7F else None
    if short is None:
        name = unicodedata.name(char, "")
        short = name if name and code >= 0xA0 else None
    return f"{short} (U+{code:04X})" if short else f"U+{code:04X}"
