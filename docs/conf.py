"""Sphinx configuration: MyST pages, autodoc for the API reference, the furo theme.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``. Nothing here
needs the network (no intersphinx): the build must be reproducible offline.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path
from typing import Any

# Document the source tree even when the package is not installed (editable or not).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import aidledger

_about = metadata.metadata("aidledger")

project = _about["Name"]
release = _about["Version"]
version = ".".join(release.split(".")[:2])
author = _about.get("Author") or (_about.get("Author-email") or "").split("<")[0].strip()
copyright = f"the {author}"

extensions = ["myst_parser", "sphinx.ext.autodoc"]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "Thumbs.db", ".DS_Store"]

# MyST: ::: fences for directives, definition lists, and anchors for headings up to ###
# so that links such as counting-rules.md#the-summary-as-json resolve.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: members in source order, signatures without type clutter (the types are in the
# descriptions and in the code, which mypy checks).
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
autodoc_default_options = {"members": True, "undoc-members": True}
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"aidledger {release}"
html_static_path = ["_static"]


def _documented_in_the_package(
    app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Skip a module's member when the API page documents it as ``aidledger.<name>``:
    every object is described once, under the name users import it by."""
    if what == "module" and name in aidledger.__all__ and getattr(aidledger, name) is obj:
        return True
    return None


def setup(app: Any) -> None:
    app.connect("autodoc-skip-member", _documented_in_the_package)
