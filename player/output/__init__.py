"""Finished files: the encoder, tags, export, batch export and plots."""
