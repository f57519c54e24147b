"""Site search: index the built site with Pagefind at the end of every build.

The ``pagefind[bin]`` wheel ships the Pagefind binary, so indexing needs no download and the
search bundle (``/pagefind/``: JS, WebAssembly, index fragments) is served from our own
folder: a search makes no third-party request. Only elements marked ``data-pagefind-body``
(the post's ``<article>``) are indexed, so menus, footers and listings do not pollute results.

Our own ``search.html`` + ``js/search.js`` use Pagefind's JS API; Pagefind's Default UI is not
used because it injects inline styles, which our ``style-src 'self'`` CSP forbids.

Indexing is Pagefind's own command line (``pagefind --site``), run on the finished
output. Feeding each page to Pagefind's service mode as Pelican wrote it was built and
measured (issue #7): at 1,000 posts it changed neither the CPU nor the wall time beyond the
noise (Pagefind's CLI already uses more than one core), for 500 more lines of protocol code.

Pagefind holds the whole index in memory while it builds it, about 0.2 MB per page: a
1,000-post site made it the build's peak (issue #7). Past ``KP_SEARCH_PAGES_PER_BUNDLE``
searchable pages (250) the site is indexed in parts of about that size, one Pagefind run
each, as many side by side as the build has workers (``KP_BUILD_WORKERS``): the peak of one
part per worker, and both cores busy (one run leaves a third of one idle). The first part is
the bundle itself; the others are index-only bundles in ``pagefind/part-<digest>/``, listed in
``pagefind/parts.json``, which ``js/search.js`` merges into one search with Pagefind's
``mergeIndex`` (one WebAssembly program for all, results ranked together).

Each run's result depends only on the HTML it reads: it is kept in ``CACHE_PATH/kp_search``
under a digest of those pages' paths and bytes (and Pagefind's version), and a build whose
pages digest the same copies it instead of running Pagefind. A page's part follows from its
path, so an edited or added post re-indexes one part. Builds may run side by side (test
workers, ``invoke build`` beside ``invoke livereload``): an entry is written once under its
own name and never changed.

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
import re
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kp_common.errors import AFTER_BUILD
from kp_common.files import link_or_copy
from kp_common.forked import worker_count
from kp_common.settings import PAGES_PER_BUNDLE, site_settings
from pelican import signals

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
CACHE_DIR = "kp_search"
STAGING_PREFIX = f".{BUNDLE_DIR}-staging-"
PARTS_FILE = "parts.json"  # the extra bundles search.js merges, relative to the bundle
# Default in kp_common.settings: Pagefind peaks near 60 MB indexing 250 of our posts.
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
    # Absolute: a partial run works in its own folder, where its glob is configured.
    return [str(program), "--site", str(site.resolve()), "--output-path", str(bundle.resolve())]


# The attribute in a tag: an author's text that mentions it reaches the HTML escaped.
SEARCHABLE = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s=/>]")


@dataclass(frozen=True)
class Part:
    """Pages indexed by one Pagefind run: their digest names the run's result in the cache."""

    key: str
    pages: tuple[str, ...]  # () for the whole site: Pagefind's own choice of pages


