"""Prepares a loaded session for sound: finds its files, reads their lengths, speaks its drafts."""
