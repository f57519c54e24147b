"""A copy of the project's sources in a temporary folder, for tests that run its commands.

Commands such as ``invoke build`` or ``invoke clean`` write into the folder they run in; the
tests run them in a copy, so nothing is ever written into the checkout. The copy holds what
a fresh clone holds (no output, caches or virtual environment), with ``node_modules``
linked, not copied.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "README.md",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
    ".ci",
    ".pre-commit-config.yaml",
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    "content",
    "theme",
    "plugins",
    "sitetools",
    "benchmarks",
    "deploy",
    "requirements",
]
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "output", "output-*", "output.*", "cache", "corpus", "results"
)


def copy_project(dest: Path) -> Path:
    """Copy the project's sources into ``dest`` (created) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, dest / name)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    return dest


def environment(project: Path, **extra: str) -> dict[str, str]:
    """The environment for a command run in ``project``: its own code first on the path,
    as an editable install of that checkout would put it, and the venv's scripts on PATH."""
    env = dict(os.environ)
    path = [str(project), str(project / "plugins")]
    env["PYTHONPATH"] = os.pathsep.join(path)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # The project's own settings, not the developer's: no SITEURL or deploy target leaks in.
    for name in [name for name in env if name == "SITEURL" or name.startswith("KP_DEPLOY_")]:
        del env[name]
    env.update(extra)
    return env
