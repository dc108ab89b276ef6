"""The site engines behind ``--engine``: MkDocs (the default), ProperDocs and Zensical.

``generator.pages`` makes the site engine-neutral (``SiteContent``); an engine turns it
into HTML. Material for MkDocs, and with it MkDocs 1.6.1, reaches the end of its life on
5 May 2027, so a province must be able to move to a maintained engine without touching its
catalogue: one module per engine here, each with the same small interface:

- ``NAME``: how messages name the engine;
- ``unsupported(command, offline)``: why the engine cannot do that, in Vietnamese, or None;
- ``build(job)``: one whole build into ``job.site_dir``, raising ``BuildFailed``;
- ``live_site(config, catalogue, site_dir)``: the preview's engine (``preview.Preview``),
  for the engines that support ``serve``.

Modules are imported only when chosen: ProperDocs must be set up before anything imports
MkDocs's modules (see ``engines.properdocs``), so the CLI imports no engine up front.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ENGINES = ("mkdocs", "properdocs", "zensical")
DEFAULT = "mkdocs"  # what the README's quick start installs and CI tests first


class BuildFailed(Exception):
    """The engine stopped; its own messages have been printed."""


@dataclass(frozen=True)
class Job:
    """One whole build: the project's ``mkdocs.yml`` (settings, nav, theme overrides), the
    catalogue, the empty folder to write into, and the kind of links."""

    config: Path
    catalogue: Path
    site_dir: Path
    directory_urls: bool = True  # False: links name index.html, for the build opened from file://


def get(name: str) -> ModuleType:
    if name not in ENGINES:
        raise ValueError(name)
    return importlib.import_module(f"generator.engines.{name}")
