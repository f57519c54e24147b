"""Site search: a Pagefind index of the built site, made while Pelican writes it.

The ``pagefind[bin]`` wheel ships the Pagefind binary, so indexing needs no download and the
search bundle (``/pagefind/``: JS, WebAssembly, index fragments) is served from our own
folder: a search makes no third-party request. Only elements marked ``data-pagefind-body``
(the post's ``<article>``) are indexed, so menus, footers and listings do not pollute results.

Our own ``search.html`` + ``js/search.js`` use Pagefind's JS API; Pagefind's Default UI is not
used because it injects inline styles, which our ``style-src 'self'`` CSP forbids.

Why not ``pagefind --site output`` at the end of the build (what this plugin did first): at
1,000 posts it adds ~2 s of wall time (~3 s of CPU on both cores) after everything else.
Pagefind's service mode (the protocol its own Python package speaks) takes one page at a time,
so each page goes to it as soon as Pelican has written it (``content_written``) and Pagefind
parses it on the other core while Pelican renders the next; ``finalized`` only feeds what
Pelican did not write itself and asks for the bundle (~1 s: building the index stays at the
end). (The ``pagefind`` package's asyncio client reads one reply per 0.1 s, 100 s for 1,000
pages, hence the small client below.) Pages are added in the order
they were written, then any others in path order: the same records as a ``--site`` run, whose
order was the file system's. Once a page with ``data-pagefind-body`` has gone, pages without
it (listings: a third of the site) are not sent: Pagefind would parse them only to leave them
out.

A bundle depends only on the HTML it was made from: it is kept in ``CACHE_PATH/kp_search``
with the digest of every page, and a build whose pages all match reuses it. Pages are only
sent to Pagefind from the first one that differs, so an unchanged site costs no indexing.

``KP_SEARCH_BACKGROUND = True`` (the livereload session) makes ``finalized`` return at once:
the whole output folder is indexed from disk on a thread into a staging folder, swapped into
``output/pagefind`` in one rename when complete; a newer build's indexing supersedes (and
stops) an older one. ``wait_for_background_index()`` waits for it.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import hashlib
import importlib.metadata
import json
import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

from pelican import signals

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
CACHE_DIR = "kp_search"
STAGING_PREFIX = f".{BUNDLE_DIR}-staging-"
# Pagefind's Default UI needs inline styles (blocked by our CSP) and we do not use it.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
)
SEARCHABLE = b"data-pagefind-body"  # compared with the lowercased page
REPLY_TIMEOUT = 300  # seconds: Pagefind answers in well under a second per request


class IndexingError(RuntimeError):
    """Pagefind could not be started or reported a problem."""


class IndexingCancelled(Exception):
    """A newer build's indexing took over."""


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# -- Pagefind's service mode -----------------------------------------------------------------


