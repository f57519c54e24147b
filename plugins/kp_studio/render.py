"""Replace block placeholders with theme partials, after Pelican has read the content.

Runs on ``article_generator_finalized`` and ``page_generator_finalized``: by then every
content object exists, whether it was just read or loaded from Pelican's content cache
(the cache is saved just before these signals, so it keeps the placeholders and a cached
post is checked and rendered again on every build), and the generator's Jinja ``env``
holds the theme. Each placeholder becomes ``env.get_template("partials/NAME.html")``
rendered with the variables the block's ``prepare()`` returns. Parse errors stored in
placeholders are reported here, with the content's file and the block's line.

Each content object gets ``kp_components``, the set of block names it renders, so the
theme loads a component's CSS and JS only where it is used; articles also get ``cta``
(see ``consultation.py``); pages also get ``kp_galleries``, the data of their
``/// gallery`` blocks, for the home page's portfolio strip (``portfolio_strip.py``).

In a livereload session (``kp_common.memo``) what a post's placeholders became is
remembered, keyed by the post and its HTML, with the photos and theme files its partials
planned (``kp_common.forked.noting``): a rebuild after an edit renders the edited post's
blocks and plans the others' photos again from what was kept, instead of measuring every
comparison's images again (a third of a rebuild at 1,000 posts with a hundred
comparisons). A post whose blocks reported anything is rendered again every time, so its
messages are too. The session forgets every entry when an image, a template or any file
other than a post's changes.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from kp_common.contents import all_content
from kp_common.errors import report
from kp_common.forked import ProblemsSeen, noting, replay, replaying
from kp_common.memo import memo
from kp_common.pelican_compat import html_source, set_html_source
from kp_common.settings import StudioSettings, studio_settings

from .blocks import PLACEHOLDER_CLASS, REGISTRY

PLACEHOLDER = re.compile(
    rf'<div class="{PLACEHOLDER_CLASS}"(?P<attrs>[^>]*)>(?P<body>.*?)</div>', re.DOTALL
)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


@dataclass
class RenderContext:
    """What a block's ``prepare()`` may use, and how it reports a problem."""

    generator: Any
    content: Any
    line: int | None
    settings: StudioSettings
    option_lines: dict[str, int | None] = field(default_factory=dict)
    failed: bool = False

    def option_line(self, name: str) -> int | None:
        """Line of option ``name`` in the block (the block's line if not written)."""
        return self.option_lines.get(name) or self.line

    @property
    def content_dir(self) -> str:
        return self.generator.path

    @property
    def output_dir(self) -> str:
        return self.generator.output_path

    @property
    def siteurl(self) -> str:
        return self.generator.settings.get("SITEURL", "")

    def typography(self, text: str | None) -> str | None:
        """Curly quotes and dashes in author prose, as Pelican's TYPOGRIFY gives the post."""
        return typography(text, self.generator.settings)

    def error(self, problem: str, fix: str, line: int | None = None) -> None:
        report(self.content.source_path, line or self.line, problem, fix)
        self.failed = True


def typography(text: str | None, settings: dict) -> str | None:
    """Curly quotes and dashes in author prose (plain text), when TYPOGRIFY is on.

    Pelican typogrifies the HTML it reads; our partials are rendered later, so their
    prose (captions, labels, headlines, data files) gets the same treatment here, as plain
    text, before the template escapes it.
    """
    if not text or not settings.get("TYPOGRIFY"):
        return text
    import smartypants

    dashes = settings.get("TYPOGRIFY_DASHES", "default")
    attr = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}
    curled = smartypants.smartypants(
        html.escape(text, quote=False), attr.get(dashes, smartypants.Attr.set1)
    )
    return html.unescape(curled)


def render_content(content: Any, generator: Any) -> None:
    """Render every placeholder of one content object (once)."""
    if hasattr(content, "kp_components"):
        return
    settings = studio_settings(generator.settings)
    components: set[str] = set()
    galleries: list[dict] = []

    def render_placeholder(match: re.Match[str]) -> str:
        attributes = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(match["attrs"])}
        name = attributes.get("data-kp-block", "")
        line_text = attributes.get("data-kp-line", "")
        line = int(line_text) if line_text.isdigit() else None
        if "data-kp-errors" in attributes:
            for error in json.loads(attributes["data-kp-errors"]):
                report(content.source_path, error["line"], error["problem"], error["fix"])
            return ""
        block = REGISTRY.get(name)
        if block is None or "data-kp-data" not in attributes:
            return ""  # unclosed block (reported by the reader) or a block since removed
        option_lines = json.loads(attributes.get("data-kp-lines") or "{}")
        ctx = RenderContext(generator, content, line, settings, option_lines)
        variables = block.prepare(json.loads(attributes["data-kp-data"]), ctx)
        if variables is None or ctx.failed:
            return ""
        components.add(name)
        if name == "gallery":  # the home page's portfolio strip reads it (portfolio_strip)
            galleries.append(variables["gallery"])
        template = generator.env.get_template(f"partials/{name}.html")
        return template.render({"SITEURL": ctx.siteurl, **variables})

    source = html_source(content)
    if not source or PLACEHOLDER_CLASS not in source:
        content.kp_components, content.kp_galleries = components, galleries
        return
    rendered = memo("kp_studio.rendered")
    if rendered is None:  # a one-off build: nothing to remember
        result = PLACEHOLDER.sub(render_placeholder, source)
    else:
        key = (content.source_path, hashlib.blake2b(source.encode(), digest_size=16).digest())
        if _known(content, rendered.get(key)):
            return
        problems = ProblemsSeen()
        root = logging.getLogger()
        root.addHandler(problems)
        try:
            with replaying(), noting() as planned:  # (on this session's own objects)
                result = PLACEHOLDER.sub(render_placeholder, source)
        finally:
            root.removeHandler(problems)
        if not problems.seen:
            rendered[key] = (result, frozenset(components), tuple(galleries), tuple(planned))
    # (forgetting what was rendered: a plugin may have read the placeholders already)
    set_html_source(content, result)
    content.kp_components, content.kp_galleries = components, galleries


def _known(content: Any, known: tuple | None) -> bool:
    """Give ``content`` what its placeholders became last time, planning its photos again;
    False (nothing given) when there is no such entry or a planned call fails now."""
    if known is None:
        return False
    result, components, galleries, planned = known
    try:
        with replaying():  # (each call made, whatever earlier rounds made)
            replay(planned)
    except Exception:  # rendered again, which reports what is wrong
        return False
    set_html_source(content, result)
    content.kp_components, content.kp_galleries = set(components), list(galleries)
    return True


def render_articles(generator: Any) -> None:
    from .consultation import article_cta

    settings = studio_settings(generator.settings)
    for article in all_content([generator]):
        render_content(article, generator)
        article.cta = article_cta(article, settings)


def render_pages(generator: Any) -> None:
    from .portfolio_strip import portfolio_strip

    for page in all_content([generator]):
        render_content(page, generator)
    portfolio_strip(generator)
