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

A step whose work may also report a problem (a post's photo that cannot be published)
uses ``ahead_in_workers`` instead: the workers compute what they can without a word
(``worker_log``), give up on a value whose work logged a warning or raised, and the
caller does the rest, its reports included, in its own process and order.

Work that does have side effects can still run in a worker when the effects are few and
known: a method marked ``@replayed`` (an image planned, a theme file used) notes each call
made while ``noting()`` is on (a worker rendering pages, ``sitetools.parallel_writing``),
and the build's process makes the same calls again with ``replay()``, in the same order,
so its state ends as if it had done the work itself. The objects they are called on say
so with ``replay_target(self)``; a fork keeps every object at its address, so a worker
names one by its ``id``.

A page's calls can also be kept for another process (``recording()``: every call, the
object named by its class, of which a build has one): a build that reuses a page of the
last build's output instead of rendering it makes them again with ``replay_recorded``
(``sitetools.reuse``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
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


@contextlib.contextmanager
def frozen_for_fork() -> Iterator[multiprocessing.context.BaseContext]:
    """The ``fork`` context, with every object of this process frozen (``gc.freeze``)
    while the workers are forked inside: their garbage collections then leave the objects
    they inherited alone, instead of writing to each one's header and so copying the
    pages that hold them into the worker (copy-on-write; a cold 1,000-post build: 3 %
    fewer page faults). Python's documentation advises it for fork without exec. Unfrozen
    after the block, so nothing stays uncollectable in this process."""
    gc.freeze()
    try:
        yield multiprocessing.get_context("fork")
    finally:
        gc.unfreeze()


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
    results, last_in_workers = _pooled(
        _chunk, function, values, workers, lambda lost: [function(value) for value in lost]
    )
    return results


def _pooled(chunk: Callable, function: Callable, values: Sequence, workers: int, lost: Callable):
    """``chunk(start, stop)`` over ``values`` in slices on ``workers`` forked processes, the
    results in order (``lost(values)`` for a slice whose worker failed), and how many
    values the workers did."""
    size = max(1, len(values) // (workers * CHUNKS_PER_WORKER))
    bounds = [(start, min(start + size, len(values))) for start in range(0, len(values), size)]
    _JOB[:] = [function, values]
    try:
        with contextlib.ExitStack() as stack:
            with frozen_for_fork() as context:  # the workers are forked at the first submit
                pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
                futures = [pool.submit(chunk, start, stop) for start, stop in bounds]
            results: list = []
            done = 0
            for (start, stop), future in zip(bounds, futures, strict=True):
                try:
                    results.extend(future.result())
                    done += stop - start
                except Exception as error:  # a lost worker: its share is done here
                    logger.info("a worker failed (%s); its share is done here", error)
                    results.extend(lost(values[start:stop]))
            return results, done
    finally:
        _JOB.clear()


class ProblemsSeen(logging.Handler):
    """Notes that a worker's work logged something worth reporting (its only handler)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def worker_log() -> ProblemsSeen:
    """In a worker: print nothing (the build's process reports), note warnings and errors."""
    root = logging.getLogger()
    problems = ProblemsSeen()
    root.handlers = [problems]
    root.setLevel(logging.WARNING)
    return problems


def _chunk_ahead(start: int, stop: int) -> list:
    function, values = _JOB
    problems = worker_log()
    results = []
    for value in values[start:stop]:
        problems.seen = False
        try:
            result = function(value)
        except Exception:  # the caller does it again, and reports it
            problems.seen = True
        results.append(None if problems.seen else result)
    return results


def ahead_in_workers(
    function: Callable, values: Sequence, *, workers: int | None = None, min_items: int = 64
) -> list | None:
    """``function(v)`` for each of ``values`` on forked workers, for a caller that does
    the same work itself where this gives None: a value whose work logged a warning or an
    error, or raised (the caller's own run reports it, in its order), or whose worker was
    lost. None as a whole when workers are not worth it (fewer than ``min_items``
    values, or one worker): nothing was computed. ``function`` runs only in workers, so
    what it changes in its process is lost; its results must be picklable."""
    workers = worker_count() if workers is None else workers
    if workers < 2 or len(values) < min_items:
        return None
    return _pooled(_chunk_ahead, function, values, workers, lambda lost: [None] * len(lost))[0]


# -- calls noted in a worker and made again here --------------------------------------------

# The calls of ``@replayed`` methods while ``noting()`` is on; None when it is off.
_noted: list | None = None
# Every call of a ``@replayed`` method while ``recording()`` is on, seen before or not.
_recorded: list | None = None
# The calls noted (in a worker) or made again (here) since ``replaying()`` began: a
# ``@replayed`` method's effect is the same however often it is called with the same
# arguments, so the first call of each is the one that counts.
_seen: set = set()
_targets: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def replay_target(obj: object) -> None:
    """Let ``replay`` find ``obj`` (call it in ``__init__``, in the build's process)."""
    _targets[id(obj)] = obj


def call_key(target, name: str, args: tuple, kwargs: dict):
    """A hashable name for one call on ``target`` (an object's id, or its class name for
    ``recording``), or None when an argument is not hashable (such a call is always made)."""
    key = (target, name, args, tuple(kwargs.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def replayed(method: Callable) -> Callable:
    """Mark a method whose effects the build's process must see when a worker calls it.

    Its effects must be idempotent: a second call with the same arguments changes nothing
    the first did not (a derivative planned, a file marked as used)."""

    @functools.wraps(method)
    def noted(self, *args, **kwargs):
        if _recorded is not None:
            _recorded.append((target_name(self), method.__name__, args, kwargs))
        if _noted is None:
            return method(self, *args, **kwargs)
        key = call_key(id(self), method.__name__, args, kwargs)
        if key is not None and key in _seen:
            return method(self, *args, **kwargs)
        if key is not None:
            _seen.add(key)
        call = [id(self), method.__name__, args, kwargs, False]
        _noted.append(call)
        try:
            return method(self, *args, **kwargs)
        except Exception:
            call[4] = True  # raised there (and handled by its caller): it may raise here
            raise

    return noted


@contextlib.contextmanager
def replaying() -> Iterator[None]:
    """One round of work handed to workers and replayed here: the workers forked inside
    note each distinct call once, and ``replay`` makes each once."""
    _seen.clear()
    try:
        yield
    finally:
        _seen.clear()


@contextlib.contextmanager
def noting() -> Iterator[list]:
    """Note the calls of ``@replayed`` methods made inside (each distinct call once in a
    round of ``replaying()``); the list is what ``replay`` takes (picklable when the
    calls' arguments are)."""
    global _noted
    calls: list = []
    outer, _noted = _noted, calls
    try:
        yield calls
    finally:
        _noted = outer


def replay(calls: list) -> None:
    """Make the noted calls again, here, in order (each distinct call once in a round of
    ``replaying()``); their results are dropped."""
    for target, name, args, kwargs, raised in calls:
        key = call_key(target, name, args, kwargs)
        if key is not None:
            if key in _seen:
                continue
            _seen.add(key)
        obj = _targets.get(target)
        if obj is None:
            raise RuntimeError(f"replay: no object {target} for {name}(); see replay_target")
        try:
            getattr(obj, name)(*args, **kwargs)
        except Exception:
            if not raised:
                raise


def target_name(obj: object) -> str:
    """What names an object of ``replay_target`` between processes: its class."""
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


@contextlib.contextmanager
def recording() -> Iterator[list]:
    """Every call of a ``@replayed`` method made inside, as ``(target_name, method, args,
    kwargs)``, each time it is made: what ``replay_recorded`` takes in a later process."""
    global _recorded
    calls: list = []
    outer, _recorded = _recorded, calls
    try:
        yield calls
    finally:
        _recorded = outer
        if outer is not None:
            outer.extend(calls)


def replay_recorded(calls: Iterable[tuple]) -> None:
    """Make recorded calls (``recording()``, maybe in another process) on this process's
    object of each class, in order, each distinct call once in a round of ``replaying()``.
    The object is the newest of its class to call ``replay_target`` (one build's; an
    earlier build's may linger in the same process until it is collected). ``LookupError``
    when there is none."""
    newest = {target_name(obj): obj for obj in list(_targets.values())}
    for name, method, args, kwargs in calls:
        obj = newest.get(name)
        if obj is None:
            raise LookupError(f"replay_recorded: no object of {name} for {method}()")
        key = call_key(id(obj), method, args, kwargs)
        if key is not None:
            if key in _seen:
                continue
            _seen.add(key)
        getattr(obj, method)(*args, **kwargs)
