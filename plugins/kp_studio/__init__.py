"""kp studios' Pelican plugin: author blocks, the AI-edit comparison, the call to action.

Modules, one concern each:

* ``blocks``        the shared block mechanism (``/// name | argument`` + YAML options);
                    its docstring explains how to add a block such as ``/// video``.
* ``source``        file and line of every block, for error messages.
* ``render``        placeholders -> theme partials (``partials/NAME.html``), after reading.
* ``compare``       ``/// compare``: before/after slider with a "what changed" overlay.
* ``diffimage``     the cached build-time pixel difference behind that overlay.
* ``faces``         what the edit did to the face: identity, reshaping, skin texture.
* ``facemap``       the face map drawn from those measurements, over the after image.
* ``consultation``  the call to action, per article and as ``/// consultation``.
* ``gallery``       ``/// gallery``: thumbnails linking to full images; lightbox with JS.
* ``aspect``        a photo's shape as a CSS class (justified portfolio rows).
* ``portfolio_strip`` the home page's strip of portfolio photos (``STUDIO["portfolio"]``).
* ``faq``           ``/// faq``: questions as ``<details>``, with FAQPage JSON-LD.
* ``studio_data``   testimonials and packages from ``content/data/*.yaml``, validated.
* ``data_blocks``   ``/// testimonials`` and ``/// packages``: that data, in a page.
* ``datafile``      YAML that remembers lines, for ``file:line`` errors in data files.
* ``imagefile``     is it a web image, and how big is it shown.
* ``metadata``      published images carry no GPS, serials, owner or history.
Settings (``STUDIO["consultation"]``, ``KP_STUDIO``) come from ``kp_common.settings``, and
errors are reported through ``kp_common.errors`` (``file:line``, problem, how to fix).

All markup lives in the theme (``theme/templates/partials/``); this package parses,
validates and hands data over.
"""

from __future__ import annotations

from pelican import signals

from . import compare, consultation, data_blocks, faq, gallery, video  # noqa: F401  (register blocks)
from .blocks import StudioBlocksExtension
from .metadata import clean_output, forget_clean_images, warn_about_gps
from .render import render_articles, render_pages
from .source import install_reader
from .studio_data import load_studio_data


def add_markdown_extension(pelican) -> None:
    """Enable our blocks in Pelican's Markdown, keeping the configured extensions."""
    settings = pelican.settings
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(extension, StudioBlocksExtension) for extension in extensions):
        extensions.append(StudioBlocksExtension())


def register() -> None:
    signals.initialized.connect(add_markdown_extension)
    signals.initialized.connect(load_studio_data)
    signals.initialized.connect(forget_clean_images)
    signals.readers_init.connect(install_reader)
    signals.article_generator_finalized.connect(render_articles)
    signals.page_generator_finalized.connect(render_pages)
    signals.static_generator_finalized.connect(warn_about_gps)
    signals.finalized.connect(clean_output)
