"""The starter `meditate new` writes: a commented session that plays at once, its narration
drafted in text."""

from __future__ import annotations

import re

from player.common.errors import MeditateError
from player.session.catalog import DEFAULT_ENGINE
from player.session.language import primary_language

TEMPLATE_AUTHOR = "Your Name"  # left in, it is a placeholder `check` and `publish` warn of
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
{language}
voice: {{engine: {engine}, rate: 120}}{voice_note}

ambient:
  - sound: synth:pink-noise    # or brown-noise, ocean, rain, drone, or an audio file
    volume: -24 dB             # relative to the narration
    duck: 6 dB                 # softer while the voice speaks

steps:
  - bell: singing-bowl         # singing-bowl, bell, chime, or an audio file

  - chapter: {arriving}
  - text: {welcome}
  - silence: 8s
  - text: {ground}
  - silence: 15s

  - chapter: {breathing}
  - repeat: 3
    steps:
      - text: {breathe_in}
      - silence: 4s
      - text: {breathe_out}
      - silence: 6s

  - chapter: {resting}
  - text: {rest}
  - silence: 2m
    flex: true                 # stretches or shrinks with --length
    min: 20s
    max: 10m
    bells:                     # a soft bell each minute while you sit (or at: [30s, 90s])
      every: 1m
  - text: {come_back}
  - bell: singing-bowl
"""

#: The starter's words, in the languages it is written in; others get English to rewrite.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "description": "A few minutes to arrive, breathe and rest.",
        "arriving": "Arriving",
        "welcome": "Welcome. Find a comfortable way to sit, and let your eyes close.",
        "ground": "Notice where your body meets the ground, and let it be held.",
        "breathing": "Breathing",
        "breathe_in": "Breathe in slowly.",
        "breathe_out": "And breathe out.",
        "resting": "Resting",
        "rest": "Now let the breath find its own way, and simply rest here.",
        "come_back": "Gently come back. When you are ready, open your eyes.",
    },
    "es": {
        "description": "Unos minutos para llegar, respirar y descansar.",
        "arriving": "Llegar",
        "welcome": "Te doy la bienvenida. Busca una forma cómoda de sentarte, y deja que "
        "tus ojos se cierren.",
        "ground": "Nota dónde tu cuerpo toca el suelo, y deja que te sostenga.",
        "breathing": "Respirar",
        "breathe_in": "Inhala despacio.",
        "breathe_out": "Y exhala.",
        "resting": "Descansar",
        "rest": "Ahora deja que la respiración encuentre su propio camino, y simplemente "
        "descansa aquí.",
        "come_back": "Vuelve con suavidad. Cuando quieras, abre los ojos.",
    },
    "fr": {
        "description": "Quelques minutes pour arriver, respirer et se reposer.",
        "arriving": "Arriver",
        "welcome": "Bienvenue. Trouvez une façon confortable de vous asseoir, et laissez vos "
        "yeux se fermer.",
        "ground": "Remarquez où votre corps touche le sol, et laissez-vous porter.",
        "breathing": "Respirer",
        "breathe_in": "Inspirez lentement.",
        "breathe_out": "Et expirez.",
        "resting": "Se reposer",
        "rest": "Laissez maintenant la respiration trouver son propre rythme, et reposez-vous "
        "simplement ici.",
        "come_back": "Revenez doucement. Quand vous le souhaitez, ouvrez les yeux.",
    },
    "de": {
        "description": "Ein paar Minuten, um anzukommen, zu atmen und zu ruhen.",
        "arriving": "Ankommen",
        "welcome": "Willkommen. Finde eine bequeme Haltung zum Sitzen, und lass deine Augen "
        "sich schließen.",
        "ground": "Spüre, wo dein Körper den Boden berührt, und lass dich tragen.",
        "breathing": "Atmen",
        "breathe_in": "Atme langsam ein.",
        "breathe_out": "Und atme aus.",
        "resting": "Ruhen",
        "rest": "Lass den Atem nun seinen eigenen Weg finden, und ruhe einfach hier.",
        "come_back": "Komm sanft zurück. Wenn du so weit bist, öffne die Augen.",
    },
    "it": {
        "description": "Pochi minuti per arrivare, respirare e riposare.",
        "arriving": "Arrivare",
        "welcome": "Ti do il benvenuto. Trova un modo comodo per sederti, e lascia che gli "
        "occhi si chiudano.",
        "ground": "Nota dove il tuo corpo tocca il suolo, e lasciati sostenere.",
        "breathing": "Respirare",
        "breathe_in": "Inspira lentamente.",
        "breathe_out": "Ed espira.",
        "resting": "Riposare",
        "rest": "Ora lascia che il respiro trovi la sua strada, e semplicemente riposa qui.",
        "come_back": "Torna piano. Quando vuoi, apri gli occhi.",
    },
    "pt": {
        "description": "Alguns minutos para chegar, respirar e descansar.",
        "arriving": "Chegar",
        "welcome": "Boas-vindas. Encontre uma forma confortável de se sentar, e deixe os "
        "olhos se fecharem.",
        "ground": "Perceba onde o seu corpo toca o chão, e deixe-se sustentar.",
        "breathing": "Respirar",
        "breathe_in": "Inspire devagar.",
        "breathe_out": "E expire.",
        "resting": "Descansar",
        "rest": "Agora deixe a respiração encontrar o seu próprio caminho, e simplesmente "
        "descanse aqui.",
        "come_back": "Volte com suavidade. Quando quiser, abra os olhos.",
    },
}


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise MeditateError(
            f"'{name}' cannot name a session: use lowercase letters, digits, - and _ "
            "(for example evening-calm)"
        )
    return name


def starter_text(
    name: str,
    author: str = TEMPLATE_AUTHOR,
    called: str | None = None,
    *,
    language: str | None = None,
    engine: str = DEFAULT_ENGINE,
) -> str:
    """The starter for session `name`, which commands find as `called` (its name by default):
    in `language` (BCP 47; its words in English where it has none of its own, to rewrite),
    its drafts spoken by `engine`."""
    title = " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word)
    words = WORDS.get(primary_language(language), WORDS["en"]) if language else WORDS["en"]
    quoted = {key: _yaml_text(value) for key, value in words.items()}
    if language is None:
        said = ""
    elif primary_language(language) in WORDS:
        said = f"language: {language}\n"
    else:
        said = f"language: {language}              # the words below are English: rewrite them\n"
    note = (
        "   # or kokoro, festival, flite, piper: who speaks drafts"
        if language is None
        else "   # its voice for the language above"
    )
    return TEMPLATE.format(
        name=name, title=title or name, author=author, called=called or name, language=said,
        engine=engine, voice_note=note, **quoted,
    )  # fmt: skip


def _yaml_text(text: str) -> str:
    """Text as a plain YAML scalar: quoted when a colon and a space (or a #) would break it."""
    return f'"{text}"' if ": " in text or " #" in text else text
