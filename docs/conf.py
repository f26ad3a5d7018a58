"""The guide's site: Sphinx with MyST (Markdown pages) and the Furo theme. `make docs` builds it
into build/docs with every warning an error, and checks the links between pages."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from player import __version__  # noqa: E402

project = "meditate"
author = "The meditate team"
copyright = "the meditate team, MIT licence"
version = release = __version__

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "conf.py"]
myst_heading_anchors = 3  # links to #headings within and between pages are checked
myst_enable_extensions = ["deflist", "colon_fence"]
suppress_warnings: list[str] = []
nitpicky = True

html_theme = "furo"
html_title = f"meditate {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_theme_options = {"navigation_with_keys": True}
# nothing is fetched from elsewhere when the site is read: no fonts, no analytics
html_use_opensearch = ""
