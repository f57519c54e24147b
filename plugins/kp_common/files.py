"""Writing into the output folder without ever writing through a file.

Output files may be hard links into a cache (the search bundle, image derivatives) or, for
static files, into ``content/``: a write through one would change the cached or original
file. So every file the build changes is replaced by rename (``replace_file``), which also
means a crash mid-write leaves the old file, never a truncated one; and files from a cache
are linked, not copied (``link_or_copy``): creating a thousand small files was a
noticeable part of a build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Make ``path`` a new file holding ``data`` (readable by a web server)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """A hard link to ``source`` at ``target``, else (another file system) a copy.
    Usable as ``shutil.copytree``'s ``copy_function``."""
    Path(target).unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stamp(path: str | os.PathLike) -> tuple[int, int, int] | None:
    """What changes when the file does: modification time, size, inode (None: no file)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino
