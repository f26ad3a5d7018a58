"""From timeline to PCM: decoding, speech, synthesised beds and bells, loudness, mastering and
the renderer."""
