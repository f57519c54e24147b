"""Site search: index the built site with Pagefind at the end of every build.

The ``pagefind[bin]`` wheel ships the Pagefind binary, so indexing needs no download and the
search bundle (``/pagefind/``: JS, WebAssembly, index fragments) is served from our own
folder: a search makes no third-party request. Only elements marked ``data-pagefind-body``
(the post's ``<article>``) are indexed, so menus, footers and listings do not pollute results.

Our own ``search.html`` + ``js/search.js`` use Pagefind's JS API; Pagefind's Default UI is not
used because it injects inline styles, which our ``style-src 'self'`` CSP forbids.

Indexing is Pagefind's own command line (``pagefind --site``), run once on the finished
output. Feeding each page to Pagefind's service mode as Pelican wrote it was built and
measured (issue #7): at 1,000 posts it changed neither the CPU nor the wall time beyond the
noise (Pagefind's CLI already uses both cores), for 500 more lines of protocol code.

The bundle depends only on the HTML it reads: it is kept in ``CACHE_PATH/kp_search`` under
a digest of every HTML file's path and bytes (and Pagefind's version), and a build whose
HTML digests the same copies that bundle instead of indexing again. Builds may run side by
side (test workers, ``invoke build`` beside ``invoke livereload``): an entry is written once
under its own name and never changed.

The bundle is made in a staging folder and moved into ``output/pagefind`` in one step, so
the output never holds a partial bundle. ``KP_SEARCH_BACKGROUND = True`` (the livereload
session) makes ``finalized`` return at once and indexes on a thread; a newer run stops an
older indexing (``get_generators``), and ``wait_for_background_index()`` waits for it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

from pelican import signals
from sitetools.files import link_or_copy

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
CACHE_DIR = "kp_search"
STAGING_PREFIX = f".{BUNDLE_DIR}-staging-"
KEPT_BUNDLES = 3  # recent bundles in the cache: a livereload session makes one per edit
TIMEOUT = 300  # seconds; Pagefind indexes 1,000 posts in about two
# Pagefind's Default UI needs inline styles (blocked by our CSP) and we do not use it.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
)


class IndexingError(RuntimeError):
    """Pagefind could not be started or reported a problem."""


class IndexingCancelled(Exception):
    """A newer build's indexing took over."""


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def pagefind_command(site: Path, bundle: Path) -> list[str]:
    """The binary the ``pagefind[bin]`` wheel ships (or ``PAGEFIND_BINARY_PATH``)."""
    try:
        from pagefind.service import get_executable

        program = get_executable()
    except ImportError:
        program = None
    if program is None or not Path(program).is_file():
        raise IndexingError(
            f"the Pagefind program was not found ({program or 'not installed'}); "
            "install it with: pip install 'pagefind[bin]'"
        )
    return [str(program), "--site", str(site), "--output-path", str(bundle)]


def html_digest(output: Path) -> str:
    """What Pagefind's result depends on: its version and every HTML file, path and bytes."""
    pages = []
    for folder, dirs, files in os.walk(output):
        if folder == str(output):  # not the bundle, nor another build's staging bundle
            dirs[:] = [d for d in dirs if d != BUNDLE_DIR and not d.startswith(STAGING_PREFIX)]
        pages += [os.path.join(folder, name) for name in files if name.endswith(".html")]
    digest = hashlib.sha256(f"pagefind {pagefind_version()}\0".encode())
    for page in sorted(pages):
        digest.update(os.path.relpath(page, output).encode() + b"\0")
        digest.update(hashlib.sha256(Path(page).read_bytes()).digest())
    return digest.hexdigest()[:24]


