"""ProperDocs, the continuation of MkDocs 1.6 by its former maintainers: the same adapter, hooks,
theme and mkdocs.yml as the MkDocs engine.

ProperDocs runs MkDocs plugins, hooks and themes (Material included) by answering every import
of ``mkdocs.*`` with its own module (``properdocs.replacement``), so the adapter's
``from mkdocs.commands import build`` gets ProperDocs's. That redirect must be in place before
any of those modules is imported, which is why the CLI imports no engine before ``--engine``
is known. It reads the file it is given (``load_config(path)``) whatever its name: only its
own command line looks for ``properdocs.yml`` first, so no second config file is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.engines import BuildFailed, Job
from generator.engines import mkdocs as same_adapter

NAME = "ProperDocs"


def unsupported(command: str, offline: bool) -> str | None:
    return None


def _redirect() -> None:
    import properdocs

    loaded = sys.modules.get("mkdocs")
    if loaded is not None and loaded is not properdocs:  # only a caller importing both engines in one process
        raise BuildFailed("MkDocs đã được nạp trong tiến trình này nên không chạy được ProperDocs; "
                          "hãy chạy lại lệnh trong một tiến trình mới.")
    import properdocs.replacement  # noqa: F401  (installs the redirect)


def build(job: Job) -> None:
    _redirect()
    same_adapter.build(job)


def live_site(config: Path, catalogue: Path, site_dir: Path):
    _redirect()
    return same_adapter.live_site(config, catalogue, site_dir)
