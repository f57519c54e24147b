"""``invoke livereload`` and ``invoke regenerate``: rebuild on every change.

One full build, then a long-lived Pelican (``sitetools.incremental.SiteSession``)
rebuilds only what an edit touches, in place. ``watch_and_serve`` (livereload) also serves
the output through python-livereload, which injects its reload script (from the same
origin, in development only) and tells the browser to reload as soon as the pages are
written; ``watch_and_rebuild`` (regenerate, Pelican's ``--autoreload``) only rebuilds.

Files are watched by watchfiles (the operating system's change notifications: inotify on
Linux), not polled. Changes that arrive together (watchfiles waits ``STEP_MS`` of quiet,
at most ``DEBOUNCE_MS``), or while a rebuild runs, go to one rebuild. Which changes count
is ``sitetools.sources``: editors' temporary files and tests never do, and the tooling
(``sitetools/``, ``tasks.py``) is not watched at all.

Why not python-livereload's own watcher: it polls every 0.8 s and then holds back any
reload within 3 s of the previous one; ours hands the changes to the rebuild at once and
the reload follows as soon as it is done.

A change to the settings file or to plugin code restarts this process (Python cannot
unload the old code); the browser reconnects by itself, reload it by hand that once.
Problems an edit causes are printed; the browser keeps the last pages written.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sitetools.sources import WATCHED, is_code, is_ignored

STEP_MS = 20  # quiet time that ends a batch of changes (an editor's save is one burst)
DEBOUNCE_MS = 1600  # the longest a batch may grow (e.g. a `git checkout` of many files)


class SourceFilter:
    """A watchfiles filter: keep a change unless ``sitetools.sources`` ignores it."""

    def __init__(self, roots: Iterable[Path]):
        # Deepest first, so a file is judged relative to the folder it was watched in (a
        # watched file, such as the settings file, relative to its folder).
        roots = sorted((Path(root) for root in roots), key=lambda p: -len(p.parts))
        self.bases = [(root, root.parent if root.is_file() else root) for root in roots]

    def __call__(self, change, path: str) -> bool:
        base = next((base for root, base in self.bases if Path(path).is_relative_to(root)), None)
        return not is_ignored(path, base or Path(path).parent)


def watch_batches(paths: list[Path], stop: threading.Event | None = None):
    """Sorted lists of changed files, one list per batch, as watchfiles reports them."""
    import watchfiles

    for changes in watchfiles.watch(
        *paths,
        watch_filter=SourceFilter(paths),
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        rust_timeout=500,
        raise_interrupt=False,
    ):
        yield sorted({path for _, path in changes})


def make_watcher(paths: list[Path], on_change: Callable[[list[str]], None]):
    """A python-livereload watcher fed by watchfiles on a thread.

    The thread only collects changed paths and wakes the server's IO loop; the rebuild
    (``on_change``) runs on the loop, as python-livereload expects, and takes every path
    collected by then, so changes made during a rebuild are batched into the next one.
    """
    from livereload.watcher import Watcher
    from tornado import ioloop

    class NotifiedWatcher(Watcher):
        def __init__(self) -> None:
            super().__init__()
            self._pending: set[str] = set()
            self._lock = threading.Lock()
            self.stop = threading.Event()

        def start(self, callback) -> bool:
            loop = ioloop.IOLoop.current()

            def feed() -> None:
                for batch in watch_batches(paths, self.stop):
                    with self._lock:
                        self._pending.update(batch)
                    loop.add_callback(callback)

            threading.Thread(target=feed, name="watchfiles", daemon=True).start()
            return True  # watching is ours: python-livereload adds no polling

        def examine(self):
            with self._lock:
                changed, self._pending = sorted(self._pending), set()
            if not changed:
                return None, None
            on_change(changed)
            self.filepath = changed[0]
            return self.filepath, None

    return NotifiedWatcher()


def _restart() -> None:
    print("Settings or plugin code changed: restarting.", file=sys.stderr, flush=True)
    os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 (this very command)


def _report(result) -> None:
    if result.problems:
        print(f"\n{len(result.problems)} problem(s); fix and save again:", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        sys.stderr.flush()
    else:
        what = "everything" if result.plan.full else f"{len(result.written)} page(s)"
        print(
            f"Rebuilt {what} in {result.seconds:.2f} s, {result.cpu_seconds:.2f} s CPU "
            f"({result.plan.reason}).",
            flush=True,
        )


def _start(
    root: Path,
    settings: str,
    output: Path,
    overrides: dict | None,
    watched: list[Path] | None,
    restart: Callable[[], None],
) -> tuple[list[Path], Callable[[list[str]], None]]:
    """The first build; then the folders to watch and what to do with a batch of changes."""
    from sitetools.incremental import SiteSession

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    session = SiteSession(root / settings, output, overrides=overrides)

    def on_change(paths: list[str]) -> None:
        if any(is_code(path, root, settings) for path in paths):
            restart()
            return
        started = time.perf_counter()
        plan_paths = [p for p in paths if Path(p).is_relative_to(session.content_root)]
        result = session.rebuild(plan_paths) if len(plan_paths) == len(paths) else None
        if result is None:  # theme or other files: every page may change
            result = session.build()
            result.seconds = time.perf_counter() - started
        _report(result)

    _report(session.build())
    paths = watched or [root / name for name in (*WATCHED, settings)]
    paths = [path for path in paths if path.exists()]
    if session.content_root not in paths:
        paths.append(session.content_root)
    return paths, on_change


def watch_and_serve(
    root: Path,
    settings: str,
    output: Path,
    host: str,
    port: int,
    overrides: dict | None = None,
    watched: list[Path] | None = None,
    restart: Callable[[], None] = _restart,
) -> None:
    """Build, serve ``output`` with live reload, rebuild on every change (livereload)."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    paths, on_change = _start(Path(root).resolve(), settings, output, overrides, watched, restart)
    server = Server(watcher=make_watcher(paths, on_change))
    # Our watcher batches changes itself: no need to hold back a second reload.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server.serve(host=host, port=port, root=str(output), open_url_delay=None)


def watch_and_rebuild(
    root: Path,
    settings: str,
    output: Path,
    overrides: dict | None = None,
    watched: list[Path] | None = None,
    restart: Callable[[], None] = _restart,
    stop: threading.Event | None = None,
) -> None:
    """Build, then rebuild on every change until interrupted (regenerate)."""
    paths, on_change = _start(Path(root).resolve(), settings, output, overrides, watched, restart)
    print(f"Watching {', '.join(str(p) for p in paths)}; Ctrl-C stops.", flush=True)
    for batch in watch_batches(paths, stop):
        on_change(batch)