def indexed_pages(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


class SearchCache:
    """Bundles by HTML digest; each entry written once under its name, never changed."""

    def __init__(self, root: Path):
        self.root = root

    def copy_to(self, key: str, folder: Path) -> bool:
        """Put the bundle made from this HTML into ``folder``; False if there is none. Hard
        links where possible (a thousand small files): nothing in the build writes through
        an output file (``sitetools.files``)."""
        entry = self.root / key
        if not (entry / "pagefind.js").is_file():
            return False
        try:
            shutil.copytree(entry, folder, dirs_exist_ok=True, copy_function=link_or_copy)
        except (OSError, shutil.Error):  # dropped by a newer build meanwhile: index instead
            return False
        return True

    def keep(self, key: str, bundle: Path) -> None:
        """Store ``bundle``; keep only the most recent few."""
        self.root.mkdir(parents=True, exist_ok=True)
        entry = self.root / key
        if not entry.is_dir():
            staging = Path(tempfile.mkdtemp(prefix=".new-", dir=self.root))
            staging.chmod(0o755)  # copied with its mode into the output by copy_to
            shutil.copytree(bundle, staging, dirs_exist_ok=True, copy_function=link_or_copy)
            try:
                os.rename(staging, entry)
            except OSError:  # another build kept the same bundle meanwhile
                shutil.rmtree(staging, ignore_errors=True)
        os.utime(entry)
        kept = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in kept[KEPT_BUNDLES:]:
            # Renamed first, so a build copying it fails cleanly rather than half-way.
            doomed = self.root / f".old-{old.name}-{os.getpid()}-{threading.get_ident()}"
            with contextlib.suppress(OSError):
                os.rename(old, doomed)
                shutil.rmtree(doomed, ignore_errors=True)


class SiteIndex:
    """One indexing of one output folder; ``abandon()`` stops it from another thread."""

    def __init__(self, output: Path, cache: SearchCache):
        self.output = output
        self.cache = cache
        self.cancelled = threading.Event()
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def finish(self) -> str:
        """Make the bundle and move it into ``output/pagefind``; say what was done."""
        key = html_digest(self.output)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.output))
        staging.chmod(0o755)  # it becomes output/pagefind, which the web server must read
        try:
            if self.cache.copy_to(key, staging):
                done = "the site's HTML is unchanged; reused the search index"
            else:
                self._run_pagefind(staging)
                for name in UNUSED_FILES:
                    (staging / name).unlink(missing_ok=True)
                done = f"indexed {indexed_pages(staging)} pages"
                try:
                    self.cache.keep(key, staging)
                except OSError as error:  # only costs the next build time
                    logger.info("kp_search: could not keep the index for next time (%s)", error)
            with _publishing:
                if self.cancelled.is_set():
                    raise IndexingCancelled
                swap_into_place(staging, self.output / BUNDLE_DIR)
            return done
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_pagefind(self, staging: Path) -> None:
        with self._lock:
            if self.cancelled.is_set():
                raise IndexingCancelled
            try:
                self._process = subprocess.Popen(
                    pagefind_command(self.output, staging),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            except OSError as error:
                raise IndexingError(str(error)) from error
        try:
            printed, _ = self._process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as error:
            self._process.kill()
            raise IndexingError(f"Pagefind did not finish within {TIMEOUT} s") from error
        if self.cancelled.is_set():
            raise IndexingCancelled
        if self._process.returncode != 0 or not (staging / "pagefind.js").is_file():
            raise IndexingError(
                f"exit {self._process.returncode}: {printed.strip() or 'no output'}"
            )

    def abandon(self) -> None:
        with self._lock:
            self.cancelled.set()
            if self._process is not None and self._process.poll() is None:
                self._process.kill()


_publishing = threading.Lock()  # one bundle moves into an output folder at a time


def swap_into_place(staging: Path, target: Path) -> None:
    """Make ``staging`` the folder ``target``, in one step where the system allows it."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging)  # now the old bundle
        return
    old = staging.with_name(staging.name + "-old")
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Linux's renameat2(RENAME_EXCHANGE): swap two folders atomically."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return (
        renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0
    )


def _report(output: Path, error: BaseException) -> None:
    logger.error(
        "kp_search: Pagefind could not index %s, so the site has no search index:\n%s",
        output,
        error,
    )


# -- the build -------------------------------------------------------------------------------


def cache_for(settings: dict) -> SearchCache:
    return SearchCache(Path(settings.get("CACHE_PATH") or "cache") / CACHE_DIR)


def build_index(pelican) -> None:
    settings = pelican.settings
    output = Path(settings["OUTPUT_PATH"])
    index = SiteIndex(output, cache_for(settings))
    if settings.get("KP_SEARCH_BACKGROUND", False):
        BackgroundIndex.start(index)
        logger.info("kp_search: indexing %s in the background", output)
        return
    try:
        # The folder in the message: Pelican's log filter drops a message seen before.
        logger.info("kp_search: %s (%s)", index.finish(), output)
    except Exception as error:
        _report(output, error)


class BackgroundIndex:
    """A ``SiteIndex.finish`` on its own thread; starting one supersedes the previous."""

    running: ClassVar[list[BackgroundIndex]] = []  # the newest last; older ones stopping
    _lock = threading.Lock()

    def __init__(self, index: SiteIndex):
        self.index = index
        self.thread = threading.Thread(target=self._run, daemon=True, name="kp_search")

    @classmethod
    def start(cls, index: SiteIndex) -> BackgroundIndex:
        job = cls(index)
        with cls._lock:
            alive = [older for older in cls.running if older.thread.is_alive()]
            for older in alive:
                older.index.abandon()
            cls.running = [*alive, job]
            job.thread.start()
        return job

    def _run(self) -> None:
        try:
            logger.info("kp_search: %s (%s)", self.index.finish(), self.index.output)
        except IndexingCancelled:
            logger.debug("kp_search: indexing of %s superseded by a newer build", self.index.output)
        except Exception as error:
            if not self.index.cancelled.is_set():
                _report(self.index.output, error)


def wait_for_background_index(timeout: float | None = None) -> bool:
    """Wait for background indexing (the newest, and older ones winding down) to end;
    False if some is still running after ``timeout`` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    for job in list(BackgroundIndex.running):
        job.thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(job.thread.is_alive() for job in BackgroundIndex.running)


@atexit.register
def supersede_background(*_signal_args, **_signal_kwargs) -> None:
    """Stop background indexing: at exit, and when a new run of the same Pelican starts
    (``get_generators``), which indexes again; it would take a core and the GIL from it."""
    for job in BackgroundIndex.running:
        job.index.abandon()


def register() -> None:
    signals.get_generators.connect(supersede_background)
    signals.finalized.connect(build_index)
