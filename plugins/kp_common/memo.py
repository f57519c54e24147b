"""Memos for a long-lived Pelican (``invoke livereload``): per-post work done once.

A livereload session (``sitetools.incremental.SiteSession``) runs the whole Pelican again
after every edit, so every plugin meets all 1,000 posts again although one changed. The
plugins keep what they computed for a post here, keyed by what determines the result,
and the session says what may have changed:

* ``forget(paths)`` after an edit of those content files (their entries go);
* ``forget()`` before a full rebuild (a template, an image, a file added or removed: any
  entry may be stale, so all go).

The memos are read and filled only while a session's own run is going (``keep(True)``
before it, ``keep(False)`` after): a one-off build, and every other build in the same
process (tests build many sites in one), computes everything as before.

Paths resolved through symlinks (``realpath``) are the costliest repeat: resolving a path
``lstat``s each of its folders, and the plugins resolve several paths of every post. Those
two tables (``realpath``, ``is_file``) are also kept for one build's run
(``paths_remembered()``, the build driver's): nothing in the content folder changes while
a build reads it, and a 1,000-post build resolved 15,000 paths (95,000 ``lstat`` calls).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

_state = {"on": False, "paths": False}
# A name for each plugin's memo; each maps a key (whose first item is a content file's
# path, when the entry belongs to one) to a value.
_memos: dict[str, dict] = {}
_realpaths: dict[str, str] = {}
_files: dict[str, bool] = {}


def keep(on: bool = True) -> None:
    """Use the memos (during a livereload session's run) or not (their entries stay for
    the session's next run)."""
    _state["on"] = on


def kept() -> bool:
    return _state["on"]


@contextlib.contextmanager
def paths_remembered() -> Iterator[None]:
    """``realpath`` and ``is_file`` remembered for one run, forgotten before and after."""
    _realpaths.clear()
    _files.clear()
    _state["paths"] = True
    try:
        yield
    finally:
        _state["paths"] = False
        _realpaths.clear()
        _files.clear()


def memo(name: str) -> dict | None:
    """The memo called ``name`` (a dict to read and fill), or None when memos are off."""
    return entries(name) if _state["on"] else None


def entries(name: str) -> dict:
    """What the memo ``name`` holds, memos on or off (for tests)."""
    return _memos.setdefault(name, {})


def forget(paths=None) -> None:
    """Drop every entry (``paths`` None) or those of the content files ``paths``."""
    if paths is None:
        _realpaths.clear()
        _files.clear()
        for entries in _memos.values():
            entries.clear()
        return
    paths = [os.fspath(p) for p in paths]
    gone = {os.path.realpath(p) for p in paths} | set(paths)
    for path in gone:
        _realpaths.pop(path, None)
        _files.pop(path, None)
    for entries in _memos.values():
        for key in [k for k in entries if _owner(k) in gone]:
            del entries[key]


def _owner(key) -> str | None:
    first = key[0] if isinstance(key, tuple) and key else key
    return first if isinstance(first, str) else None


def realpath(path: str | os.PathLike) -> str:
    """``os.path.realpath``, remembered while memos are on (a symlink changed in the
    content folder is a change the session rebuilds everything for)."""
    return _remembered(_realpaths, os.path.realpath, path)


def is_file(path: str | os.PathLike) -> bool:
    """``os.path.isfile``, remembered while memos are on (a file added or removed in the
    content folder is a change the session rebuilds everything for)."""
    return _remembered(_files, os.path.isfile, path)


def _remembered(table: dict, look_up, path: str | os.PathLike):
    path = os.fspath(path)
    if not (_state["on"] or _state["paths"]):
        return look_up(path)
    found = table.get(path)
    if found is None:
        found = table[path] = look_up(path)
    return found
