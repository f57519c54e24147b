"""Which files of the project count as its sources, in one rule.

Three parts of the tooling ask "does this file shape the site?": livereload (is this change
worth a rebuild, or a restart?), and the content cache key in ``sitetools.build`` (does
this file's change make the parsed content stale?). They must agree, or an editor's swap
file restarts livereload, or a saved plugin keeps a stale cache.

* Settings files (``*conf.py`` at the top) and plugin code (``plugins/``, ``kp_common``
  included) shape what Pelican renders: a change needs a fresh process and a fresh cache.
* ``content/`` and ``theme/`` are read by every build: a change needs a rebuild.
* The tooling (``sitetools/``, ``tasks.py``), tests, benchmarks and caches do not shape the
  site: editing them rebuilds nothing and keeps the cache.
* Editors' temporary files never count: swap and backup files, lock files, JetBrains'
  safe-write copies, Vim's ``4913`` write test, byte-code.

Paths are judged relative to the folder they are in (the project, or a watched folder),
so a checkout that happens to live under a folder called ``tests`` is still watched.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Folders whose files never shape the site (plugins keep their tests beside them).
IGNORED_DIRS = frozenset(
    {
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".venv",
        ".idea",
        ".vscode",
        "node_modules",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "tests",
    }
)
# Editors' temporary and backup files, by name.
IGNORED_NAMES = re.compile(
    r"""
      \.py[cod]$            # byte-code
    | \.sw.$                # Vim swap files (.swp, .swo, .swx, ...)
    | ^4913$                # Vim's "can I write here" test file
    | ~$                    # backups (Vim, Emacs, gedit)
    | ^\.\#                 # Emacs lock files
    | ^\#.*\#$              # Emacs auto-save files
    | ^\.~                  # LibreOffice and friends' lock files
    | \.tmp$                # atomic-save temporaries
    | \.___jb_...___$       # JetBrains safe-write copies
    | \.kate-swp$
    | ^\.DS_Store$
    | ^flycheck_
    """,
    re.VERBOSE,
)

WATCHED = ("content", "theme", "plugins")  # plus the settings file in use
CODE_DIR = "plugins"


def is_ignored(path: str | os.PathLike, base: str | os.PathLike) -> bool:
    """True for a file that never shapes the site: an editor's temporary file, or one in an
    ignored folder below ``base``."""
    relative = os.path.relpath(path, base)
    parts = Path(relative).parts
    if parts and parts[0] == os.pardir:  # outside base: judge by its name alone
        parts = parts[-1:]
    return bool(IGNORED_NAMES.search(parts[-1] if parts else "")) or any(
        part in IGNORED_DIRS for part in parts[:-1]
    )


def code_files(root: str | os.PathLike) -> list[Path]:
    """The settings files and the plugins' code: what needs a fresh process when it
    changes, and what the content cache key hashes. Sorted."""
    root = Path(root)
    files = sorted(root.glob("*conf.py"))
    for folder, folders, names in os.walk(root / CODE_DIR):
        folders[:] = sorted(name for name in folders if name not in IGNORED_DIRS)
        files += [Path(folder, name) for name in sorted(names) if not IGNORED_NAMES.search(name)]
    return files


def is_code(path: str | os.PathLike, root: str | os.PathLike, settings_file: str) -> bool:
    """True for a change that needs a fresh process: the settings file in use, or plugin
    code (Python cannot unload a module it imported)."""
    path = Path(path)
    root = Path(root)
    return path == root / settings_file or path.is_relative_to(root / CODE_DIR)
