"""A long-lived Pelican for ``invoke livereload``: after one full build, an edited post
costs a re-read of that one file and a rewrite of the pages that show it.

Pelican rebuilds everything on every change: it re-reads (or un-pickles) every source
file and re-renders every page. ``SiteSession`` keeps what does not change between two
edits in memory:

* the readers' cache (Pelican's own, keyed by each file's MD5), so only changed files
  are parsed again; every content object is still built afresh and every plugin signal
  still fires, in the order Pelican sends them;
* the output folder, rewritten in place;
* the plugins' per-post results (``kp_common.memo``: resolved paths, lines of a post's
  source), used during the session's runs only: an edit forgets the edited files'
  entries, a full rebuild forgets them all.

What is written after an edit: the edited post or page and the pages that show it, or
everything when the edit can move things around (the rules are ``sitetools.edits``,
shared with the build driver's reuse of its last output).

Site-wide work at the end of a run (``finalized``: the sitemap, redirects, robots.txt, the
metadata sweep of the output's images) does not change what the edited page shows, so a
rebuild asked to (``rebuild(..., later=True)``, as livereload does) holds it back and
``finish()`` runs it once the browser has been told to reload; its problems are reported
then. A rebuild that writes only some pages still gives pelican-sitemap every page of the
site (the last full build's list, with this run's posts).

A change to settings or plugin code needs a fresh process (Python keeps the old code);
``sitetools.livereload`` restarts itself for those.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kp_common import memo
from kp_common.pelican_compat import (
    forget_all_rendered,
    forget_read,
    keep_reads_in_memory,
    made_by,
    paginated_pages,
    pagination_of,
    run_with_settings,
    set_sitemap_pages,
)
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.writers import Writer

from sitetools.build import ProblemCollector, content_cache_settings, load_settings
from sitetools.edits import RebuildPlan, listed_fields
from sitetools.parallel import ParallelReading

logger = logging.getLogger(__name__)

# ``finalized`` handlers whose work is site-wide and shows in no page the author is looking
# at: run after the reload (module, function name). kp_images' derivatives, kp_assets'
# fingerprinted files and kp_search (already in the background) stay before it.
SITE_WIDE_AT_THE_END = {
    ("pelican.plugins.sitemap.sitemap", "finalize"),
    ("kp_redirects.redirects", "write_redirects"),
    ("kp_seo.seo", "write_robots"),
    ("kp_studio.metadata", "clean_output"),
}


def _site_wide(receiver) -> bool:
    name = (getattr(receiver, "__module__", ""), getattr(receiver, "__name__", ""))
    return name in SITE_WIDE_AT_THE_END


class SelectiveWriter(Writer):
    """Pelican's writer, writing only what ``plan`` asks for."""

    def __init__(self, output_path, settings, plan: RebuildPlan):
        super().__init__(output_path, settings=settings)
        self.plan = plan
        self.written: list[str] = []

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        write = super().write_file
        if self.plan.full:
            self.written.append(name)
            return write(
                name,
                template,
                context,
                relative_urls,
                paginated,
                template_name,
                override_output,
                url,
                **kwargs,
            )
        pagination = pagination_of(self, template_name, paginated, kwargs)
        if pagination:
            return self._write_pages_showing_changes(
                name,
                template,
                context,
                relative_urls,
                pagination,
                template_name,
                override_output,
                url,
                kwargs,
            )
        if self.plan.renders(template_name, kwargs, None, self.settings["DIRECT_TEMPLATES"]):
            self.written.append(name)
            write(
                name,
                template,
                context,
                relative_urls,
                {},
                template_name,
                override_output,
                url,
                **kwargs,
            )

    def _write_pages_showing_changes(
        self,
        name,
        template,
        context,
        relative_urls,
        paginated,
        template_name,
        override_output,
        url,
        kwargs,
    ):
        """Pelican's pagination, writing only the numbered pages whose object list holds
        changed content. The plan is not full, so no content moved: every other page is
        as it was."""
        if not any(self.plan.refers_to_changed(list(v)) for v in paginated.values()):
            return
        pages = paginated_pages(self, name, url, paginated, template_name, kwargs)
        for save_as, page_kwargs, object_lists in pages:
            if any(self.plan.refers_to_changed(objects) for objects in object_lists):
                self.written.append(save_as)
                super().write_file(
                    save_as,
                    template,
                    context,
                    relative_urls,
                    {},
                    template_name,
                    override_output,
                    url,
                    **page_kwargs,
                )


@dataclass
class RebuildResult:
    plan: RebuildPlan
    written: list[str]
    problems: list[str]
    seconds: float
    cpu_seconds: float = 0.0


