"""Every Pelican internal we rely on, in one place.

Pelican's public surface (settings, signals, ``Content`` attributes, the ``get_writer`` and
``get_generators`` hooks) covers most of what the plugins and the tooling need. Where it
does not, the private attribute, the monkey-patch or the copy of Pelican's behaviour lives
here, behind a named function whose docstring says which internal it relies on and why no
public hook does. ``tests/test_pelican_compat.py`` exercises each one against the installed
Pelican, so an upgrade that changes one fails a test that names it, instead of a build
quietly going wrong; at run time a missing attribute raises ``PelicanInternalChanged``,
naming it too.

The internals, by concern:

* one Pelican, run again: ``run_with_settings``, ``made_by``;
* memoised HTML: ``forget_rendered``, ``forget_all_rendered``;
* the raw HTML of a post: ``html_source``, ``set_html_source``;
* the log filter: ``let_repeated_warnings_through``;
* the readers' cache: ``keep_reads_in_memory``, ``forget_read``, ``has_fresh_read``,
  ``store_read``;
* what a reader returns for a file, as ``Readers.read_file`` caches it: ``read_for_cache``;
* what readers return, before the cache: ``transform_what_readers_return``;
* link replacement: ``intrasite_link_regex``, ``content_being_linked``;
* the writer's pagination: ``pagination_of``, ``paginated_pages``;
* the writer's rendering: ``write_file_held``, ``render_held``;
* Pelican's log messages: ``MESSAGES``, ``recognise``;
* pelican-sitemap's module state: ``reset_sitemap_state``, ``set_sitemap_pages``.

It imports no plugin of ours and no tooling; plugins and the tooling import it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import io
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from pelican.contents import Content


class PelicanInternalChanged(RuntimeError):
    """A Pelican internal this module relies on is not what it was: Pelican was upgraded."""


@contextlib.contextmanager
def internal(name: str) -> Iterator[None]:
    """Turn a missing attribute or key of a Pelican internal into an error naming it."""
    try:
        yield
    except (AttributeError, KeyError, TypeError) as error:
        raise PelicanInternalChanged(
            f"Pelican internal changed: {name} ({type(error).__name__}: {error}); "
            "see kp_common/pelican_compat.py and its tests"
        ) from error


# -- one Pelican, run again ---------------------------------------------------------------------


def run_with_settings(pelican, settings: dict) -> None:
    """Make ``pelican``'s next ``run()`` use ``settings`` (the same settings file, with a
    different cache policy) for its context, its generators and its writer.

    Internal: ``Pelican.run`` reads ``self.settings`` on each run; the other attributes
    ``__init__`` derives from it (path, theme, output path) stay. Public hook: none;
    settings are fixed when the Pelican is made, and a new Pelican registers every plugin
    again and sends ``initialized`` again.
    """
    with internal("Pelican.settings"):
        if not isinstance(pelican.settings, dict):
            raise TypeError("Pelican.settings is not a dict")
        pelican.settings = settings


def made_by(generator, pelican) -> bool:
    """Whether ``generator`` was made by ``pelican``'s current run (signals such as
    ``generator_init`` go to every receiver in the process, for every Pelican).

    Internal: ``Pelican.run`` hands its own settings dict, not a copy, to every generator
    it makes. Public hook: none; a generator keeps no reference to its Pelican.
    """
    return getattr(generator, "settings", None) is pelican.settings


# -- memoised HTML -----------------------------------------------------------------------------

MEMOISED = ("get_content", "get_summary")


@functools.cache  # the memo dict of a class stays the same object (it is cleared in place)
def _memo(cls: type, name: str) -> dict:
    with internal(f"Content.{name} memo (pelican.utils.memoized .cache)"):
        cache = inspect.getattr_static(cls, name).cache
        if not isinstance(cache, dict):
            raise TypeError(f"{type(cache).__name__} is not a dict")
        return cache


def forget_rendered(content) -> None:
    """Drop the memoised HTML of one content object (after changing its ``_content``).

    Internal: ``Content.get_content`` and ``get_summary`` are wrapped in
    ``pelican.utils.memoized``, whose ``cache`` dict on the class is keyed by
    ``(self, *args)``. Public hook: none; Pelican never expects ``_content`` to change
    after it is read, so nothing forgets the memo, and the old HTML would be written.
    """
    for name in MEMOISED:
        cache = _memo(type(content), name)
        for key in [key for key in cache if key and key[0] is content]:
            del cache[key]


def forget_all_rendered() -> None:
    """Empty the memo of every content object (between runs of a long-lived Pelican).

    Internal: as ``forget_rendered``. Public hook: none; the memo lives on the class for
    the life of the process, so a long-lived Pelican (livereload) would hold every post of
    every run and could serve a stale page for an object id Python reused.
    """
    for name in MEMOISED:
        _memo(Content, name).clear()


# -- the raw HTML of a post --------------------------------------------------------------------


def html_source(content) -> str | None:
    """The HTML a reader returned for ``content``, before Pelican resolves ``{filename}``
    and ``{static}`` links and memoises it.

    Internal: ``Content._content``. Public hook: none; ``content.content`` is the memoised,
    link-replaced HTML (and reading it fills the memo), while plugins that rewrite the
    post's HTML (blocks, pictures) must work on the source of it.
    """
    return getattr(content, "_content", None)


def set_html_source(content, html: str) -> None:
    """Replace the HTML ``content`` renders from, and forget what was rendered from the old.

    Internal: ``Content._content`` and the memo (see ``forget_rendered``). Public hook: none
    (see ``html_source``).
    """
    content._content = html
    forget_rendered(content)


# -- the log filter ----------------------------------------------------------------------------


def let_repeated_warnings_through() -> None:
    """Forget which warnings Pelican has already let through in this process.

    Internal: ``pelican.log.LimitFilter._raised_messages`` (a set on the class) and
    ``_group_count`` (a dict on the class), shared by every Pelican logger. A warning
    logged once in the process is dropped after that, so a second build in the same
    process (livereload, the tests) would not see, and not report, a problem that is
    still there. Public hook: none; Pelican builds once per process, or with autoreload
    leaves the repeats out on purpose.
    """
    from pelican.log import LimitFilter

    with internal("pelican.log.LimitFilter._raised_messages/_group_count"):
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()


# -- the readers' cache ------------------------------------------------------------------------


def _reader_cache(readers) -> dict:
    with internal("pelican.cache.FileDataCacher._cache"):
        cache = readers._cache
        if not isinstance(cache, dict):
            raise TypeError(f"{type(cache).__name__} is not a dict")
        return cache


def keep_reads_in_memory(readers) -> None:
    """From now on, check ``readers``' cache by modification time (a stat, where MD5 reads
    the file) and never write it to disk. Entries are re-stamped only if the file's MD5
    still matches the one they were cached with.

    Internal: ``pelican.cache.FileStampDataCacher``: ``_cache`` maps each path to
    ``(stamp, (content, metadata))``, ``_filestamp_func(path)`` makes the stamp, and
    ``save_cache()`` pickles ``_cache``; the reader-level cache is built with
    ``CHECK_MODIFIED_METHOD = "md5"``. Public hook: none; the check method is read once,
    when ``Readers`` is made, and a long-lived Pelican keeps its readers (with their cache)
    across rebuilds, where hashing every file on every edit is the cost to avoid.
    """
    cache = _reader_cache(readers)
    fresh = {}
    with internal("pelican.cache.FileDataCacher._cache entries (stamp, data)"):
        for filename, (stamp, data) in cache.items():
            try:
                with open(filename, "rb") as source:
                    if hashlib.md5(source.read(), usedforsecurity=False).digest() != stamp:
                        continue
                fresh[filename] = (os.path.getmtime(filename), data)
            except OSError:
                continue
    with internal("pelican.cache.FileStampDataCacher._filestamp_func/save_cache"):
        if not callable(readers._filestamp_func) or not callable(readers.save_cache):
            raise TypeError("_filestamp_func or save_cache is not callable")
        readers._cache = fresh
        readers._filestamp_func = os.path.getmtime
        readers.save_cache = lambda: None


def forget_read(readers, path: str | os.PathLike) -> None:
    """Make ``readers`` read ``path`` again next time (so its problems are reported again).

    Internal: ``FileDataCacher._cache``, keyed by the absolute source path. Public hook:
    none; Pelican drops an entry only when the file's stamp changes.
    """
    _reader_cache(readers).pop(os.fspath(path), None)


def has_fresh_read(readers, path: str | os.PathLike) -> bool:
    """Whether ``readers`` hold what their reader returned for ``path`` as it is now (so
    ``Readers.read_file`` will not read it again).

    Internal: ``FileStampDataCacher.get_cached_data(path, default)``, which compares the
    stamp cached with the file's current one. Public hook: none.
    """
    missing = object()
    with internal("pelican.cache.FileStampDataCacher.get_cached_data"):
        return readers.get_cached_data(os.fspath(path), missing) is not missing


def store_read(readers, path: str | os.PathLike, data: tuple) -> None:
    """Hand ``readers`` what their reader returns for ``path`` (``(content, metadata)``,
    as ``read_for_cache`` made it, in another process), so ``Readers.read_file`` uses it
    instead of reading the file; with or without the content cache turned on.

    Internal: ``FileStampDataCacher``: ``_cache`` maps the absolute path to ``(stamp,
    data)``, ``_get_file_stamp(path)`` makes the stamp ``get_cached_data`` compares, and
    ``get_cached_data`` reads ``_cache`` whatever the caching policy (only ``cache_data``
    and ``save_cache`` obey it). Public hook: none; the reader cache is the one place
    where ``read_file`` takes a reader's result instead of calling it.
    """
    path = os.fspath(path)
    cache = _reader_cache(readers)
    with internal("pelican.cache.FileStampDataCacher._get_file_stamp"):
        cache[path] = (readers._get_file_stamp(path), data)


def read_for_cache(readers, path: str | os.PathLike) -> tuple:
    """``(content, metadata)`` as ``Readers.read_file`` would store them in its cache for
    ``path`` (an absolute path): what the reader for its extension returns, discardable
    metadata left out. Nothing else of ``read_file`` happens (no content object, no
    signal), so this can run in a worker process.

    Internal: ``Readers.readers`` (extension -> reader) and
    ``pelican.readers._filter_discardable_metadata``, the two steps ``read_file`` takes
    before ``cache_data``. Public hook: none; ``read_file`` always builds the content
    object and sends signals, which belong to the build's own process.
    """
    from pelican import readers as pelican_readers
    from pelican.utils import file_suffix

    path = os.fspath(path)
    with internal("pelican.readers.Readers.readers/_filter_discardable_metadata"):
        reader = readers.readers[file_suffix(path)]
        content, metadata = reader.read(path)
        return content, pelican_readers._filter_discardable_metadata(metadata)


# -- what readers return -----------------------------------------------------------------------

_TRANSFORMED = "_kp_transformed"  # our mark on a Readers object, so it is wrapped once


def transform_what_readers_return(
    readers, transform: Callable[[str, dict], tuple[str, dict]], *, instead_of_typogrify: bool
) -> bool:
    """Pass what each reader of ``readers`` returns through ``transform(content, metadata)``
    before Pelican caches it; with ``instead_of_typogrify``, Pelican's own TYPOGRIFY pass
    stays off for these readers. Returns False if ``readers`` were transformed already (a
    warm ``Readers`` kept across rebuilds).

    Internal: ``Readers.read_file`` calls ``self.readers[extension].read(path)`` (looked up
    on the reader instance, so an instance attribute replaces it), stores the result in the
    reader cache, and only then runs typogrify if ``self.settings["TYPOGRIFY"]``, the
    Readers' own settings, read on each call. Public hook: ``readers_init`` can only swap
    reader classes, where another plugin (kp_studio) swaps the Markdown class too and the
    order of plugins would decide which wins; ``content_object_init`` runs after the cache,
    so work done there is done again on every build.
    """
    if getattr(readers, _TRANSFORMED, False):
        return False
    with internal("pelican.readers.Readers.readers/settings"):
        if instead_of_typogrify:
            readers.settings = {**readers.settings, "TYPOGRIFY": False}
        for reader in readers.readers.values():
            read_plain = reader.read

            def read(source_path, read_plain=read_plain):
                return transform(*read_plain(source_path))

            reader.read = read
    setattr(readers, _TRANSFORMED, True)
    return True


# -- link replacement --------------------------------------------------------------------------


def intrasite_link_regex(content) -> re.Pattern:
    """The pattern Pelican uses to find ``{filename}``, ``{static}``, ... links in
    ``content``'s HTML, with the groups ``what``, ``value``, ``path`` and ``markup``.

    Internal: ``Content._get_intrasite_link_regex()``. Public hook: none; the pattern is
    built from ``INTRASITE_LINK_REGEX`` and a list of attributes only Pelican knows, and a
    copy would drift from what Pelican replaces.
    """
    try:  # called for every post on every build: no context manager here
        pattern = content._get_intrasite_link_regex()
    except AttributeError as error:
        raise PelicanInternalChanged(
            f"Pelican internal changed: Content._get_intrasite_link_regex ({error})"
        ) from error
    if pattern not in _CHECKED_PATTERNS:
        missing = {"what", "value", "path", "markup"} - set(pattern.groupindex)
        if missing:
            raise PelicanInternalChanged(
                "Pelican internal changed: Content._get_intrasite_link_regex has no group "
                f"{sorted(missing)}"
            )
        _CHECKED_PATTERNS.add(pattern)
    return pattern


_CHECKED_PATTERNS: set[re.Pattern] = set()  # one per INTRASITE_LINK_REGEX setting


LINK_REPLACER = "_link_replacer"


def content_being_linked() -> Content | None:
    """The content object whose links Pelican is replacing right now, if any (called from
    a logging filter while Pelican logs about one of its links).

    Internal: ``Content._link_replacer(self, siteurl, match)``, the method that logs
    "Unable to find ..." with the link but not the file it is in; we find its frame on
    the stack and read its ``self``. Public hook: none; the record carries no path.
    """
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == LINK_REPLACER:
            candidate = frame.f_locals.get("self")
            if isinstance(candidate, Content):
                return candidate
        frame = frame.f_back
    return None


# -- the writer's pagination -------------------------------------------------------------------

# Writer.write_file paginates these keyword arguments when it is given none explicitly.
PAGINATED_BY_DEFAULT = frozenset({"articles", "dates"})


def pagination_of(writer, template_name: str | None, paginated, kwargs: dict) -> dict:
    """What ``Writer.write_file`` would paginate for this call ({} for a single page).

    Internal: ``pelican.writers.Writer.write_file``: with ``paginated=None`` it paginates
    the ``articles`` and ``dates`` keyword arguments, and only for a template in
    ``PAGINATED_TEMPLATES``. Public hook: none; a writer handed over by ``get_writer``
    that writes only some of the pages has to know which pages a call makes.
    """
    if paginated is None:
        paginated = {k: v for k, v in kwargs.items() if k in PAGINATED_BY_DEFAULT}
    if paginated and template_name in writer.settings["PAGINATED_TEMPLATES"]:
        return paginated
    return {}


def paginated_pages(writer, name, url, paginated: dict, template_name: str, kwargs: dict):
    """Each numbered page ``Writer.write_file`` would write for a paginated call, as
    ``(save_as, page_kwargs, object_lists)``: write one with ``Writer.write_file(save_as,
    ..., paginated={}, **page_kwargs)`` and it is the page Pelican would have written.

    Internal: the pagination loop of ``Writer.write_file`` (one ``Paginator`` per
    paginated list, ``per_page`` from ``PAGINATED_TEMPLATES`` or ``DEFAULT_PAGINATION``,
    and the ``<key>_paginator``, ``_page``, ``_previous_page``, ``_next_page`` template
    variables). Public hook: none; ``write_file`` writes every page or none.
    """
    from pelican.paginator import Paginator

    settings = writer.settings
    per_page = settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {
        key: Paginator(name, url, value, settings, per_page) for key, value in paginated.items()
    }
    for page_num in range(next(iter(paginators.values())).num_pages):
        page_kwargs = kwargs.copy()
        object_lists = []
        for key, paginator in paginators.items():
            previous_page = paginator.page(page_num) if page_num > 0 else None
            page = paginator.page(page_num + 1)
            next_page = paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
            page_kwargs.update(
                {
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": previous_page,
                    f"{key}_next_page": next_page,
                }
            )
            object_lists.append(page.object_list)
        yield page.save_as, page_kwargs, object_lists


# -- the writer's rendering --------------------------------------------------------------------


@dataclass
class HeldPage:
    """A page ``Writer.write_file`` would have rendered: where, with what.

    Its template context is kept as a copy of the shared context, shared by every page
    held while that did not change, and the page's own values: a whole copy per page
    (some 200 settings and lists) would cost tens of megabytes at a thousand posts.
    """

    path: str  # the file it is written to (``HELD_MARK`` until rendered)
    template: object  # the Jinja template
    context: dict  # the context handed to ``write_file`` (shared by every page)
    base: dict  # a copy of ``context`` as it was when the page was held
    own: dict  # what the page's context adds to ``base`` or changes in it
    # What the page was asked to show, as ``write_file`` was called: its template's name,
    # the keyword arguments (an ``article``, a ``category``'s ``articles``...) and, for a
    # numbered page of a paginated call, the objects on that page (None when unpaginated).
    template_name: str | None = None
    kwargs: dict = dataclass_field(default_factory=dict)
    object_lists: tuple[list, ...] | None = None

    @property
    def localcontext(self) -> dict:
        """The page's template context, as ``content_written`` receives it (a new dict,
        equal to Pelican's, keys in the same order)."""
        local = self.base.copy()
        local.update(self.own)
        return local


HELD_MARK = "<!-- kp: page %d not rendered yet -->"
_ABSENT = object()


def _unchanged(copy: dict, current: dict) -> bool:
    return len(copy) == len(current) and all(
        current.get(key, _ABSENT) is value for key, value in copy.items()
    )


def write_file_held(writer, held: list[HeldPage], *args, **kwargs) -> None:
    """``Writer.write_file(*args, **kwargs)`` with every page's rendering held back: each
    page goes to ``held`` and its file gets ``HELD_MARK % its index`` (or the writer keeps
    that mark in memory: ``open_held``); ``content_written``
    is not sent (the caller renders with ``render_held``, writes the page and sends it).
    Pagination, file names and the overwrite rules stay Pelican's own.

    Internal: ``Writer.write_file`` renders each page it writes with one
    ``template.render(localcontext)`` (``localcontext["output_file"]`` is the page's name
    under ``output_path``), writes the string returned and then sends ``content_written``
    with the path and ``localcontext``. Public hook: none; a writer from ``get_writer``
    can only replace all of ``write_file``, pagination included.
    """
    from pelican import signals
    from pelican.utils import sanitised_join
    from pelican.writers import Writer

    arguments = inspect.signature(Writer.write_file).bind(writer, *args, **kwargs)
    template = arguments.arguments["template"]
    context = arguments.arguments["context"]
    template_name = arguments.arguments.get("template_name")
    extra = arguments.arguments.get("kwargs", {})
    pagination = pagination_of(writer, template_name, arguments.arguments.get("paginated"), extra)

    class Held:
        def render(self, localcontext: dict) -> str:
            with internal("Writer.write_file's localcontext['output_file']"):
                path = sanitised_join(writer.output_path, localcontext["output_file"])
            last = held[-1] if held else None
            if last is not None and last.context is context and _unchanged(last.base, context):
                base = last.base
            else:
                base = context.copy()
            own = {k: v for k, v in localcontext.items() if base.get(k, _ABSENT) is not v}
            with internal("Writer.write_file's localcontext['<key>_page']"):
                shown = tuple(localcontext[f"{key}_page"].object_list for key in pagination)
            page = HeldPage(path, template, context, base, own, template_name, extra)
            page.object_lists = shown if pagination else None
            held.append(page)
            return HELD_MARK % (len(held) - 1)

    arguments.arguments["template"] = Held()
    with signals.content_written.muted():
        Writer.write_file(*arguments.args, **arguments.kwargs)


class _Mark(io.StringIO):
    """What Pelican writes to a held page's file, kept in ``marks`` instead."""

    def __init__(self, marks: dict[str, str], filename: str):
        super().__init__()
        self._marks, self._filename = marks, filename

    def close(self) -> None:
        if not self.closed:
            self._marks[self._filename] = self.getvalue()
        super().close()


def open_held(writer, marks: dict[str, str], filename: str, override: bool = False):
    """``Writer._open_w(filename, ..., override)`` for a held page (``write_file_held``):
    Pelican's overwrite rules, with what it writes (the page's ``HELD_MARK``) kept in
    ``marks`` rather than in a file, which the worker rendering the page creates: holding
    a thousand pages wrote a thousand files in the build's process, each written again.
    A page Pelican skips (it writes it to ``os.devnull``) leaves no mark.

    Internal: ``Writer._open_w`` and the sets it keeps (``_written_files``,
    ``_overridden_files``); its messages and errors are Pelican's. Public hook: none.
    """
    from pelican.writers import FileOverwriteFailedError

    log = logging.getLogger("pelican.writers")
    with internal("Writer._open_w's _written_files and _overridden_files"):
        written, overridden = writer._written_files, writer._overridden_files
    if filename in overridden:
        if override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
            )
        log.info('Skipping "%s", not overwriting', filename)
        return io.StringIO()  # os.devnull
    if filename in written:
        if not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already '
                "written to it previously (set `override=True` if intended)"
            )
        log.info('Overwriting "%s"', filename)
    if override:
        overridden.add(filename)
    written.add(filename)
    return _Mark(marks, filename)


