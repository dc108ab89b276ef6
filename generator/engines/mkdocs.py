"""MkDocs 1.6 with Material for MkDocs, the default engine: ``generator.mkdocs_adapter`` and the
hooks that mkdocs.yml registers. Its last release is 1.6.1; see ``docs/maintainers/engines.md``."""

from __future__ import annotations

import os
from pathlib import Path

from generator.engines import BuildFailed, Job

NAME = "MkDocs"


def unsupported(command: str, offline: bool) -> str | None:
    return None


def build(job: Job) -> None:
    from generator import mkdocs_adapter

    os.environ[mkdocs_adapter.CATALOGUE_ENV] = str(job.catalogue.absolute())
    try:
        mkdocs_adapter.build_site(job.config, job.site_dir, directory_urls=job.directory_urls)
    except mkdocs_adapter.BuildFailed as exc:
        raise BuildFailed(str(exc)) from exc


def live_site(config: Path, catalogue: Path, site_dir: Path):
    from generator import mkdocs_adapter

    os.environ[mkdocs_adapter.CATALOGUE_ENV] = str(catalogue.absolute())
    return mkdocs_adapter.LiveSite(config, site_dir)
