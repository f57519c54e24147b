"""kp_validate: every mistake in content or settings becomes a clear error, at build time.

One module per concern; ``register`` only connects them to Pelican's signals, in the
order a build meets them:

* ``pelican_log``: Pelican's own content warnings rewritten in the authors' format;
* ``frontmatter``: UTF-8, title, date, category, duplicate keys, status, empty text
  (before Pelican reads a file);
* ``hero``: the ``Image:`` / ``Image_alt:`` of each post and page;
* ``static_links``: ``{static}`` links that leave the content folder are refused;
* ``published``: what ``content/`` may publish (no active SVG, HTML or script files);
* ``duplicates``: two files written to one place;
* ``allowlist``: what the rendered HTML may contain at all (elements, attributes, what
  loads from where);
* ``links``: images, alt texts and where links lead in the rendered HTML;
* ``prepared``: the HTML those two read, tokenised on every core in a cold build.

Errors go through ``kp_common.errors.report``; the build driver fails the build on any.
"""

from __future__ import annotations

from kp_common.settings import safe_url  # re-exported for block authors
from pelican import signals

from . import (
    allowlist,
    duplicates,
    frontmatter,
    hero,
    links,
    pelican_log,
    prepared,
    published,
    static_links,
    targets,
)
from .state import forget_reports, reset

__all__ = ["register", "safe_url"]


def start(pelican) -> None:
    reset(pelican.settings["PATH"])
    pelican_log.install()


def check_everything_read(generators) -> None:
    outputs = targets.collect(generators)
    duplicates.check_output_paths(generators, outputs)
    prepared.prepare(generators)  # the HTML of a cold build tokenised on every core
    try:
        allowlist.check_all(generators)
        links.check_all(generators, outputs)
    finally:
        prepared.forget()


def register():
    signals.initialized.connect(start)
    signals.get_generators.connect(forget_reports)
    signals.article_generator_init.connect(frontmatter.check_article_sources)
    signals.page_generator_init.connect(frontmatter.check_page_sources)
    signals.content_object_init.connect(frontmatter.leave_out_unwritable)
    signals.content_object_init.connect(hero.check_lead_image)
    signals.article_generator_finalized.connect(static_links.refuse_outside_links)
    signals.page_generator_finalized.connect(static_links.refuse_outside_links)
    signals.static_generator_finalized.connect(published.refuse_active_files)
    signals.all_generators_finalized.connect(check_everything_read)
