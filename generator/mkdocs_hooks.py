"""The hooks registered in mkdocs.yml (``hooks:``).

MkDocs imports this file by its path, as a module of its own; the adapter's code
and state live in ``generator.mkdocs_adapter`` so that the build, the preview and
these hooks share one copy of them.
"""

from generator.mkdocs_adapter import (  # noqa: F401
    on_config, on_env, on_files, on_nav, on_page_markdown, on_post_build, on_post_page, on_post_template)
