"""A pure function over many values on every core: forked workers, results handed back.

A cold build runs a few per-post steps in the build's process after reading (kp_validate's
link and allow-list checks tokenise every post's HTML: seconds at 1,000 posts, on one
core). Their expensive part is a pure function of a string, so ``map_forked`` runs it on
``worker_count()`` forked processes: a worker starts with this process's memory as it is
(the values and the function are inherited, never pickled on the way in) and sends back
only the pickled results. The caller keeps everything with side effects (reporting,
state) in its own process, in its own order.

``KP_BUILD_WORKERS`` sets the number of processes (default: the cores this process may
use; ``1``: serial), as it does for reading (``sitetools.parallel``). Fewer than
``min_items`` values, or a worker that fails, are computed here instead: the result is
the same either way, only the time differs.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

WORKERS_ENV = "KP_BUILD_WORKERS"
CHUNKS_PER_WORKER = 4  # small chunks even out posts of different lengths

logger = logging.getLogger(__name__)

# What the forked workers compute: set just before the pool starts (inherited by fork).
_JOB: list = []
# How many values the last ``map_forked`` had computed by workers (what tests look at).
last_in_workers = 0


def worker_count() -> int:
    """Processes to compute with: ``KP_BUILD_WORKERS``, else the cores we may run on."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            logger.warning("%s=%r is not a number; working serially", WORKERS_ENV, value)
            return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _chunk(start: int, stop: int) -> list:
    function, values = _JOB
    return [function(value) for value in values[start:stop]]


def map_forked(
    function: Callable, values: Sequence, *, workers: int | None = None, min_items: int = 64
) -> list:
    """``[function(v) for v in values]``, computed on forked workers when worth it.

    ``function`` must be pure (no logging, no state it changes: a worker's changes are
    lost) and its results picklable."""
    global last_in_workers
    last_in_workers = 0
    workers = worker_count() if workers is None else workers
    if workers < 2 or len(values) < min_items:
        return [function(value) for value in values]
    size = max(1, len(values) // (workers * CHUNKS_PER_WORKER))
    bounds = [(start, min(start + size, len(values))) for start in range(0, len(values), size)]
    _JOB[:] = [function, values]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_chunk, start, stop) for start, stop in bounds]
            results = []
            for (start, stop), future in zip(bounds, futures, strict=True):
                try:
                    results.extend(future.result())
                    last_in_workers += stop - start
                except Exception as error:  # a lost worker: its share is computed here
                    logger.info("a worker failed (%s); computing its share here", error)
                    results.extend(function(value) for value in values[start:stop])
            return results
    finally:
        _JOB.clear()
