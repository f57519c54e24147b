"""Pages rendered on every core, for the build driver (``sitetools.build``).

Pelican renders every page with Jinja in one process, one page after another: at 1,000
posts that is the largest serial part of a build once reading is parallel (about 5 s of a
12 s cold build on the 2-core benchmark machine, and most of a build after one edit).
``ParallelWriting`` gives Pelican (through its ``get_writer`` hook) a writer that holds
each page back instead of rendering it (``pelican_compat.write_file_held``: Pelican's own
pagination, file names and overwrite rules), and (through ``get_generators``) a last
generator, run just before Pelican copies the static files, that renders the held pages
on ``worker_count()`` forked processes; each worker writes its pages' files.

What rendering a page leaves in the build's process is brought back, page by page in
Pelican's order:

* calls with effects made by templates (an image derivative planned, a theme file used:
  the methods marked ``kp_common.forked.replayed``) are made again here;
* ``content_written`` is sent here for every page after its file is written
  (pelican-sitemap lists the page; kp_theme makes its URLs relative);
* a page whose rendering logs a warning or an error, or raises, is rendered again here,
  so its message and the build's failure are exactly a serial build's.

Rendering later than Pelican would have is safe because nothing between a page's
``write_file`` and the last generator changes what a template reads;
``tests/test_parallel_build.py`` compares every byte of a parallel and a serial build.

The posts' folders are made ahead on a thread, while the build still checks its posts
(``FoldersAhead``): Pelican would make them one by one as it holds the pages.

``KP_BUILD_WORKERS=1`` leaves Pelican's writer alone; fewer than ``MIN_PAGES`` pages are
rendered in this process (a pool costs more than it saves).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from kp_common.contents import all_content
from kp_common.forked import (
    frozen_for_fork,
    noting,
    recording,
    replay,
    replaying,
    worker_count,
    worker_log,
)
from kp_common.pelican_compat import (
    HELD_MARK,
    HeldPage,
    made_by,
    open_held,
    render_held,
    write_file_held,
)
from pelican import signals
from pelican.writers import Writer

from sitetools.reuse import PageReuse

MIN_PAGES = 64
CHUNKS_PER_WORKER = 8  # pages differ (a list of twenty cards, a short post): small chunks

logger = logging.getLogger(__name__)

last_made_ahead = 0  # folders the last FoldersAhead made (a test's proof that it ran)

# What the forked workers render: set just before the pool starts (inherited by fork).
_HELD: list[HeldPage] = []
_OVERWRITTEN: set[int] = set()


def _write(page: HeldPage, html: str) -> None:
    # As Writer.write_file writes a page (its _open_w opens the file in text mode, UTF-8).
    with open(page.path, "w", encoding="utf-8") as stream:
        stream.write(html)


def _render_chunk(indices: list[int]) -> list[tuple[list, list] | None]:
    """In a worker: render and write these pages; for each, the calls to make again in
    the build's process and every call it made (``recording``, kept for the next build),
    or None when the page must be rendered there."""
    problems = worker_log()
    results: list[tuple[list, list] | None] = []
    for index in indices:
        page = _HELD[index]
        problems.seen = False
        try:
            with recording() as made, noting() as calls:
                html = render_held(page)
        except Exception:  # rendered again by the parent, which reports it
            problems.seen = True
        if problems.seen:
            results.append(None)
            continue
        if index not in _OVERWRITTEN:
            _write(page, html)
        results.append((calls, made))
    return results


def _overwritten(held: list[HeldPage], marks: dict[str, str]) -> set[int]:
    """Pages whose file another page took (Pelican's ``override_output``) or that Pelican
    skipped: the file's mark is that of the page Pelican's overwrite rules kept."""
    return {index for index, page in enumerate(held) if marks.get(page.path) != HELD_MARK % index}


class HoldingWriter(Writer):
    """Pelican's writer, with every page held back until ``write_held``."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.held: list[HeldPage] = []
        self.marks: dict[str, str] = {}  # each held page's file -> the mark Pelican wrote
        self._holding = False

    def write_file(self, *args, **kwargs) -> None:
        self._holding = True
        try:
            write_file_held(self, self.held, *args, **kwargs)
        finally:
            self._holding = False

    def _open_w(self, filename, encoding, override=False):
        # Feeds are written through here too, not held: only pages' files hold marks.
        if self._holding:
            return open_held(self, self.marks, filename, override)
        return super()._open_w(filename, encoding, override)

    def write_held(self, workers: int, reuse: PageReuse | None = None) -> int:
        """Render, write and announce every held page (or, with ``reuse``, take the last
        build's copy of those that show nothing changed); how many workers rendered."""
        held, self.held = self.held, []
        lost = _overwritten(held, self.marks)
        self.marks = {}
        kept: dict[int, list] = {}
        if reuse is not None:
            for index, page in enumerate(held):
                calls = None if index in lost else reuse.reusable(page, self.output_path)
                if calls is not None:
                    kept[index] = calls
        rendering = [index for index in range(len(held)) if index not in kept]
        parallel = workers >= 2 and len(rendering) >= MIN_PAGES
        in_workers = 0
        _HELD[:] = held
        _OVERWRITTEN.clear()
        _OVERWRITTEN.update(lost)
        try:
            with replaying(), contextlib.ExitStack() as stack:
                results = iter(())
                if parallel:
                    with frozen_for_fork() as context:  # forked at the first submit
                        pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
                        results = self._in_workers(pool, rendering, workers)
                for index, page in enumerate(held):
                    if index in kept and reuse.reuse(page, self.output_path, kept[index]):
                        signals.content_written.send(page.path, context=page.localcontext)
                        reuse.note(page, self.output_path, kept[index])
                        continue
                    outcome = next(results, None) if index not in kept else None
                    made = self._finish(page, index in lost, outcome)
                    in_workers += outcome is not None
                    # A page another one overwrote is always rendered (never reused): its
                    # file's record is that other page's.
                    if reuse is not None and index not in lost:
                        reuse.note(page, self.output_path, made)
            if reuse is not None:
                reuse.recorded = True
        finally:
            _HELD.clear()
            _OVERWRITTEN.clear()
        return in_workers

    @staticmethod
    def _in_workers(pool, rendering: list[int], workers: int):
        """Each page of ``rendering``'s outcome in a worker, in order (None: render it
        here). The work is handed out at once, so the workers render while this process
        puts the reused pages in place."""
        size = max(1, len(rendering) // (workers * CHUNKS_PER_WORKER))
        chunks = [rendering[start : start + size] for start in range(0, len(rendering), size)]
        futures = [pool.submit(_render_chunk, chunk) for chunk in chunks]

        def outcomes():
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    results = future.result()
                except Exception as error:  # a lost worker: its pages are rendered here
                    logger.info("a rendering worker failed (%s); rendering here", error)
                    results = [None] * len(chunk)
                yield from results

        return outcomes()

    @staticmethod
    def _finish(page: HeldPage, lost: bool, outcome: tuple[list, list] | None) -> list:
        """What Pelican does after rendering a page, here and in its order; the calls
        the page's rendering made."""
        if outcome is None:
            with recording() as made:
                html = render_held(page)  # logs and raises here as a serial build would
            if not lost:
                _write(page, html)
        else:
            calls, made = outcome
            replay(calls)
        signals.content_written.send(page.path, context=page.localcontext)
        return made


class FoldersAhead:
    """The posts' folders made on a thread while the build finishes and checks them.

    Pretty URLs give every post a folder (``blog/<slug>/index.html``), and Pelican makes
    each just before it writes the page, in the build's process. On the benchmark
    machine's disk a ``mkdir`` took 0.1 to 0.5 ms, so holding 1,000 pages waited 0.2 to
    0.8 s with both cores idle. Once the posts are read (``article_generator_pretaxonomy``),
    the folders their ``save_as`` name are made on a thread, while this process finishes
    the posts, rewrites their photos and checks their links (the thread waits on the
    disk, not on the interpreter); Pelican's ``makedirs`` then finds them. (The few
    pages, read later, are left to Pelican.) ``settle`` (after writing) removes, deepest
    first, a folder made here that no page was written under and that stayed empty, so
    the output is a serial build's, folder for folder.
    """

    def __init__(self) -> None:
        self.made: list[str] = []
        self._output = ""
        self._thread: threading.Thread | None = None

    def start(self, output: str, contents: list) -> None:
        folders = set()
        for content in contents:
            save_as = getattr(content, "save_as", None)
            if save_as:
                folders.add(os.path.dirname(os.path.normpath(os.path.join(output, save_as))))
        self._output = output
        self._thread = threading.Thread(
            target=self._make_all, args=(sorted(folders),), name="folders-ahead", daemon=True
        )
        self._thread.start()

    def _make_all(self, folders: list[str]) -> None:
        global last_made_ahead
        self._make(folders)
        last_made_ahead = len(self.made)

    def _make(self, folders: list[str]) -> None:
        for folder in folders:  # sorted: a parent comes before its children
            # The output folder itself too: when the posts are read, nothing is written yet.
            if folder != self._output and not folder.startswith(self._output + os.sep):
                continue
            try:
                os.mkdir(folder)
            except FileNotFoundError:  # its parents first, as Pelican's makedirs would
                self._make([os.path.dirname(folder)])
                with contextlib.suppress(OSError):
                    os.mkdir(folder)
                    self.made.append(folder)
            except OSError:  # there already (or not ours to make): Pelican decides
                continue
            else:
                self.made.append(folder)

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def settle(self, written: set[str]) -> None:
        """Remove the folders made ahead that hold no page of ``written`` and are empty."""
        self.wait()
        used = set()
        for path in written:
            folder = os.path.dirname(path)
            while folder not in used and len(folder) > 1:
                used.add(folder)
                folder = os.path.dirname(folder)
        for folder in sorted(self.made, key=len, reverse=True):
            if folder not in used:
                with contextlib.suppress(OSError):  # not empty: something else wrote there
                    os.rmdir(folder)
        self.made = []


class ParallelWriting:
    """Render ``pelican``'s pages on ``workers`` processes (see the module)."""

    def __init__(self, pelican, workers: int | None = None, reuse: PageReuse | None = None):
        self.pelican = pelican
        self.workers = worker_count() if workers is None else workers
        self.reuse = reuse
        self.rendered_in_workers = 0  # in the last run
        self.folders = FoldersAhead()
        if self.workers < 2:
            return
        # Blinker holds these bound methods weakly: they go with this object.
        signals.get_writer.connect(self._writer_class, sender=pelican)
        signals.get_generators.connect(self._last_generator, sender=pelican)
        signals.article_generator_pretaxonomy.connect(self._posts_read)

    def _posts_read(self, generator) -> None:
        if made_by(generator, self.pelican):
            output = os.path.abspath(self.pelican.settings["OUTPUT_PATH"])
            self.folders.start(output, all_content([generator]))

    def _writer_class(self, pelican) -> type:
        self.folders.wait()  # before Pelican makes the first of them
        return HoldingWriter

    def _last_generator(self, pelican) -> type:
        writing = self

        class WriteHeldPages:
            """Renders the held pages, after every generator that writes pages."""

            def __init__(self, **_generator_arguments):
                pass

            def generate_output(self, writer) -> None:
                if isinstance(writer, HoldingWriter):
                    pages = {page.path for page in writer.held}
                    writing.rendered_in_workers = writer.write_held(writing.workers, writing.reuse)
                    writing.folders.settle(pages)

        return WriteHeldPages
