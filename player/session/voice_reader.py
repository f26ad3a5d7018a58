"""Reading a session's `voice:`: who speaks its drafts, and how."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from player.session import catalog
from player.session.format import MAX_RATE, MIN_RATE, VOICE_FIELDS
from player.session.model import FileRef, VoiceSettings
from player.session.problems import did_you_mean
from player.session.values import ValueReader
from player.session.yaml_source import is_null


class VoiceReader(ValueReader):
    """Reads `voice:` and the engine, voice file and settings it gives."""

    def voice_settings(self, node: Node) -> VoiceSettings | None:
        if isinstance(node, ScalarNode) and not is_null(node):
            if self.spend(node):
                written = _voice_instead(node.value)
                self.fail(node, f"voice takes settings, not one word: write {written}")
            return None
        fields = self.mapping(
            node, VOICE_FIELDS, "voice settings: a mapping of engine, name, model, rate, pitch"
        )
        if fields is None:
            return None
        engine = self.engine(fields.get("engine"))
        if engine is None:
            return None
        model = None
        if "model" in fields:
            model = self.voice_file(fields["model"], engine)
            if model is not None and "name" in fields:
                self.fail(fields["name"], "give the voice by name or by model, not both")
        pitch = None
        if "pitch" in fields:
            if engine == catalog.DEFAULT_ENGINE:
                pitch = self.whole_number(fields["pitch"], 0, 99, 28)
            else:
                self.fail(
                    fields["pitch"],
                    f"pitch applies only to engine: espeak-ng ({engine} voices keep their own)",
                )
        return VoiceSettings(
            engine=engine,
            name=self.text(fields.get("name")),
            model=model,
            rate_wpm=self.whole_number(fields.get("rate"), MIN_RATE, MAX_RATE, 120),
            pitch=pitch,
            where=self.at(node),
        )

    def engine(self, node: Node | None) -> str | None:
        if node is None:
            return catalog.DEFAULT_ENGINE
        name = self.text(node)
        if name is None:
            return None
        if name not in catalog.ENGINE_NAMES:
            self.fail(
                node,
                f"unknown speech engine '{name}'{did_you_mean(name, catalog.ENGINE_NAMES)} "
                f"(engines: {', '.join(catalog.ENGINE_NAMES)}; `meditate voices` shows which "
                "are installed)",
            )
            return None
        return name

    def voice_file(self, node: Node, engine: str) -> FileRef | None:
        suffix = catalog.MODEL_SUFFIXES.get(engine)
        if suffix is None:
            takers = " or ".join(catalog.MODEL_SUFFIXES)
            self.fail(node, f"model applies only to engine: {takers}; {engine} voices go by name")
            return None
        return self.file_name(node, (suffix,), f"{engine} voice file")


def _voice_instead(word: str) -> str:
    """The `voice:` mapping that someone who wrote `voice: WORD` most likely meant."""
    engine, _, name = word.strip().partition(":")
    if engine in catalog.ENGINE_NAMES:
        return (
            f"voice: {{engine: {engine}, name: {name}}}" if name else f"voice: {{engine: {engine}}}"
        )
    return (
        f"voice: {{engine: ENGINE, name: {word.strip()}}}, ENGINE one of "
        f"{', '.join(catalog.ENGINE_NAMES)} (`meditate voices` lists their voices)"
    )