class PagefindService:
    """One ``pagefind --service`` process holding one index.

    Requests and replies are base64-encoded JSON messages, each followed by a comma. A thread
    reads the replies as they come, so Pagefind never waits on a full pipe.
    """

    def __init__(self, site: Path):
        from pagefind.service import get_executable  # honours PAGEFIND_BINARY_PATH

        executable = get_executable()
        if executable is None or not Path(executable).is_file():
            raise IndexingError(
                f"no Pagefind binary ({executable or 'none found'}); "
                "install the 'pagefind[bin]' package"
            )
        # Pagefind's messages, read only if it fails; closed by close().
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                [str(executable), "--service"],
                cwd=site,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as error:
            self._stderr.close()
            raise IndexingError(f"could not start Pagefind ({error})") from error
        self._replies: dict[int, dict] = {}
        self._arrived = threading.Condition()
        self._closed = False
        self._last_id = 0
        self.added = 0
        self.errors: list[str] = []
        threading.Thread(target=self._read_replies, daemon=True).start()
        self.index_id = self._call({"type": "NewIndex", "config": None})["index_id"]

    def add(self, relative_path: str, html: str) -> None:
        """Queue one page (a path relative to the site, from which Pagefind makes its URL)."""
        self._send(
            {
                "type": "AddFile",
                "index_id": self.index_id,
                "file_path": relative_path,
                "url": None,
                "file_contents": html,
            }
        )
        self.added += 1

    def bundle(self) -> dict[str, bytes]:
        """The bundle of every page added, but the Default UI: path -> bytes."""
        with self._arrived:  # every page indexed first
            self._arrived.wait_for(
                lambda: self._closed or len(self._replies) > self.added, REPLY_TIMEOUT
            )
        if self.errors:
            raise IndexingError("\n".join(self.errors[:5]))
        # Not WriteFiles: Pagefind 1.5 answers it, and exits when asked, before all its
        # file writes are done (empty pagefind-entry.json under load). GetFiles hands the
        # bundle over, and it is written here.
        files = {}
        for file in self._call({"type": "GetFiles", "index_id": self.index_id})["files"]:
            relative = Path(file["path"])
            if relative.is_absolute() or ".." in relative.parts:
                raise IndexingError(f"Pagefind returned an unexpected path: {file['path']}")
            if relative.as_posix() not in UNUSED_FILES:
                files[relative.as_posix()] = base64.b64decode(file["content"])
        return files

    def close(self) -> None:
        if self.process.stdin:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)  # it exits when its input ends
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()

    def kill(self) -> None:
        self.process.kill()

    # -- protocol ----------------------------------------------------------------------------

    def _send(self, payload: dict) -> int:
        self._last_id += 1
        message = json.dumps({"message_id": self._last_id, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as error:
            raise IndexingError(self._failure()) from error
        return self._last_id

    def _call(self, payload: dict) -> dict:
        message_id = self._send(payload)
        with self._arrived:
            self._arrived.wait_for(
                lambda: self._closed or message_id in self._replies, REPLY_TIMEOUT
            )
            reply = self._replies.get(message_id)
        if reply is None:
            raise IndexingError(self._failure())
        if reply.get("type") == "Error":
            raise IndexingError(reply.get("message", "unknown error"))
        return reply

    def _read_replies(self) -> None:
        pending = bytearray()  # the bundle comes as one message of megabytes
        stream = self.process.stdout
        while chunk := stream.read1(1 << 20):
            searched = len(pending)
            pending += chunk
            while (end := pending.find(b",", searched)) >= 0:
                message = bytes(pending[:end])
                del pending[: end + 1]
                searched = 0
                reply = json.loads(base64.b64decode(message))
                payload = reply.get("payload") or {}
                if payload.get("type") == "Error":
                    self.errors.append(payload.get("message", "unknown error"))
                with self._arrived:
                    self._replies[reply.get("message_id") or -len(self._replies)] = payload
                    self._arrived.notify_all()
        with self._arrived:
            self._closed = True
            self._arrived.notify_all()

    def _failure(self) -> str:
        code = self.process.poll()
        self._stderr.seek(0)
        said = self._stderr.read().decode("utf-8", "replace").strip()
        state = "did not answer" if code is None else f"stopped (exit {code})"
        return f"Pagefind {state}" + (f":\n{said}" if said else "")


# -- one build's index -----------------------------------------------------------------------


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path -> bytes) under ``folder``, a few at a time: creating
    a thousand small files is system calls, which threads overlap."""
    for parent in sorted({(folder / relative).parent for relative in files}):
        parent.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in pool.map(lambda item: (folder / item[0]).write_bytes(item[1]), files.items()):
            pass


def page_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class SearchCache:
    """The last bundle made, with the digest of every page it was made from.

    Builds may run side by side (test workers, a livereload session and ``invoke build``),
    so an entry is written once under its own name and never changed; ``latest`` names
    the newest. A reader that finds its entry gone (a newer build dropped it) indexes.
    """

    def __init__(self, root: Path):
        self.root = root
        self.entry: Path | None = None

    def pages(self) -> dict[str, str] | None:
        try:
            entry = self.root / (self.root / "latest").read_text(encoding="utf-8").strip()
            stored = json.loads((entry / "pages.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if stored.get("pagefind") != pagefind_version():
            return None
        self.entry = entry
        return stored.get("pages")

    def copy_to(self, folder: Path) -> None:
        # Copies, not links: production steps may rewrite output files in place.
        shutil.copytree(self.entry / "bundle", folder)

    def keep(self, files: dict[str, bytes], pages: dict[str, str]) -> None:
        """Store the bundle ``files`` as the only cached one."""
        record = json.dumps({"pagefind": pagefind_version(), "pages": pages}, sort_keys=True)
        name = hashlib.sha256(record.encode()).hexdigest()[:24]
        ours = f"{os.getpid()}-{threading.get_ident()}"
        if not (self.root / name).is_dir():
            staging = self.root / f".{name}-{ours}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            write_files(staging / "bundle", files)
            (staging / "pages.json").write_text(record, encoding="utf-8")
            try:
                os.rename(staging, self.root / name)
            except OSError:  # another build kept the same bundle meanwhile
                shutil.rmtree(staging, ignore_errors=True)
        pointer = self.root / f".latest-{ours}"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, self.root / "latest")
        for other in self.root.iterdir():
            if other.is_dir() and other.name != name and not other.name.startswith("."):
                shutil.rmtree(other, ignore_errors=True)


class SiteIndex:
    """The search index of one build of ``output``.

    ``page_written`` (from Pelican's writer, on the build's thread) only queues the path; a
    feeding thread reads the page, compares it with the cached bundle's, and from the first
    page that differs starts Pagefind and sends it every page. ``finish`` completes the
    index from the output folder as it stands and publishes the bundle.
    """

    def __init__(self, output: Path, cache: SearchCache):
        self.output = output
        self.cache = cache
        self.cancelled = threading.Event()  # set by abandon(): a newer build took over
        self.cached_pages = cache.pages()
        self.seen: dict[str, tuple[str, int, int]] = {}  # path -> digest, size, mtime
        # path -> digest of each page handled: sent, or left out (no data-pagefind-body)
        self.sent: dict[str, str] = {}
        self.searchable_seen = False  # a page with data-pagefind-body was sent
        self.service: PagefindService | None = None
        self.failure: BaseException | None = None
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._feeder: threading.Thread | None = None

    # -- while Pelican writes ----------------------------------------------------------------

    def page_written(self, relative_path: str) -> None:
        if self._feeder is None:
            self._feeder = threading.Thread(target=self._feed, daemon=True)
            self._feeder.start()
        self._queue.put(relative_path)

    def _feed(self) -> None:
        while (relative := self._queue.get()) is not None:
            if self.failure is not None or self.cancelled.is_set():
                continue
            try:
                self._take(relative)
            except BaseException as error:  # reported by finish(), on the build's thread
                self.failure = error

    def _take(self, relative: str) -> None:
        data, digest = self._read(relative)
        if self.service is not None:
            self._send(relative, data, digest)
        elif self.cached_pages is None or self.cached_pages.get(relative) != digest:
            self._start()  # sends every page read so far, this one included
        # else: every page so far is the cached bundle's; nothing to index yet

    def _read(self, relative: str) -> tuple[bytes, str]:
        path = self.output / relative
        with path.open("rb") as stream:
            data = stream.read()
            stat = os.fstat(stream.fileno())
        digest = page_digest(data)
        self.seen[relative] = (digest, stat.st_size, stat.st_mtime_ns)
        return data, digest

    def _start(self) -> None:
        self.service = PagefindService(self.output)
        self.sent, self.searchable_seen = {}, False
        for relative in list(self.seen):  # pages that matched the cache until now
            self._send(relative, *self._read(relative))

    def _send(self, relative: str, data: bytes, digest: str) -> None:
        if self.cancelled.is_set():
            raise IndexingCancelled
        if relative in self.sent:  # written twice: finish() starts again from disk
            self.sent[relative] = ""
            return
        self.sent[relative] = digest
        if SEARCHABLE in data.lower():
            self.searchable_seen = True
        elif self.searchable_seen:
            # Once a page has a data-pagefind-body element, Pagefind leaves out every page
            # without one (listings, tags: a third of the site), so it need not parse them.
            return
        self.service.add(relative, data.decode("utf-8", "replace"))

    # -- at the end --------------------------------------------------------------------------

    def html_pages(self) -> dict[str, str]:
        """Every HTML file of the output (but the bundle) and its digest, in path order."""
        pages = {}
        for path in sorted(self.output.rglob("*.html")):
            relative = path.relative_to(self.output).as_posix()
            if relative.startswith((f"{BUNDLE_DIR}/", STAGING_PREFIX)):
                continue
            if self.cancelled.is_set():
                raise IndexingCancelled
            stat = path.stat()
            known = self.seen.get(relative)
            if known is not None and known[1:] == (stat.st_size, stat.st_mtime_ns):
                pages[relative] = known[0]
            else:
                pages[relative] = self._read(relative)[1]
        return pages

    def finish(self) -> str:
        """Complete the index, publish it as ``output/pagefind``; say what was done."""
        if self._feeder is not None:
            self._queue.put(None)
            self._feeder.join()
        staging = self.output / f"{STAGING_PREFIX}{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            if self.failure is not None:
                raise self.failure
            pages, files = self.html_pages(), None
            if self.service is None and pages == self.cached_pages and self._reuse(staging):
                outcome = "the site's HTML is unchanged; reused the search index"
            else:
                pages = self._complete(pages)
                files = self.service.bundle()
                write_files(staging, files)
                indexed = indexed_pages(staging)
                if not indexed:
                    raise IndexingError("Pagefind found no text to index in any page")
                outcome = f"indexed {indexed} of {len(pages)} pages"
            self._publish(staging, pages, files)
            return outcome
        finally:
            if self.service is not None:
                if self.cancelled.is_set():
                    self.service.kill()
                self.service.close()
            shutil.rmtree(staging, ignore_errors=True)

    def _reuse(self, staging: Path) -> bool:
        try:
            self.cache.copy_to(staging)
        except OSError:  # dropped by a newer build meanwhile
            shutil.rmtree(staging, ignore_errors=True)
            return False
        return True

    def _complete(self, pages: dict[str, str]) -> dict[str, str]:
        """Send Pagefind what it lacks; the pages and digests it was given."""
        stale = any(pages.get(relative) != digest for relative, digest in self.sent.items())
        if self.service is None or stale:
            if self.service is not None:
                self.service.kill()
            self.service = PagefindService(self.output)
            self.sent, self.searchable_seen = {}, False
        for relative in pages:
            if relative not in self.sent:
                data, digest = self._read(relative)
                self._send(relative, data, digest)
        # A page rewritten since (only a newer build does that) makes the cached bundle's
        # record differ from the site, so the next build indexes again.
        return {relative: self.sent[relative] for relative in pages}

    def _publish(self, staging: Path, pages: dict[str, str], files: dict | None) -> None:
        """Swap ``staging`` into place; keep a freshly made bundle (``files``) for later."""
        with _publishing:
            if self.cancelled.is_set():
                raise IndexingCancelled
            swap_into_place(staging, self.output / BUNDLE_DIR)
            if files is not None:
                try:
                    self.cache.keep(files, pages)
                except OSError as error:  # a cache that cannot be written only costs time
                    logger.info(
                        "kp_search: could not keep the index for the next build (%s)", error
                    )

    def abandon(self) -> None:
        self.cancelled.set()
        if self._feeder is not None:
            self._queue.put(None)
        if self.service is not None:
            self.service.kill()


def indexed_pages(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


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


class _Build:
    """What this process's current build is doing with search."""

    settings: ClassVar[dict | None] = None
    index: ClassVar[SiteIndex | None] = None
    background: ClassVar[list[BackgroundIndex]] = []  # the newest last; older ones stopping


def cache_for(settings: dict) -> SearchCache:
    return SearchCache(Path(settings.get("CACHE_PATH") or "cache") / CACHE_DIR)


def start_build(pelican) -> None:
    if _Build.index is not None:  # a build that stopped before ``finalized``
        _Build.index.abandon()
    _Build.settings, _Build.index = pelican.settings, None


def page_written(path, context=None) -> None:
    settings = _Build.settings
    if settings is None or settings.get("KP_SEARCH_BACKGROUND", False):
        return
    if not str(path).endswith(".html"):
        return
    output = Path(settings["OUTPUT_PATH"])
    try:
        relative = Path(path).relative_to(output).as_posix()
    except ValueError:
        return
    if _Build.index is None or _Build.index.output != output:
        if _Build.index is not None:
            _Build.index.abandon()
        _Build.index = SiteIndex(output, cache_for(settings))
    _Build.index.page_written(relative)


def build_index(pelican) -> None:
    settings = pelican.settings
    output = Path(settings["OUTPUT_PATH"])
    index, _Build.index = _Build.index, None
    if index is None or index.output != output:
        if index is not None:
            index.abandon()
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

    _lock = threading.Lock()

    def __init__(self, index: SiteIndex):
        self.index = index
        self.thread = threading.Thread(target=self._run, daemon=True, name="kp_search")

    @classmethod
    def start(cls, index: SiteIndex) -> BackgroundIndex:
        job = cls(index)
        with cls._lock:
            running = [older for older in _Build.background if older.thread.is_alive()]
            for older in running:
                older.index.abandon()
            _Build.background = [*running, job]
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
    for job in list(_Build.background):
        job.thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(job.thread.is_alive() for job in _Build.background)


@atexit.register
def _stop_background() -> None:
    for job in _Build.background:
        job.index.abandon()


def supersede_background(*_signal_args, **_signal_kwargs) -> None:
    """A new run of the same Pelican (``get_generators``) will index again: stop the
    background indexing now, so it does not take a core and the GIL from the rebuild."""
    for job in _Build.background:
        job.index.abandon()


def register() -> None:
    signals.initialized.connect(start_build)
    signals.get_generators.connect(supersede_background)
    signals.content_written.connect(page_written)
    signals.finalized.connect(build_index)
