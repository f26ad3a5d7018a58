"""`meditate publish`: a folder of MP3s, a podcast feed and a web page, kept up to date.

Pure builders make each document from data (feed.py, chapters.py, page.py; the captions come
from player.output.captions); the rest reads and writes: settings.py (publish.yaml),
manifest.py (what was published, and which files are ours), fingerprint.py (what decides an
episode's audio), artwork.py (the square cover) and publish.py, which runs a publication.
"""
