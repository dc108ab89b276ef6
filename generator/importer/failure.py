"""The one error that stops an import, shared by every step that can find the list unusable.

A row that cannot become a file is only skipped and reported; this is for a list,
or a catalogue.yml, that cannot be used at all.
"""


class ImportFailure(Exception):
    """The file cannot be imported at all; the message is for the editor, in Vietnamese."""
