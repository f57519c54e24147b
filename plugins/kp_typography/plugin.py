"""kp_typography: curly quotes, dashes, ellipses, no widows, cheaply.

Pelican's ``TYPOGRIFY = True`` runs typogrify over every page's HTML, and SmartyPants in
it is the single largest cost of our build (about a third of a cold build at 1,000
posts). This plugin does the same job with ``typography.typeset``, which gives the same
bytes faster, at the same point of the pipeline: on what each reader returns (content,
title, summary), before Pelican's reader cache stores it, so a warm build does not
typeset again. (Pelican applies typogrify after the reader cache, on every build.)

Settings: Pelican's own. With ``TYPOGRIFY`` on and this plugin loaded, the plugin
typesets instead of Pelican (``TYPOGRIFY_IGNORE_TAGS`` is obeyed); with it off, nothing is
typeset. With ``TYPOGRIFY_OMIT_FILTERS`` or a non-default ``TYPOGRIFY_DASHES``,
typogrify's own filters are used, unchanged.
"""

from __future__ import annotations

import logging

from kp_common.pelican_compat import transform_what_readers_return
from pelican import signals

from .typography import typeset

logger = logging.getLogger(__name__)


def make_typesetter(settings: dict):
    """The function to apply to content, title and summary, for these settings."""
    ignore_tags = list(settings.get("TYPOGRIFY_IGNORE_TAGS", []))
    omitted = settings.get("TYPOGRIFY_OMIT_FILTERS", [])
    if omitted or settings.get("TYPOGRIFY_DASHES", "default") != "default":
        import smartypants
        from typogrify.filters import typogrify

        attrs = {"oldschool": "set2", "oldschool_inverted": "set3"}
        dashes = settings.get("TYPOGRIFY_DASHES", "default")
        smartypants.Attr.default = getattr(smartypants.Attr, attrs.get(dashes, "set1"))
        filters = dict.fromkeys(omitted, False)
        return lambda text: typogrify(text, ignore_tags, **filters)
    return lambda text: typeset(text, ignore_tags)


def typeset_output(typeset):
    """What to pass a reader's ``(content, metadata)`` through: typeset content, title and
    summary."""

    def transform(content, metadata):
        if content:
            content = typeset(content)
        for field in ("title", "summary"):
            if isinstance(metadata.get(field), str):
                metadata[field] = typeset(metadata[field])
        return content, metadata

    return transform


def _enabled(settings: dict) -> bool:
    """Signals outlive a build: in a process that builds twice, obey this build's PLUGINS."""
    names = {getattr(p, "__name__", p) for p in settings.get("PLUGINS") or []}
    return bool(names & {"kp_typography", __package__})


def install(generator) -> None:
    """``generator_init``: typeset what the generator's readers return, before Pelican's
    reader cache stores it, instead of Pelican's own pass (see
    ``pelican_compat.transform_what_readers_return``). Other plugins may swap reader classes
    in ``readers_init`` (kp_studio does); by now those are in place."""
    readers = getattr(generator, "readers", None)
    if readers is None or not _enabled(generator.settings):
        return
    if not generator.settings.get("TYPOGRIFY"):
        return
    # Pelican's own pass stays off for these readers only: the site's settings keep
    # TYPOGRIFY on, and plugins that typeset their own text (kp_studio) read it there.
    transform_what_readers_return(
        readers, typeset_output(make_typesetter(generator.settings)), instead_of_typogrify=True
    )


def register():
    signals.generator_init.connect(install)