class SiteSession:
    """Pelican kept warm between rebuilds; see the module docstring.

    Each rebuild is a real ``Pelican.run()``; the session takes part through Pelican's
    public signals, for its own Pelican only:

    * ``generator_init``: a generator gets the warm Jinja environment, and the article and
      page generators the warm readers (after the first build);
    * ``all_generators_finalized``: the warm readers' cache is kept in memory (first build),
      the plan is made full if an edit moved things, and what was read is remembered;
    * ``get_writer``: Pelican writes through a ``SelectiveWriter`` following the plan.
    """

    def __init__(
        self,
        settings_file: str | os.PathLike,
        output: str | os.PathLike,
        overrides: dict | None = None,
    ):
        self.settings_file = Path(settings_file)
        self.output = Path(output).resolve()
        overrides = dict(overrides or {})
        base = load_settings(self.settings_file, overrides)
        cache = content_cache_settings(self.settings_file, base)
        overrides = {
            **cache,
            **overrides,
            "OUTPUT_PATH": str(self.output),
            "DELETE_OUTPUT_DIRECTORY": False,
            # The page and the reload come first; the search index follows a moment later.
            "KP_SEARCH_BACKGROUND": True,
        }
        self.settings = load_settings(self.settings_file, overrides)
        self.content_root = Path(self.settings["PATH"]).resolve()
        self.pelican = Pelican(self.settings)  # registers the plugins (and sets PLUGINS)
        # The first build reads on every core; after that, an edit's few files are read
        # here (sitetools.parallel reads serially below its MIN_FILES).
        self._reading = ParallelReading(self.pelican)
        # After the first build, warm readers replace the generators' own: those load no
        # disk cache and hash nothing. A static file is copied again only if its source is
        # newer (Pelican copies every one by default, and each copy is then cleaned of
        # metadata again).
        self._cold_settings = self.settings
        self._warm_settings = {
            **self.settings,
            "LOAD_CONTENT_CACHE": False,
            "CACHE_CONTENT": False,
            "CHECK_MODIFIED_METHOD": "mtime",
            "STATIC_CHECK_IF_MODIFIED": True,
        }
        self._warm_readers: dict[type, object] = {}
        self._in_memory: set[int] = set()  # ids of warm readers whose cache is in memory
        self._listed: dict[str, tuple] = {}  # source path -> fields listings depend on
        self._contents_before: dict[str, Content] = {}
        self._envs: dict[type, object] = {}  # Jinja environments, templates compiled once
        self._plan = RebuildPlan(full=True)
        self._writer: SelectiveWriter | None = None
        # Blinker holds these bound methods weakly: they go with the session.
        signals.generator_init.connect(self._warm_generator)
        signals.all_generators_finalized.connect(self._after_reading)
        signals.get_writer.connect(self._writer_class, sender=self.pelican)
        signals.content_written.connect(self._page_written)
        self._running = False
        self._pages: list[tuple[str, Content | None]] = []  # what this run wrote
        self._all_pages: dict[str, str | None] = {}  # every page: its post's source, if any
        self._held: list = []  # site-wide ``finalized`` work not yet done

    # -- public --------------------------------------------------------------------------

    def build(self) -> RebuildResult:
        """A full build (the first, or after a change that can affect any page)."""
        return self._run(RebuildPlan(full=True, reason="full build"))

    def rebuild(
        self, changed_files: Iterable[str | os.PathLike], later: bool = False
    ) -> RebuildResult:
        """Rebuild after ``changed_files`` (absolute paths) changed, were added or removed.

        ``later``: hold the site-wide work back until ``finish()`` (after the reload)."""
        return self._run(self.plan_for([Path(p) for p in changed_files]), later)

    def finish(self) -> list[str]:
        """Do the site-wide work a ``later`` rebuild held back; its problems."""
        held, self._held = self._held, []
        if not held:
            return []
        collector = ProblemCollector()
        logging.getLogger().addHandler(collector)
        try:
            for receiver in held:
                try:
                    receiver(self.pelican)
                except Exception as error:
                    logger.error("the rebuild stopped: %s", error, exc_info=True)
        finally:
            logging.getLogger().removeHandler(collector)
        return collector.problems

    def plan_for(self, changed_files: list[Path]) -> RebuildPlan:
        if not self._warm_readers:
            return RebuildPlan(full=True, reason="no build yet")
        changed: set[str] = set()
        for path in changed_files:
            path = path.resolve()
            if not path.is_relative_to(self.content_root):
                return RebuildPlan(full=True, reason=f"{path.name} is not content")
            relative = str(path.relative_to(self.content_root))
            if relative not in self._contents_before or not path.is_file():
                return RebuildPlan(full=True, reason=f"{relative} was added or removed")
            changed.add(relative)
        return RebuildPlan(full=False, changed=changed, reason="content edited")

    # -- the run -------------------------------------------------------------------------

    def _warm_generator(self, generator) -> None:
        """``generator_init``: the warm Jinja environment (Jinja reloads a template whose
        file changed, so one per generator class will do) and the warm readers."""
        if not made_by(generator, self.pelican):  # signals reach every receiver
            return
        if hasattr(generator, "env"):
            generator.env = self._envs.setdefault(type(generator), generator.env)
        if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
            readers = self._warm_readers.get(type(generator))
            if readers is not None:
                generator.readers = readers
            else:
                self._warm_readers[type(generator)] = generator.readers

    def _after_reading(self, generators) -> None:
        """``all_generators_finalized``: every file is read, nothing is written yet."""
        if not generators or not made_by(generators[0], self.pelican):
            return
        for readers in self._warm_readers.values():
            if id(readers) not in self._in_memory:
                keep_reads_in_memory(readers)
                self._in_memory.add(id(readers))
        context = generators[0].context
        if not self._plan.full:
            self._plan = self._plan.escalated(self._contents(context), self._listed, self.settings)
        self._remember(context, self._plan)

    def _page_written(self, path, context=None) -> None:
        """``content_written`` (any Pelican's: only ours while it runs)."""
        if self._running:
            self._pages.append(
                (path, (context or {}).get("article") or (context or {}).get("page"))
            )

    def _sitemap_pages(self, plan: RebuildPlan, contents: dict[str, Content]) -> None:
        """Every page of the site for pelican-sitemap, as a full build would list them."""
        if plan.full:
            self._all_pages = {
                path: (obj.source_path if obj is not None else None) for path, obj in self._pages
            }
            return
        by_source = {c.source_path: c for c in contents.values()}
        written = dict(self._pages)
        pages = []
        for path, source in self._all_pages.items():
            obj = by_source.get(source) if source else None
            pages.append((path, written.get(path, obj)))
        set_sitemap_pages(pages)

    def _writer_class(self, pelican) -> type:
        """``get_writer`` (sent by our Pelican only): a writer following this run's plan."""
        session = self

        class SessionWriter(SelectiveWriter):
            def __init__(self, output_path, settings):
                super().__init__(output_path, settings, session._plan)
                session._writer = self

        return SessionWriter

    def _run(self, plan: RebuildPlan, later: bool = False) -> RebuildResult:
        earlier = self.finish()  # an earlier rebuild's held work comes first
        started, cpu_started = time.perf_counter(), time.process_time()
        forget_all_rendered()  # Pelican's memo would hold every post of every run
        collector = ProblemCollector()
        logging.getLogger().addHandler(collector)
        written: list[str] = []
        self._plan, self._writer = plan, None
        if plan.full:
            memo.forget()
        else:
            memo.forget(os.path.join(self.content_root, p) for p in plan.changed)
        memo.keep(True)
        self._running, self._pages = True, []
        run_with_settings(
            self.pelican, self._warm_settings if self._warm_readers else self._cold_settings
        )
        try:
            # ``finalized`` is sent below, after the pages are listed for the sitemap, and
            # its site-wide part may wait (``later``).
            with signals.finalized.muted():
                self.pelican.run()
            written = self._writer.written if self._writer is not None else []
            self._sitemap_pages(self._plan, self._contents_before)
            at_the_end = list(signals.finalized.receivers_for(self.pelican))
            self._held = [r for r in at_the_end if _site_wide(r)]
            for receiver in at_the_end:
                if not _site_wide(receiver):
                    receiver(self.pelican)
            if not later:
                collector.problems.extend(self.finish())
        except Exception as error:
            logger.error("the rebuild stopped: %s", error, exc_info=True)
        finally:
            self._running = False
            memo.keep(False)
            logging.getLogger().removeHandler(collector)
        plan = self._plan
        if collector.problems:
            # Read the files again next time, so their problems are reported again.
            for readers in self._warm_readers.values():
                for relative in plan.changed:
                    forget_read(readers, os.path.join(self.content_root, relative))
        return RebuildResult(
            plan,
            written,
            earlier + collector.problems,
            time.perf_counter() - started,
            time.process_time() - cpu_started,
        )

    @staticmethod
    def _contents(context: dict) -> dict[str, Content]:
        """Every post and page read (any status), by source path relative to PATH."""
        return dict(context["generated_content"])

    def _remember(self, context: dict, plan: RebuildPlan) -> None:
        """What the next edit is compared with; pages of posts that are gone are deleted."""
        contents = self._contents(context)
        if plan.full:
            for path, old in self._contents_before.items():
                new = contents.get(path)
                if new is None or new.save_as != old.save_as or new.status != old.status:
                    stale = self.output / old.save_as if old.save_as else None
                    if stale is not None and stale.is_file():
                        stale.unlink()
        self._listed = {path: listed_fields(c, self.settings) for path, c in contents.items()}
        self._contents_before = contents
