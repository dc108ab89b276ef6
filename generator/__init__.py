"""Catalogue generator: YAML procedures → validated model → static-site pages.

The package is engine-neutral: ``loader`` turns a catalogue directory into a
``model.Catalogue`` plus diagnostics, ``pages`` turns that model into virtual pages
and static files, and ``mkdocs_adapter`` (with its hook file ``mkdocs_hooks``) is
the only module that knows MkDocs; ``engines`` picks MkDocs, ProperDocs or Zensical.
"""
