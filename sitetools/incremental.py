"""A long-lived Pelican for ``invoke livereload``: after one full build, an edited post
costs a re-read of that one file and a rewrite of the pages that show it.

Pelican rebuilds everything on every change: it re-reads (or un-pickles) every source
file and re-renders every page. ``SiteSession`` keeps what does not change between two
edits in memory:

* the readers' cache (Pelican's own, keyed by each file's MD5), so only changed files
  are parsed again; every content object is still built afresh and every plugin signal
  still fires, in the order Pelican sends them;
* the output folder, rewritten in place.

What is written after an edit (``RebuildPlan``):

* the edited post or page;
* every page whose template context refers to it: listing pages (home, blog index,
  category, tag and author pages) that show it, only the numbered pages that hold it,
  and any other post that links to it through its template context (neighbours);
* every page made from ``DIRECT_TEMPLATES`` (home, archives, tags, ...: few and cheap);
* everything, when the edit could move things around or change pages that do not
  refer to it: a changed slug, URL, date, status, category, tag, author or language, a
  post's or page's title when pages are listed in the menu, a file added or removed,
  or any change to the theme or to a file Pelican does not read as content.

A change to settings or plugin code needs a fresh process (Python keeps the old code);
``sitetools.livereload`` restarts itself for those.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kp_common.pelican_compat import forget_all_rendered
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.paginator import Paginator
from pelican.writers import Writer

from sitetools.build import ProblemCollector, content_cache_settings, load_settings

logger = logging.getLogger(__name__)

# Metadata whose change can move a post between or within listings, or change its URL.
STRUCTURAL_FIELDS = (
    "slug",
    "date",
    "status",
    "category",
    "tags",
    "authors",
    "lang",
    "translation",
    "template",
    "override_url",
    "override_save_as",
)


@dataclass
class RebuildPlan:
    """Which outputs a rebuild writes; ``full`` means all of them."""

    full: bool
    changed: set[str] = field(default_factory=set)  # source paths relative to PATH
    reason: str = ""
    # The changed content objects of this run, by id (set once they are read).
    changed_ids: set[int] = field(default_factory=set)

    def refers_to_changed(self, value) -> bool:
        if isinstance(value, Content):
            return id(value) in self.changed_ids
        if isinstance(value, (list, tuple)):
            return any(id(item) in self.changed_ids for item in value)
        return False

    def content_refers_to_changed(self, content: Content) -> bool:
        """The content itself changed, or one of its attributes points at changed content
        (a neighbour set by a plugin, say)."""
        if id(content) in self.changed_ids:
            return True
        return any(self.refers_to_changed(value) for value in vars(content).values())


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
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return self._write_pages_showing_changes(
                name,
                template,
                context,
                relative_urls,
                paginated,
                template_name,
                override_output,
                url,
                kwargs,
            )
        direct = template_name in self.settings["DIRECT_TEMPLATES"]
        referred = any(
            self.plan.content_refers_to_changed(value)
            if isinstance(value, Content)
            else self.plan.refers_to_changed(value)
            for value in kwargs.values()
        )
        if direct or referred:
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
        """Pelican's pagination (writers.Writer.write_file), writing only the numbered
        pages whose object list holds changed content. The plan is not full, so no
        content moved: every other page is as it was."""
        if not any(self.plan.refers_to_changed(list(v)) for v in paginated.values()):
            return
        per_page = (
            self.settings["PAGINATED_TEMPLATES"][template_name]
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginators = {
            key: Paginator(name, url, value, self.settings, per_page)
            for key, value in paginated.items()
        }
        for page_num in range(next(iter(paginators.values())).num_pages):
            paginated_kwargs = kwargs.copy()
            shows_change = False
            for key, paginator in paginators.items():
                previous_page = paginator.page(page_num) if page_num > 0 else None
                page = paginator.page(page_num + 1)
                next_page = (
                    paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                )
                paginated_kwargs.update(
                    {
                        f"{key}_paginator": paginator,
                        f"{key}_page": page,
                        f"{key}_previous_page": previous_page,
                        f"{key}_next_page": next_page,
                    }
                )
                shows_change = shows_change or self.plan.refers_to_changed(page.object_list)
            if shows_change:
                self.written.append(page.save_as)
                super().write_file(
                    page.save_as,
                    template,
                    context,
                    relative_urls,
                    {},
                    template_name,
                    override_output,
                    url,
                    **paginated_kwargs,
                )


def _listed_fields(content: Content, settings: dict) -> tuple:
    """What listings and URLs depend on, from plain attributes (URL properties are slow,
    and with the settings unchanged they follow from these)."""
    values = [str(getattr(content, name, None)) for name in STRUCTURAL_FIELDS]
    # A page's title shows in every page's menu when pages are on the menu.
    if type(content).__name__ == "Page" and settings.get("DISPLAY_PAGES_ON_MENU"):
        values.append(str(getattr(content, "title", None)))
    return tuple(values)


def _switch_to_mtime(readers) -> None:
    """Check the warm cache by modification time from now on (a stat, where MD5 reads
    the file). Entries are re-stamped only if their MD5 still matches."""
    fresh = {}
    for filename, (stamp, data) in readers._cache.items():
        try:
            with open(filename, "rb") as source:
                if hashlib.md5(source.read(), usedforsecurity=False).digest() != stamp:
                    continue
            fresh[filename] = (os.path.getmtime(filename), data)
        except OSError:
            continue
    readers._cache = fresh
    readers._filestamp_func = os.path.getmtime
    readers.save_cache = lambda: None  # the cache lives in memory from now on


@dataclass
class RebuildResult:
    plan: RebuildPlan
    written: list[str]
    problems: list[str]
    seconds: float
    cpu_seconds: float = 0.0


class SiteSession:
    """Pelican kept warm between rebuilds; see the module docstring."""

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
        self.pelican = Pelican(self.settings)
        self._warm_readers: dict[type, object] = {}
        self._listed: dict[str, tuple] = {}  # source path -> fields listings depend on
        self._contents_before: dict[str, Content] = {}
        self._envs: dict[type, object] = {}  # Jinja environments, templates compiled once

    # -- public --------------------------------------------------------------------------

    def build(self) -> RebuildResult:
        """A full build (the first, or after a change that can affect any page)."""
        return self._run(RebuildPlan(full=True, reason="full build"))

    def rebuild(self, changed_files: Iterable[str | os.PathLike]) -> RebuildResult:
        """Rebuild after ``changed_files`` (absolute paths) changed, were added or removed."""
        return self._run(self.plan_for([Path(p) for p in changed_files]))

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

    def _generators(self, context: dict) -> list:
        first = not self._warm_readers
        settings = self.settings
        if not first:
            # Warm readers replace these generators' own: load no disk cache, hash nothing.
            settings = {
                **settings,
                "LOAD_CONTENT_CACHE": False,
                "CACHE_CONTENT": False,
                "CHECK_MODIFIED_METHOD": "mtime",
                # Copy a static file again only if its source is newer (Pelican copies every
                # one by default, and each copy is then cleaned of metadata again).
                "STATIC_CHECK_IF_MODIFIED": True,
            }
        generators = [
            cls(
                context=context,
                settings=settings,
                path=self.pelican.path,
                theme=self.pelican.theme,
                output_path=self.pelican.output_path,
            )
            for cls in self.pelican._get_generator_classes()
        ]
        for generator in generators:
            # Jinja reloads a template whose file changed, so one environment will do.
            if hasattr(generator, "env"):
                generator.env = self._envs.setdefault(type(generator), generator.env)
            readers = self._warm_readers.get(type(generator))
            if readers is not None:
                generator.readers = readers
            elif hasattr(generator, "readers") and isinstance(
                generator, (ArticlesGenerator, PagesGenerator)
            ):
                self._warm_readers[type(generator)] = generator.readers
        return generators

    def _run(self, plan: RebuildPlan) -> RebuildResult:
        started, cpu_started = time.perf_counter(), time.process_time()
        forget_all_rendered()  # Pelican's memo would hold every post of every run
        collector = ProblemCollector()
        logging.getLogger().addHandler(collector)
        written: list[str] = []
        first = not self._warm_readers
        try:
            context = self.settings.copy()
            context["generated_content"] = {}
            context["static_links"] = set()
            context["static_content"] = {}
            context["localsiteurl"] = self.settings["SITEURL"]
            generators = self._generators(context)
            for generator in generators:
                if hasattr(generator, "generate_context"):
                    generator.generate_context()
                if hasattr(generator, "check_disabled_readers"):
                    generator.check_disabled_readers()
            if first:
                for readers in self._warm_readers.values():
                    _switch_to_mtime(readers)
            if not plan.full:
                plan = self._escalate(plan, context)
            self._remember(context, plan)
            signals.all_generators_finalized.send(generators)
            for generator in generators:
                if hasattr(generator, "refresh_metadata_intersite_links"):
                    generator.refresh_metadata_intersite_links()
            writer = SelectiveWriter(self.pelican.output_path, self.settings, plan)
            for generator in generators:
                if hasattr(generator, "generate_output"):
                    generator.generate_output(writer)
            signals.finalized.send(self.pelican)
            written = writer.written
        except Exception as error:
            logger.error("the rebuild stopped: %s", error, exc_info=True)
        finally:
            logging.getLogger().removeHandler(collector)
        if collector.problems:
            # Read the files again next time, so their problems are reported again.
            for readers in self._warm_readers.values():
                for relative in plan.changed:
                    readers._cache.pop(os.path.join(self.content_root, relative), None)
        return RebuildResult(
            plan,
            written,
            collector.problems,
            time.perf_counter() - started,
            time.process_time() - cpu_started,
        )

    @staticmethod
    def _contents(context: dict) -> dict[str, Content]:
        """Every post and page read (any status), by source path relative to PATH."""
        return dict(context["generated_content"])

    def _escalate(self, plan: RebuildPlan, context: dict) -> RebuildPlan:
        """A full plan if an edit changed what listings or URLs depend on."""
        contents = self._contents(context)
        for relative in plan.changed:
            content = contents.get(relative)
            if content is None:
                return RebuildPlan(True, plan.changed, f"{relative} is no longer published")
            if _listed_fields(content, self.settings) != self._listed.get(relative):
                return RebuildPlan(True, plan.changed, f"{relative}: URL, date or listing")
            plan.changed_ids.add(id(content))
        return plan

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
        self._listed = {path: _listed_fields(c, self.settings) for path, c in contents.items()}
        self._contents_before = contents
