"""The starter `meditate new` writes: a commented session that plays at once, its narration
drafted in text."""

from __future__ import annotations

import re

from player.common.errors import MeditateError
from player.session.placeholders import TEMPLATE_AUTHOR, TEMPLATE_DESCRIPTION

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

TEMPLATE = """\
# {name}: your own guided meditation. Lines starting with # are comments.
#
#   meditate play {called}     listen to it now
#   meditate check {called}    find mistakes, line by line
#   meditate show {called}     see when everything happens
#
# Narration written as `text:` alone is a draft, spoken by the `voice:` below, so you can
# listen before you record (`meditate voices` lists the engines and voices you have).
# When you have a recording, add `narration: path/to/file.mp3` beside its text (paths are
# looked up next to this file first). Durations: 20s, 2m, 1m30s, 1h.

title: {title}
description: {description}
author: {author}
tags: [draft]

voice: {{engine: espeak-ng, rate: 120}}   # or festival, flite, piper: who speaks drafts

ambient:
  - sound: synth:pink-noise    # or brown-noise, ocean, rain, drone, or an audio file
    volume: -24 dB             # relative to the narration
    duck: 6 dB                 # softer while the voice speaks

steps:
  - bell: singing-bowl         # singing-bowl, bell, chime, or an audio file

  - chapter: Arriving
  - text: Welcome. Find a comfortable way to sit, and let your eyes close.
  - silence: 8s
  - text: Notice where your body meets the ground, and let it be held.
  - silence: 15s

  - chapter: Breathing
  - repeat: 3
    steps:
      - text: Breathe in slowly.
      - silence: 4s
      - text: And breathe out.
      - silence: 6s

  - chapter: Resting
  - text: Now let the breath find its own way, and simply rest here.
  - silence: 2m
    flex: true                 # stretches or shrinks with --length
    min: 20s
    max: 10m
    bells:                     # a soft bell each minute while you sit (or at: [30s, 90s])
      every: 1m
  - text: Gently come back. When you are ready, open your eyes.
  - bell: singing-bowl
"""


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise MeditateError(
            f"'{name}' cannot name a session: use lowercase letters, digits, - and _ "
            "(for example evening-calm)"
        )
    return name


def starter_text(name: str, author: str = TEMPLATE_AUTHOR, called: str | None = None) -> str:
    """The starter for session `name`, which commands find as `called` (its name by default)."""
    title = " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word)
    return TEMPLATE.format(
        name=name, title=title or name, author=author, called=called or name,
        description=TEMPLATE_DESCRIPTION,
    )  # fmt: skip
