"""A build after an edit takes the pages that do not show it from the last build's output.

The build driver writes every build into a fresh folder and swaps it in whole (nothing is
ever half-published), so a build after one edited post rendered all 1,700 pages of a
1,000-post site again: most of its time (issue #18). ``PageReuse`` lets it render only the
pages that show what changed, by the rules the livereload session follows
(``sitetools.edits``), and hard-link every other page from the output the last build left;
a reused page is announced (``content_written``) like a rendered one, and the calls its
rendering made for their effects (a derivative planned, a theme file used:
``kp_common.forked.recording``) are made again, so it publishes what it did.

What it needs of the last build is kept in ``CACHE_PATH/last-build-<output>`` (``LastBuild``,
one per output folder) by every successful development build that rendered through
``sitetools.parallel_writing``:
a digest of everything the build read besides the content folder (settings, the settings
files' and plugins' code, the theme, the installed packages: ``sitetools.build``), the
digest of every file in the content folder, what listings depended on in each post and
page, each page's recorded calls, and the identity of the output folder it left (every
file's size and time). The next build reuses pages only when that output is still exactly
as left, nothing but posts' and pages' sources changed, and no file was added or removed;
then, once everything is read, an edit that can move things around (a changed slug, date,
tag...) still renders everything. Anything else, and any doubt, renders every page.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from kp_common import kept as kept_files
from kp_common.files import link_or_copy
from kp_common.forked import call_key, replay_recorded
from kp_common.pelican_compat import HeldPage, made_by
from pelican import signals

from sitetools.edits import RebuildPlan, listed_fields

logger = logging.getLogger(__name__)

RECORD_FILE = "last-build"
FORMAT = 1  # of the record; a record of another format is not read


@dataclass
class LastBuild:
    """What a successful build leaves for the next one (see the module)."""

    others: str  # digest of everything read besides the content folder's files
    sources: dict[str, str]  # every file under PATH: its digest
    output: str  # the output folder's identity as the build left it
    listed: dict[str, tuple] = field(default_factory=dict)  # post or page: listed_fields
    calls: list[tuple] = field(default_factory=list)  # distinct recorded calls
    pages: dict[str, tuple[int, ...]] = field(default_factory=dict)  # page: its calls
    format: int = FORMAT


def record_path(cache_path: str | os.PathLike, output: Path) -> Path:
    """Where the record of the last build into ``output`` is kept: one per output folder,
    so builds into other folders with the same cache (a production build, a test's cold
    build) leave it alone."""
    name = hashlib.sha256(os.fsencode(Path(output).resolve())).hexdigest()[:12]
    return Path(cache_path) / f"{RECORD_FILE}-{name}"


def load(cache_path: str | os.PathLike, output: Path) -> LastBuild | None:
    """The last build's record, or None (none, unreadable, another format)."""
    last = kept_files.read(record_path(cache_path, output))  # any doubt: a full render
    return last if isinstance(last, LastBuild) and last.format == FORMAT else None


def forget(cache_path: str | os.PathLike, output: Path) -> None:
    record_path(cache_path, output).unlink(missing_ok=True)


def changed_sources(
    last: LastBuild | None, others: str, sources: dict[str, str], output: str | None
) -> tuple[set[str] | None, str]:
    """The sources (paths relative to PATH) changed since ``last``, if only posts' and
    pages' sources changed and the output is as ``last`` left it; else None. And why."""
    if last is None:
        return None, "no record of the last build"
    if output is None or output != last.output:
        return None, "the output folder is not the one the last build left"
    if others != last.others:
        return None, "settings, code or theme changed"
    if sources.keys() != last.sources.keys():
        return None, "a file was added or removed"
    changed = {path for path, digest in sources.items() if last.sources[path] != digest}
    if not changed:
        return None, "no source changed"
    if not changed <= last.listed.keys():
        return None, "a file that is not a post or page changed"
    return changed, "content edited"


class PageReuse:
    """One build's reuse of the last output (``previous``), and its record for the next.

    ``changed`` None renders every page; the record is made either way."""

    def __init__(self, pelican, previous: Path, last: LastBuild | None, changed: set[str] | None):
        self.pelican = pelican
        self.previous = previous
        self.last = last if changed else None
        reason = "content edited" if changed else "no reuse"
        self.plan = RebuildPlan(full=not changed, changed=set(changed or ()), reason=reason)
        self.direct = tuple(pelican.settings["DIRECT_TEMPLATES"])
        self.reused = 0
        self.recorded = False  # set once the pages went through write_held
        self._listed: dict[str, tuple] = {}
        self._calls: dict[tuple, int] = {}
        self._pages: dict[str, tuple[int, ...]] = {}
        # Blinker holds this bound method weakly: it goes with this object.
        signals.all_generators_finalized.connect(self._after_reading)

    def _after_reading(self, generators) -> None:
        """Every file is read, nothing is written yet: escalate the plan, note listings."""
        if not generators or not made_by(generators[0], self.pelican):
            return
        contents = dict(generators[0].context["generated_content"])
        settings = self.pelican.settings
        before = self.last.listed if self.last is not None else {}
        self.plan = self.plan.escalated(contents, before, settings)
        self._listed = {path: listed_fields(c, settings) for path, c in contents.items()}

    # -- during write_held -----------------------------------------------------------------

    def reusable(self, page: HeldPage, output_root: str) -> list[tuple] | None:
        """The recorded calls of the last build's copy of ``page`` if it can be reused."""
        if self.plan.full or self.last is None:
            return None
        if self.plan.renders(page.template_name, page.kwargs, page.object_lists, self.direct):
            return None
        relative = os.path.relpath(page.path, output_root)
        indices = self.last.pages.get(relative)
        if indices is None or not (self.previous / relative).is_file():
            return None
        return [self.last.calls[index] for index in indices]

    def reuse(self, page: HeldPage, output_root: str, calls: list[tuple]) -> bool:
        """Put the last build's copy of ``page`` in place and make its calls again;
        False (nothing linked) if a call's object is missing: render it instead."""
        try:
            replay_recorded(calls)
        except LookupError as error:
            logger.info("reusing %s: %s; rendering it", page.path, error)
            return False
        link_or_copy(self.previous / os.path.relpath(page.path, output_root), page.path)
        self.reused += 1
        return True

    def note(self, page: HeldPage, output_root: str, calls: list[tuple] | None) -> None:
        """What the page's rendering called (None: not recordable, never reused)."""
        relative = os.path.relpath(page.path, output_root)
        if calls is None:
            self._pages.pop(relative, None)
            return
        indices = []
        for call in calls:
            key = call_key(*call)
            if key is None:  # an argument that is not hashable: the page is rendered
                self._pages.pop(relative, None)
                return
            index = self._calls.get(key)
            if index is None:
                index = self._calls[key] = len(self._calls)
            indices.append(index)
        self._pages[relative] = tuple(indices)

    # -- after a successful build ---------------------------------------------------------

    def save(self, cache_path: str | os.PathLike, others: str, sources: dict, output: str):
        """Keep this build's record for the next build (or drop a stale one)."""
        if not self.recorded:
            forget(cache_path, self.previous)
            return
        calls = [None] * len(self._calls)
        for (name, method, args, kwargs), index in self._calls.items():
            calls[index] = (name, method, args, dict(kwargs))
        record = LastBuild(others, sources, output, self._listed, calls, self._pages)
        if not kept_files.write(record_path(cache_path, self.previous), record):
            forget(cache_path, self.previous)
