"""``invoke livereload``: rebuild on every change and tell the browser to reload.

One full build, then a long-lived Pelican (``sitetools.incremental.SiteSession``)
rebuilds only what an edit touches, in place, and python-livereload tells the browser to
reload as soon as the pages are written. python-livereload serves the output and injects
its reload script (from the same origin), in development only.

Why not python-livereload's own watcher: it polls every 0.8 s and then holds back any
reload within 3 s of the previous one; ``FastWatcher`` polls every 0.1 s, hands every
file changed since the last poll to one rebuild, and the reload follows at once.

A change to settings or plugin code restarts this process (Python cannot unload the old
code); the browser reconnects by itself, reload it by hand that once. Problems an edit
causes are printed; the browser keeps the last pages written.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

WATCHED = ["content", "theme", "plugins", "pelicanconf.py"]
POLL_SECONDS = 0.1
IGNORED_PARTS = {"__pycache__", ".git", ".pytest_cache", "tests"}
IGNORED_SUFFIXES = (".pyc", ".swp", ".swx", "~", ".tmp")


def _is_ignored(path: str) -> bool:
    name = os.path.basename(path)
    return (
        name.startswith((".#", ".~"))
        or name.endswith(IGNORED_SUFFIXES)
        or any(part in IGNORED_PARTS for part in Path(path).parts)
    )


def snapshot(paths: Iterable[Path]) -> dict[str, float]:
    """Modification time of every watched file."""
    stamps: dict[str, float] = {}
    for root in paths:
        if root.is_file():
            stamps[str(root)] = root.stat().st_mtime
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in IGNORED_PARTS]
            for name in files:
                path = os.path.join(folder, name)
                if not _is_ignored(path):
                    # A file may be deleted between listing and stat.
                    with contextlib.suppress(FileNotFoundError):
                        stamps[path] = os.stat(path).st_mtime
    return stamps


def changed_files(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def make_watcher(paths: list[Path], on_change: Callable[[list[str]], None]):
    """A python-livereload watcher that polls ``paths`` every POLL_SECONDS."""
    from livereload.watcher import Watcher
    from tornado import ioloop

    class FastWatcher(Watcher):
        def __init__(self) -> None:
            super().__init__()
            self._stamps = snapshot(paths)

        def start(self, callback) -> bool:
            ioloop.PeriodicCallback(callback, POLL_SECONDS * 1000).start()
            return True  # polling is ours: python-livereload adds none

        def examine(self):
            stamps = snapshot(paths)
            changed = changed_files(self._stamps, stamps)
            self._stamps = stamps
            if not changed:
                return None, None
            on_change(changed)
            self.filepath = changed[0]
            return self.filepath, None

    return FastWatcher()


def _restart() -> None:
    print("Settings or plugin code changed: restarting livereload.", file=sys.stderr)
    os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 (this very command)


def watch_and_serve(
    root: Path,
    settings: str,
    output: Path,
    host: str,
    port: int,
    overrides: dict | None = None,
    watched: list[Path] | None = None,
) -> None:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    from sitetools.incremental import SiteSession

    root = Path(root).resolve()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    session = SiteSession(root / settings, output, overrides=overrides)
    code = [root / name for name in ("plugins", settings)]

    def report(result) -> None:
        if result.problems:
            print(f"\n{len(result.problems)} problem(s); fix and save again:", file=sys.stderr)
            for problem in result.problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            what = "everything" if result.plan.full else f"{len(result.written)} page(s)"
            print(
                f"Rebuilt {what} in {result.seconds:.2f} s, {result.cpu_seconds:.2f} s CPU "
                f"({result.plan.reason}).",
                flush=True,
            )

    def on_change(paths: list[str]) -> None:
        if any(Path(path).is_relative_to(c) for path in paths for c in code):
            _restart()
        started = time.perf_counter()
        plan_paths = [p for p in paths if Path(p).is_relative_to(session.content_root)]
        result = session.rebuild(plan_paths) if len(plan_paths) == len(paths) else None
        if result is None:  # theme or other files: every page may change
            result = session.build()
            result.seconds = time.perf_counter() - started
        report(result)

    report(session.build())
    paths = watched or [root / name for name in WATCHED]
    paths = [path for path in paths if path.exists()]
    if session.content_root not in paths:
        paths.append(session.content_root)
    server = Server(watcher=make_watcher(paths, on_change))
    # Our watcher batches changes per poll: no need to hold back a second reload.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server.serve(host=host, port=port, root=str(output), open_url_delay=None)