def render_held(page: HeldPage) -> str:
    """The page as ``Writer.write_file`` would have rendered it then.

    Internal: before rendering, ``write_file`` sets the shared context's
    ``localsiteurl`` to the page's (when it has one), which content objects read to make
    their links relative to the page. Public hook: none.
    """
    localcontext = page.localcontext
    with internal("Writer.write_file's localcontext['localsiteurl']"):
        if localcontext["localsiteurl"]:
            page.context["localsiteurl"] = localcontext["localsiteurl"]
    return page.template.render(localcontext)


# -- Pelican's log messages --------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One warning or error Pelican logs about content: the logger it goes to, how its
    format starts, and what its arguments are (by position; ``*paths`` takes the last
    ``count`` arguments)."""

    logger: str
    start: str
    args: tuple[str, ...]
    contains: str = ""  # told apart from another message with the same start


# Internal: the loggers, texts and argument orders of these log calls in pelican
# (generators.py, contents.py, readers.py, urlwrappers.py, utils.py). Public hook: none;
# Pelican reports these problems only in its log, mostly without the line or the file.
MESSAGES: dict[str, Message] = {
    "could_not_process": Message("pelican.generators", "Could not process %s", ("path",)),
    "missing_property": Message(
        "pelican.contents",
        "Skipping %s: ",
        ("path", "property"),
        contains="could not find information about",
    ),
    "outside_output": Message(
        "pelican.contents",
        "Skipping %s: ",
        ("path", "save_as"),
        contains="would be written outside output path",
    ),
    "unknown_status": Message("pelican.contents", "Unknown status ", ("status", "path")),
    "duplicate_definition": Message(
        "pelican.readers", "Duplicate definition of `%s`", ("key", "path")
    ),
    "empty_alt": Message("pelican.readers", "Empty alt attribute for image", ("image", "path")),
    "unable_to_find": Message("pelican.contents", "Unable to find '%s'", ("target",)),
    "filename_for_static": Message(
        "pelican.contents", "{filename} used for linking to static", ("target", "path")
    ),
    "same_lang": Message(
        "pelican.utils", 'There are %s items "%s" with lang', ("count", "with", "lang", "*paths")
    ),
    "several_originals": Message(
        "pelican.utils",
        "There are %s original (not translated) items",
        ("count", "with", "*paths"),
    ),
    "no_slug": Message(
        "pelican.urlwrappers", "Unable to generate valid slug for", ("kind", "name")
    ),
}

# The loggers to filter to see every one of MESSAGES.
MESSAGE_LOGGERS = tuple(sorted({message.logger for message in MESSAGES.values()}))


def recognise(record: logging.LogRecord) -> tuple[str, dict] | None:
    """``(name, arguments)`` if ``record`` is one of ``MESSAGES``, else None."""
    if not isinstance(record.msg, str):
        return None
    for name, message in MESSAGES.items():
        if not record.msg.startswith(message.start) or message.contains not in record.msg:
            continue
        args = tuple(record.args or ())
        fields = {}
        for position, field in enumerate(message.args):
            if field.startswith("*"):
                count = int(args[0])
                fields[field[1:]] = [str(path) for path in args[len(args) - count :]]
            elif position < len(args):
                fields[field] = args[position]
        return name, fields
    return None


# -- pelican-sitemap ---------------------------------------------------------------------------


def reset_sitemap_state() -> None:
    """Forget the build pelican-sitemap is waiting for.

    Internal: ``pelican.plugins.sitemap.sitemap.generator`` (a module-level
    ``SitemapGenerator``) keeps the Pelican object of the build it serves in
    ``_main_pelican`` and the pages in ``page_queue``, and clears them only in
    ``finalized``. A build that stopped early leaves them set, and every later build in
    the same process (livereload, tests) silently writes no sitemap.xml. Public hook: none.
    """
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    with internal("pelican.plugins.sitemap.sitemap.generator._main_pelican/page_queue"):
        state = sitemap.generator
        if not hasattr(state, "_main_pelican") or not isinstance(state.page_queue, list):
            raise AttributeError("_main_pelican or page_queue")
        state._main_pelican = None
        state.page_queue = []


def set_sitemap_pages(pages: list[tuple[str, object]]) -> None:
    """Make ``pages`` (output path, the post or page shown or None) what pelican-sitemap
    writes at ``finalized``: a rebuild that writes only some pages (livereload) must still
    list all of them, as the full build did.

    Internal: ``pelican.plugins.sitemap.sitemap.generator.page_queue``, filled from
    ``content_written`` (one entry per page written) and read in ``finalized``. Public
    hook: none.
    """
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    with internal("pelican.plugins.sitemap.sitemap.generator.page_queue"):
        if not isinstance(sitemap.generator.page_queue, list):
            raise AttributeError("page_queue")
        sitemap.generator.page_queue = list(pages)


def intrasite_links(content) -> list[tuple[str, str]]:
    """``(what, value)`` of every ``{filename}``/``{static}``/``{attach}``... link written in a
    content object's HTML (``("static", "/images/x.jpg")``), found with Pelican's own pattern
    (see ``intrasite_link_regex``), so we see exactly the links it replaces."""
    raw = html_source(content) or ""
    return [
        (match.group("what"), match.group("value"))
        for match in intrasite_link_regex(content).finditer(raw)
    ]
