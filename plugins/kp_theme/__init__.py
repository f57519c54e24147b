"""kp_theme: what the theme reads, computed in Python.

* On ``initialized``: the settings layer (``kp_common.settings``) parses and checks every
  setting of ours once, so each mistake is reported at the start of the build.
* On ``generator_init``: the templates get the parsed values as globals (``studio``,
  ``menu``, ``newsletter``) and the one URL helper as the ``url`` filter
  (``kp_common.urls``), so no template joins ``SITEURL`` and a path by hand.
* On ``content_written``, with ``RELATIVE_URLS`` only: the URLs plugins computed as site
  paths are made relative to the page just written (``kp_common.urls.relativize``).
"""

from __future__ import annotations

from pathlib import Path

from kp_common.files import replace_file
from kp_common.settings import site_settings
from kp_common.urls import relativize, url_filter
from pelican import signals


def check_settings(pelican) -> None:
    site_settings(pelican.settings)


def add_template_values(generator) -> None:
    parsed = site_settings(generator.settings)
    generator.env.globals.update(
        studio=parsed.studio,
        menu=parsed.menu,
        newsletter=parsed.studio.newsletter if parsed.studio else None,
    )
    generator.env.filters["url"] = url_filter


def relative_page_urls(path: str, context: dict) -> None:
    if not context.get("RELATIVE_URLS") or not path.endswith(".html"):
        return
    page = Path(path)
    html = page.read_text(encoding="utf-8")
    relative = relativize(html, context.get("SITEURL") or ".")
    if relative != html:
        replace_file(page, relative.encode("utf-8"))


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.generator_init.connect(add_template_values)
    signals.content_written.connect(relative_page_urls)
