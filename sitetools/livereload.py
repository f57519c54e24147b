"""``invoke livereload`` and ``invoke regenerate``: rebuild on every change.

One full build, then a long-lived Pelican (``sitetools.incremental.SiteSession``)
rebuilds only what an edit touches, in place. ``watch_and_serve`` (livereload) also serves
the output through python-livereload, which injects its reload script (from the same
origin, in development only) and tells the browser to reload as soon as the pages are
written; ``watch_and_rebuild`` (regenerate, Pelican's ``--autoreload``) only rebuilds.

Files are watched by watchfiles (the operating system's change notifications: inotify on
Linux), not polled, from before the first build, so nothing saved meanwhile is missed.
Changes that arrive together (watchfiles waits ``STEP_MS`` of quiet, at most
``DEBOUNCE_MS``), or while a rebuild runs, go to one rebuild. Which changes count
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


RUST_TIMEOUT_MS = 200  # how often the watcher thread looks up from the kernel when idle


def watch_batches(
    paths: list[Path], stop: threading.Event | None = None, ready: threading.Event | None = None
):
    """Sorted lists of changed files, one list per batch, as watchfiles reports them.

    ``ready`` is set once the watches are in place (watchfiles first wakes up, with or
    without a change): a change saved after that is never missed.
    """
    import watchfiles

    for changes in watchfiles.watch(
        *paths,
        watch_filter=SourceFilter(paths),
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        rust_timeout=RUST_TIMEOUT_MS,
        yield_on_timeout=True,  # the first wake-up says the watches are in place
        raise_interrupt=False,
    ):
        if ready is not None:
            ready.set()
        if changes:
            yield sorted({path for _, path in changes})


class ChangeFeed:
    """Watches ``paths`` on a thread from the moment it is made, and collects every changed
    path until ``take()``: changes saved during the first build, or during a rebuild, go
    to the next rebuild together. ``wake`` (if set) is called after each new batch."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.wake: Callable[[], None] | None = None
        self._pending: set[str] = set()
        self._arrived = threading.Condition()
        threading.Thread(target=self._collect, name="watchfiles", daemon=True).start()
        # A few hundred milliseconds; past the timeout, watch anyway (and say so).
        if not self.ready.wait(10):
            print("warning: the file watcher is slow to start", file=sys.stderr)

    def _collect(self) -> None:
        for batch in watch_batches(self.paths, self.stop, self.ready):
            with self._arrived:
                self._pending.update(batch)
                self._arrived.notify_all()
            if self.wake is not None:
                self.wake()

    @property
    def pending(self) -> bool:
        with self._arrived:
            return bool(self._pending)

    def take(self, timeout: float | None = None) -> list[str]:
        """Every path changed since the last call (waiting up to ``timeout`` for one)."""
        with self._arrived:
            if timeout and not self._pending:
                self._arrived.wait(timeout)
            changed, self._pending = sorted(self._pending), set()
        return changed


def make_watcher(
    feed: ChangeFeed,
    on_change: Callable[[list[str]], None],
    after_reload: Callable[[], None] = lambda: None,
):
    """A python-livereload watcher fed by a ``ChangeFeed``.

    The feed's thread only collects changed paths and wakes the server's IO loop; the
    rebuild (``on_change``) runs on the loop, as python-livereload expects, and takes every
    path collected by then, so changes made during a rebuild are batched into the next one.
    ``after_reload`` runs on the loop once the reload has been sent (python-livereload
    sends it as soon as ``examine`` returns the changed path).
    """
    from livereload.watcher import Watcher
    from tornado import ioloop

    class NotifiedWatcher(Watcher):
        def start(self, callback) -> bool:
            loop = ioloop.IOLoop.current()
            feed.wake = lambda: loop.add_callback(callback)
            if feed.pending:  # saved during the first build
                feed.wake()
            return True  # watching is ours: python-livereload adds no polling

        def examine(self):
            changed = feed.take()
            if not changed:
                return None, None
            on_change(changed)
            ioloop.IOLoop.current().add_callback(after_reload)
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


def _report_later(problems: list[str]) -> None:
    if problems:
        print(
            f"\n{len(problems)} problem(s) after the reload; fix and save again:", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.stderr.flush()


def _start(
    root: Path,
    settings: str,
    output: Path,
    overrides: dict | None,
    watched: list[Path] | None,
    restart: Callable[[], None],
) -> tuple[ChangeFeed, Callable[[list[str]], None], Callable[[], None]]:
    """Start watching, then the first build; what to do with a batch of changes, and
    after the browser was told to reload (the site-wide work a rebuild held back)."""
    from sitetools.incremental import SiteSession

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    session = SiteSession(root / settings, output, overrides=overrides)
    paths = watched or [root / name for name in (*WATCHED, settings)]
    paths = [path for path in paths if path.exists()]
    if session.content_root not in paths:
        paths.append(session.content_root)

    def on_change(paths: list[str]) -> None:
        if any(is_code(path, root, settings) for path in paths):
            restart()
            return
        started = time.perf_counter()
        plan_paths = [p for p in paths if Path(p).is_relative_to(session.content_root)]
        result = session.rebuild(plan_paths, later=True) if len(plan_paths) == len(paths) else None
        if result is None:  # theme or other files: every page may change
            result = session.build()
            result.seconds = time.perf_counter() - started
        _report(result)

    feed = ChangeFeed(paths)  # before the build: a save during it is not lost

    def after_reload() -> None:
        _report_later(session.finish())

    _report(session.build())
    return feed, on_change, after_reload


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

    root = Path(root).resolve()
    feed, on_change, after_reload = _start(root, settings, output, overrides, watched, restart)
    server = Server(watcher=make_watcher(feed, on_change, after_reload))
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
    root = Path(root).resolve()
    feed, on_change, after_reload = _start(root, settings, output, overrides, watched, restart)
    print(f"Watching {', '.join(str(p) for p in feed.paths)}; Ctrl-C stops.", flush=True)
    try:
        while not (stop is not None and stop.is_set()):
            changed = feed.take(timeout=0.5)
            if changed:
                on_change(changed)
                after_reload()
    except KeyboardInterrupt:
        pass
    finally:
        feed.stop.set()
