"""Open data: the catalogue as files anyone may download and reuse, published with every build.

``publish.build`` makes every file from the validated catalogue, never from the HTML:
the whole catalogue as JSON (``records``) with its JSON Schema, a CSV table for
spreadsheets (``table``), one JSON file per procedure, an Atom feed of recently checked
procedures (``feed``) and the catalogue in the EU CPSV-AP vocabulary (``cpsv``).
``schema_org`` makes the JSON-LD block of each procedure page. All of it is plain
Python: the site engine only copies the text out.
"""
