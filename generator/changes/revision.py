"""git: the catalogue as it was at a revision.

Only git's object database is read, so comparing never touches the editor's
working tree or index; every git failure becomes a sentence an editor can act on.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path


class ChangesError(Exception):
    """Why no comparison is possible, in Vietnamese, for the editor to fix."""


def _git(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, **kwargs)
    except FileNotFoundError:
        raise ChangesError("Không tìm thấy chương trình git; hãy cài git để dùng lệnh changes.") from None


def _git_failure(result: subprocess.CompletedProcess) -> ChangesError:
    message = os.fsdecode(result.stderr).strip().splitlines()
    return ChangesError("git báo lỗi: " + (message[-1] if message else f"mã thoát {result.returncode}"))


def _repository(directory: Path, shown: Path) -> tuple[Path, str]:
    """The work tree's top and the catalogue's place in it ("" or "a/b/")."""
    result = _git(["rev-parse", "--show-toplevel", "--show-prefix"], directory)
    if result.returncode != 0:
        if b"not a git repository" in result.stderr:
            raise ChangesError(f"Thư mục “{shown}” không nằm trong một kho git: lệnh changes so sánh với "
                               "lịch sử git nên cần một kho git (git init hoặc git clone).")
        raise _git_failure(result)
    lines = os.fsdecode(result.stdout).split("\n")
    return Path(lines[0]), (lines[1] if len(lines) > 1 else "")


def _commit(top: Path, rev: str) -> str:
    result = None if not rev or rev.startswith("-") else \
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if result is None or result.returncode != 0:
        raise ChangesError(f"Không tìm thấy phiên bản “{rev}” trong kho git. Hãy dùng một nhánh, thẻ hoặc mã commit, "
                           "ví dụ HEAD, main, origin/main, HEAD~1. Trong CI, hãy lấy đủ lịch sử git "
                           "(ví dụ fetch-depth: 0 với actions/checkout).")
    return result.stdout.decode().strip()


def _extract(top: Path, commit: str, prefix: str, target: Path) -> dict[str, tuple[str, int]] | None:
    """The catalogue at ``commit``: YAML files written into ``target``, every other
    file as (sha256, size) by its path; None when the catalogue did not exist yet.

    Read from the object database (``ls-tree`` + one ``cat-file --batch``), so the
    working tree and the index are never touched. ``--filters`` gives the bytes a
    checkout would (line endings, Git LFS), so a form compares equal to itself.
    Forms are only hashed: they can be large, and only their content matters.
    """
    listing = _git(["--literal-pathspecs", "ls-tree", "-r", "-z", commit, "--", *([prefix] if prefix else [])], top)
    if listing.returncode != 0:
        raise _git_failure(listing)
    wanted = []
    for record in listing.stdout.split(b"\0"):
        meta, _, raw_path = record.partition(b"\t")
        parts = meta.split()
        # Regular files only: symlinks and submodules are not catalogue content.
        if len(parts) != 3 or parts[1] != b"blob" or parts[0] == b"120000":
            continue
        path = os.fsdecode(raw_path)
        rel = path[len(prefix):]
        if rel and "\n" not in path and ".." not in rel.split("/") and not rel.startswith("/"):
            wanted.append((parts[2].decode(), path, rel))
    if not wanted:
        return None
    blobs: dict[str, tuple[str, int]] = {}
    made: set[Path] = set()
    with tempfile.TemporaryFile() as requests, tempfile.TemporaryFile() as errors:
        requests.write("".join(f"{oid} {path}\n" for oid, path, _ in wanted).encode("utf-8", "surrogateescape"))
        requests.seek(0)
        try:
            process = subprocess.Popen(["git", "cat-file", "--batch", "--filters"], cwd=top,
                                       stdin=requests, stdout=subprocess.PIPE, stderr=errors)
        except FileNotFoundError:
            raise ChangesError("Không tìm thấy chương trình git; hãy cài git để dùng lệnh changes.") from None
        with process:
            for _, _, rel in wanted:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    continue  # "missing": nothing follows
                size = remaining = int(header[2])
                digest, out = hashlib.sha256(), None
                if rel.endswith(".yml"):
                    destination = target / rel
                    if destination.parent not in made:
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        made.add(destination.parent)
                    out = open(destination, "wb")
                while remaining:
                    chunk = process.stdout.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    (out.write if out else digest.update)(chunk)
                    remaining -= len(chunk)
                if out:
                    out.close()
                else:
                    blobs[rel] = (digest.hexdigest(), size)
                process.stdout.read(1)  # the newline after each object
        if process.returncode != 0:
            errors.seek(0)
            raise _git_failure(subprocess.CompletedProcess([], process.returncode, b"", errors.read()))
    return blobs


def base_at(top: Path, commit: str, base: Path, target: Path) -> dict[str, tuple[str, int]] | None:
    """The base catalogue as ``commit`` had it, written into ``target`` like ``_extract``.

    A base inside the repository is read at the same commit; a base that is a git
    submodule at the commit it was pinned to, from the submodule's own repository.
    Raises ``ChangesError`` when git cannot say (a base outside the repository, a
    submodule commit not fetched).
    """
    try:
        rel = base.relative_to(top).as_posix()
    except ValueError:
        raise ChangesError("bộ gốc nằm ngoài kho git của bộ thủ tục") from None
    listing = _git(["--literal-pathspecs", "ls-tree", "-z", commit, "--", rel], top)
    meta = listing.stdout.split(b"\0")[0].partition(b"\t")[0].split() if listing.returncode == 0 else []
    if len(meta) == 3 and meta[1] == b"commit":  # a submodule: its pinned commit, in its own repository
        pinned = meta[2].decode()
        if _git(["cat-file", "-e", f"{pinned}^{{commit}}"], base).returncode != 0:
            raise ChangesError(f"chưa có commit {pinned[:12]} của submodule; hãy chạy git submodule update --init")
        return _extract(base, pinned, "", target)
    return _extract(top, commit, rel + "/", target)
