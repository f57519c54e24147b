"""Read Markdown on every core: worker processes parse posts, Pelican takes the results.

Reading is the largest part of a cold build (Markdown, our blocks, typography: about a
third of it at 1,000 posts), and Pelican reads one file after another on one core. A
``ParallelReading`` attached to one Pelican makes its run read on ``workers`` processes:

* when the first post is about to be read (``article_generator_preread``), every post
  and page that the article and page generators will read, and whose read their
  readers do not already hold (the content cache, a warm livereload session), is handed
  to a pool of forked worker processes (``concurrent.futures``, ``fork``: they start
  with this process's plugins, settings and readers as they are, nothing re-imported);
* each worker runs the very reader Pelican would run (kp_studio's Markdown reader, with
  kp_typography's transform), giving what ``Readers.read_file`` would store in its
  reader cache (``pelican_compat.read_for_cache``);
* the results go into the readers' cache (``pelican_compat.store_read``) before Pelican
  asks for them, so ``read_file`` builds every content object, sends every signal and
  runs every check in this process, in its own order, exactly as after a warm start.

What a reader returns refers to the settings (a post's category and tags hold them):
a worker pickles those references by name and they are unpickled as this process's own
settings dict, so the objects are what a serial read would have made.

Problems stay where they are reported well: a file whose read logs any warning or error
in a worker, or raises, is not handed over; Pelican reads it again here, so the message
(with its file and line, through ``kp_common.errors`` and kp_validate's log filter) and
the build's failure are exactly those of a serial build.

``KP_BUILD_WORKERS`` sets the number of processes (default: the cores this process may
use); ``1`` reads serially, as Pelican does. Fewer than ``MIN_FILES`` files to read (a
one-post edit) are read serially too: a pool costs more than it saves.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
from concurrent.futures import Future, ProcessPoolExecutor

from kp_common.forked import (  # noqa: F401  (WORKERS_ENV: re-exported)
    WORKERS_ENV,
    frozen_for_fork,
    worker_count,
    worker_log,
)
from kp_common.pelican_compat import has_fresh_read, made_by, read_for_cache, store_read
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

MIN_FILES = 8
CHUNKS_PER_WORKER = 6  # small chunks even out posts of different lengths

logger = logging.getLogger(__name__)


# -- in the worker ------------------------------------------------------------------------------

# What the forked workers read with: set in the parent just before the pool starts, so a
# worker inherits it (fork) instead of receiving it pickled.
_JOBS: list[tuple[object, list[dict]]] = []


class _SettingsPickler(pickle.Pickler):
    """Pickles a reference to a known settings dict by its number, not its contents."""

    def __init__(self, stream, known: list[dict]):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = {id(settings): number for number, settings in enumerate(known)}

    def persistent_id(self, obj):
        if type(obj) is dict:
            return self.known.get(id(obj))
        return None


class _SettingsUnpickler(pickle.Unpickler):
    def __init__(self, stream, known: list[dict]):
        super().__init__(stream)
        self.known = known

    def persistent_load(self, number):
        return self.known[number]


def _known_settings(readers) -> list[dict]:
    """The settings dicts a reader's result may refer to, in a fixed order."""
    known = [readers.settings]
    for fmt in sorted(readers.readers):
        known.append(readers.readers[fmt].settings)
    return known


def _read_chunk(job: int, paths: list[str]) -> bytes:
    """In a worker: read ``paths`` with job ``job``'s readers; the clean reads, pickled."""
    readers = _JOBS[job][0]
    problems = worker_log()
    reads = {}
    for path in paths:
        problems.seen = False
        try:
            data = read_for_cache(readers, path)
        except Exception:  # read again by the parent, which reports it
            problems.seen = True
        if not problems.seen:
            reads[path] = data
    stream = io.BytesIO()
    _SettingsPickler(stream, _known_settings(readers)).dump(reads)
    return stream.getvalue()


# -- in the build's process ---------------------------------------------------------------------


class ParallelReading:
    """Read the sources of ``pelican``'s runs on ``workers`` processes (see the module)."""

    def __init__(self, pelican, workers: int | None = None):
        self.pelican = pelican
        self.workers = worker_count() if workers is None else workers
        self._generators: list = []
        self._pending: dict[int, list[Future]] = {}  # id(readers) -> chunks being read
        self._started = False
        self.handed_over = 0  # reads taken from workers in the last run
        # Blinker holds these bound methods weakly: they go with this object.
        signals.generator_init.connect(self._note_generator)
        signals.article_generator_preread.connect(self._before_reading)
        signals.page_generator_preread.connect(self._before_reading)

    def _note_generator(self, generator) -> None:
        if not made_by(generator, self.pelican):
            return
        if isinstance(generator, ArticlesGenerator) and self._generators:
            self._generators, self._started = [], False  # a new run
        if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
            if not self._generators:
                self.handed_over = 0
            self._generators.append(generator)

    @staticmethod
    def _sources(generator) -> list[str]:
        settings = generator.settings
        kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
        files = generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"])
        extensions = set(generator.readers.readers)
        paths = []
        for name in sorted(files):
            path = os.path.abspath(os.path.join(generator.path, name))
            fresh = has_fresh_read(generator.readers, path)
            if path.rsplit(".", 1)[-1] in extensions and not fresh:
                paths.append(path)
        return paths

    def _start(self) -> None:
        """Hand every source not read yet to the workers; the pool closes as they finish."""
        self._started = True
        jobs = [(g.readers, self._sources(g)) for g in self._generators]
        total = sum(len(paths) for _, paths in jobs)
        if self.workers < 2 or total < MIN_FILES:
            return
        _JOBS[:] = jobs
        size = max(1, total // (self.workers * CHUNKS_PER_WORKER))
        with frozen_for_fork() as context:  # the workers are forked at the first submit
            pool = ProcessPoolExecutor(self.workers, mp_context=context)
            try:
                for number, (readers, paths) in enumerate(jobs):
                    self._pending[id(readers)] = [
                        pool.submit(_read_chunk, number, paths[start : start + size])
                        for start in range(0, len(paths), size)
                    ]
            finally:
                # Returns at once: the workers exit when the queue is done, and each
                # generator waits for its own reads only (``_before_reading``).
                pool.shutdown(wait=False)

    def _before_reading(self, generator) -> None:
        """``*_generator_preread`` (before each file): the first time, start the workers;
        before a generator's first file, take its reads."""
        if not made_by(generator, self.pelican):
            return
        if not self._started:
            self._start()
        chunks = self._pending.pop(id(generator.readers), None)
        if not self._pending:
            _JOBS.clear()  # the workers forked with it (``_JOBS`` is only read there)
        if not chunks:
            return
        known = _known_settings(generator.readers)
        for chunk in chunks:
            try:
                reads = _SettingsUnpickler(io.BytesIO(chunk.result()), known).load()
            except Exception as error:  # a lost worker: its files are read here
                logger.info("a reading worker failed (%s); reading its files here", error)
                continue
            for path, data in reads.items():
                store_read(generator.readers, path, data)
            self.handed_over += len(reads)
