"""A generated file kept as the parts it is made of, written one part after another.

``procedures.json`` and ``procedures.jsonld`` of a national catalogue are 17 and 11 MB, made of
each procedure's record and CPSV-AP node, which a build keeps anyway (the record is also the
procedure's own file, with a newline). Joined into one buffer, every byte of them would be in
memory twice, to the end of the build; as parts, the file exists only where the engine writes it.
Parts are compared as they are: the preview's comparison of two runs' files finds the same
objects for what did not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Joined:
    parts: tuple[bytes, ...]  # UTF-8; the same objects as the texts they come from, never copies

    @classmethod
    def of(cls, head: bytes, items: Iterable[bytes], separator: bytes, tail: bytes) -> Joined:
        """``head + separator.join(items) + tail``, without the join."""
        parts = [head]
        for i, item in enumerate(items):
            if i:
                parts.append(separator)
            parts.append(item)
        parts.append(tail)
        return cls(tuple(parts))

    def __len__(self) -> int:
        """The file's size in bytes."""
        return sum(len(part) for part in self.parts)

    def __bytes__(self) -> bytes:
        """The whole file at once, for a reader that needs it (tests, a JSON parser)."""
        return b"".join(self.parts)


def write(target: Path, data: str | bytes | Joined) -> None:
    """A generated file (``SiteContent.data``) into an engine's folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as file:
        if isinstance(data, Joined):
            file.writelines(data.parts)
        else:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