def plan(output: Path, pages_per_bundle: int) -> list[Part]:
    """The Pagefind runs the site needs: one for the whole site while the pages marked for
    search fit in one bundle, else one per part.

    A page's part follows from a hash of its path, not its place in a list, so a new post
    changes one part rather than shifting every part's boundary; an edited post likewise
    changes its own part only, and the other parts come from the cache.
    """
    pages = []
    for folder, dirs, files in os.walk(output):
        if folder == str(output):  # not the bundle, nor another build's staging bundle
            dirs[:] = [d for d in dirs if d != BUNDLE_DIR and not d.startswith(STAGING_PREFIX)]
        pages += [os.path.join(folder, name) for name in files if name.endswith(".html")]
    hashes, searchable = {}, []
    for page in sorted(pages):
        relative = Path(os.path.relpath(page, output)).as_posix()
        html = Path(page).read_bytes()
        hashes[relative] = hashlib.sha256(html).digest()
        if SEARCHABLE.search(html):
            searchable.append(relative)
    count = -(-len(searchable) // pages_per_bundle)
    if count <= 1:
        return [Part(run_key("site", hashes), ())]
    buckets: list[list[str]] = [[] for _ in range(count)]
    for page in searchable:
        bucket = int.from_bytes(hashlib.blake2b(page.encode(), digest_size=4).digest(), "big")
        buckets[bucket % count].append(page)
    return [
        Part(run_key("part", {page: hashes[page] for page in bucket}), tuple(bucket))
        for bucket in buckets
        if bucket
    ]


def run_key(kind: str, hashes: dict[str, bytes]) -> str:
    """What a run's result depends on: Pagefind's version and each page's path and bytes."""
    digest = hashlib.sha256(f"pagefind {pagefind_version()} {kind}\0".encode())
    for page, html_hash in hashes.items():
        digest.update(page.encode() + b"\0" + html_hash)
    return digest.hexdigest()[:24]


_GLOB_SPECIAL = re.compile(r"([\\*?\[\]{}()<>,!:$])")


def glob_of(pages: tuple[str, ...]) -> str:
    """A Pagefind ``glob`` (the ``wax`` syntax) matching exactly these paths."""
    return "{" + ",".join(_GLOB_SPECIAL.sub(r"\\\1", page) for page in pages) + "}"


def is_program(name: str) -> bool:
    """Pagefind's JavaScript and WebAssembly, as opposed to its index."""
    return name.endswith(".js") or name.startswith("wasm.")


def parts_of(bundle: Path) -> list[str]:
    """The extra parts a bundle lists, as paths relative to it (``part-<digest>/``)."""
    return json.loads((bundle / PARTS_FILE).read_text(encoding="utf-8"))["parts"]


def indexed_pages(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


class SearchCache:
    """Pagefind's results by digest; each entry written once under its name, never changed."""

    def __init__(self, root: Path):
        self.root = root

    def copy_to(self, key: str, folder: Path, *, program: bool = True) -> bool:
        """Put the result of this run into ``folder`` (without Pagefind's program unless
        ``program``); False if there is none. Hard links where possible (a thousand small
        files): nothing in the build writes through an output file (``kp_common.files``)."""
        entry = self.root / key
        if not (entry / "pagefind-entry.json").is_file():
            return False

        def left_out(folder: str, names: list[str]) -> list[str]:
            return [n for n in names if is_program(n)] if folder == str(entry) else []

        try:
            shutil.copytree(
                entry,
                folder,
                ignore=None if program else left_out,
                dirs_exist_ok=True,
                copy_function=link_or_copy,
            )
            os.utime(entry)  # recently used: pruned last
        except (OSError, shutil.Error):  # dropped by a newer build meanwhile: index instead
            return False
        return True

    def keep(self, key: str, bundle: Path) -> None:
        """Store ``bundle`` as this run's result."""
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

    def prune(self, runs: int) -> None:
        """Keep the results of the last few builds (``KEPT_BUNDLES`` of ``runs`` each)."""
        kept = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in kept[KEPT_BUNDLES * runs :]:
            # Renamed first, so a build copying it fails cleanly rather than half-way.
            doomed = self.root / f".old-{old.name}-{os.getpid()}-{threading.get_ident()}"
            with contextlib.suppress(OSError):
                os.rename(old, doomed)
                shutil.rmtree(doomed, ignore_errors=True)


class SiteIndex:
    """One indexing of one output folder; ``abandon()`` stops it from another thread."""

    def __init__(self, output: Path, cache: SearchCache, pages_per_bundle: int = PAGES_PER_BUNDLE):
        self.output = output
        self.cache = cache
        self.pages_per_bundle = pages_per_bundle
        self.cancelled = threading.Event()
        self._processes: set[subprocess.Popen] = set()  # the Pagefind runs going on
        self._lock = threading.Lock()

    def finish(self) -> str:
        """Make the bundle and move it into ``output/pagefind``; say what was done."""
        parts = plan(self.output, self.pages_per_bundle)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.output))
        staging.chmod(0o755)  # it becomes output/pagefind, which the web server must read
        try:
            indexed, reused = self._assemble(staging, parts)
            try:
                self.cache.prune(len(parts))
            except OSError as error:  # only costs disk space
                logger.info("kp_search: could not prune %s (%s)", self.cache.root, error)
            with _publishing:
                if self.cancelled.is_set():
                    raise IndexingCancelled
                swap_into_place(staging, self.output / BUNDLE_DIR)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if reused == len(parts):
            return "the site's HTML is unchanged; reused the search index"
        if len(parts) == 1:
            return f"indexed {indexed} pages"
        if not reused:
            return f"indexed {indexed} pages in {len(parts)} parts"
        return f"indexed {indexed} pages in {len(parts) - reused} of {len(parts)} parts"

    def _assemble(self, staging: Path, parts: list[Part]) -> tuple[int, int]:
        """Each part from the cache or from Pagefind: the first is the bundle, each other an
        index-only bundle inside it, run by the first part's program in the browser. Returns
        the pages indexed now and the parts reused.

        The parts not in the cache are indexed side by side, as many at a time as the build
        has workers (``kp_common.forked.worker_count``): one Pagefind run keeps about one
        and a half of two cores busy, two keep both (1,000 posts: a fifth less time). Each
        is indexed into a folder of its own (so the cache keeps that part alone) and moved
        into the bundle when all are done."""
        places = [
            staging / f"part-{part.key}" if number else staging for number, part in enumerate(parts)
        ]
        missing = [
            number
            for number, (part, place) in enumerate(zip(parts, places, strict=True))
            if not self.cache.copy_to(part.key, place, program=not number)
        ]
        workers = max(1, min(worker_count(), len(missing)))
        with ThreadPoolExecutor(workers, thread_name_prefix="kp-pagefind") as pool:
            runs = {
                number: pool.submit(
                    self._index_part, number, parts[number], staging / f".index-{number}"
                )
                for number in missing
            }
            indexed = sum(run.result() for run in runs.values())  # raises a run's error
        for number in missing:
            made = staging / f".index-{number}"
            if number:
                os.rename(made, places[number])
                continue
            for path in made.iterdir():
                os.rename(path, staging / path.name)
            made.rmdir()
        extra = [f"{place.name}/" for place in places[1:]]
        (staging / PARTS_FILE).write_text(json.dumps({"parts": extra}), encoding="utf-8")
        return indexed, len(parts) - len(missing)

    def _index_part(self, number: int, part: Part, folder: Path) -> int:
        """Index one part with Pagefind into ``folder`` and keep it; the pages indexed."""
        self._run_pagefind(folder, part.pages)
        for name in UNUSED_FILES:
            (folder / name).unlink(missing_ok=True)
        indexed = indexed_pages(folder)
        try:
            self.cache.keep(part.key, folder)
        except OSError as error:  # only costs the next build time
            logger.info("kp_search: could not keep the index for next time (%s)", error)
        if number:
            for path in folder.iterdir():
                if is_program(path.name):
                    path.unlink()
        return indexed

    def _run_pagefind(self, bundle: Path, pages: tuple[str, ...]) -> None:
        """Pagefind over the site, or over ``pages`` only (a ``glob`` in a configuration
        file in its working folder: a thousand paths can outgrow a command-line argument)."""
        with tempfile.TemporaryDirectory(prefix="kp-pagefind-") as workdir:
            if pages:
                config = {"glob": glob_of(pages)}
                Path(workdir, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
            with self._lock:
                if self.cancelled.is_set():
                    raise IndexingCancelled
                try:
                    process = subprocess.Popen(
                        pagefind_command(self.output, bundle),
                        cwd=workdir,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                    )
                except OSError as error:
                    raise IndexingError(str(error)) from error
                self._processes.add(process)
            try:
                printed, _ = process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired as error:
                process.kill()
                process.wait()
                raise IndexingError(f"Pagefind did not finish within {TIMEOUT} s") from error
            finally:
                with self._lock:
                    self._processes.discard(process)
        if self.cancelled.is_set():
            raise IndexingCancelled
        if process.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
            raise IndexingError(f"exit {process.returncode}: {printed.strip() or 'no output'}")

    def abandon(self) -> None:
        with self._lock:
            self.cancelled.set()
            for process in self._processes:
                if process.poll() is None:
                    process.kill()


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


def _report_in_background(output: Path, error: BaseException) -> None:
    logger.error(
        "kp_search: Pagefind could not index %s; search still uses the previous index:\n%s",
        output,
        error,
        extra=AFTER_BUILD,
    )


# -- the build -------------------------------------------------------------------------------


def cache_for(settings: dict) -> SearchCache:
    return SearchCache(Path(settings.get("CACHE_PATH") or "cache") / CACHE_DIR)


def build_index(pelican) -> None:
    settings = pelican.settings
    output = Path(settings["OUTPUT_PATH"])
    pages_per_bundle = site_settings(settings).search_pages_per_bundle
    if pages_per_bundle is None:  # not a whole number >= 1: reported by the settings layer
        return
    index = SiteIndex(output, cache_for(settings), pages_per_bundle)
    if site_settings(settings).search_background:
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
                _report_in_background(self.index.output, error)


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
