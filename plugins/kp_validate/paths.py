"""Paths written by authors, resolved without ever leaving the content folder.

An author (or a pasted snippet) may write ``../../etc/passwd`` as an image. Pelican would
happily copy a ``{static}`` target from anywhere on the disk into the published site, and
an image plugin would open it. ``inside_content`` resolves such a path lexically and
through symlinks and refuses it when it ends up outside the content folder, before
anything opens the file. Block authors use the same helper for their image options.
"""

from __future__ import annotations

import os
import posixpath
from urllib.parse import unquote

from kp_common.memo import realpath


def inside_content(content_root: str, target: str, relative_to: str = "") -> str | None:
    """The absolute path of ``target`` if it lies inside ``content_root``, else None.

    ``target`` is a path as written in content (``images/x.jpg``, ``../images/x.jpg``,
    ``/images/x.jpg``), relative to ``relative_to`` (a folder inside the content root,
    relative to it) unless it starts with ``/``. A URL, a backslash or a NUL byte is
    refused. Nothing is read; the file need not exist.
    """
    if not target or "\x00" in target or "\\" in target or "://" in target:
        return None
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if target.startswith("/"):
        joined = posixpath.normpath(target.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(relative_to.replace(os.sep, "/"), target))
    if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
        return None
    root = realpath(content_root)
    candidate = realpath(os.path.join(root, joined))
    if candidate != root and not candidate.startswith(root + os.sep):
        return None  # a symlink that points out of the content folder
    return candidate
