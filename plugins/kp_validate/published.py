"""What ``content/`` may publish: no file that runs as our site.

Pelican copies every file under ``STATIC_PATHS`` (and every ``{static}``/``{attach}``
target) into the site byte for byte. Some types are documents a browser runs when opened
from our origin: an HTML or XML page, a script, an SVG with a ``<script>`` or an
``onload=``. Served without our headers (GitHub Pages ignores ``_headers``, so no CSP),
such a file runs as kp studios, with our cookies and our address in the bar.

When the static generator has listed its files (``static_generator_finalized``, before
anything is copied):

* an **SVG** is read with ``defusedxml`` (no entity expansion, no external entities) and
  refused, with the line, if it has a script, an event handler, a ``<foreignObject>``, an
  embedded page, a reference to anything outside itself (``href``/``xlink:href``/``src``
  other than ``#fragment`` or an embedded raster ``data:image/...``, a stylesheet or
  ``url(...)`` from elsewhere), or an animation that rewrites a link. Drawings exported
  from an editor pass; refusing is safer than rewriting a file the author will not see;
* any other **active type** (``ACTIVE_SUFFIXES``: HTML, XHTML, XML, XSL, JavaScript,
  WebAssembly, compressed SVG, Flash) is refused unless its path (from the content
  folder) is listed in the ``KP_VALIDATE_ACTIVE_FILES`` setting, e.g. a search console's
  verification page: ``KP_VALIDATE_ACTIVE_FILES = ["extra/google1234.html"]``.

A refused file is taken off the list of files to copy as well, so it is never published.
"""

from __future__ import annotations

import os
import re
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from kp_common.settings import site_settings

from .state import STATE, report_once

SETTING = "KP_VALIDATE_ACTIVE_FILES"
ACTIVE_SUFFIXES = {
    ".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".js", ".mjs",
    ".wasm", ".svgz", ".swf",
}  # fmt: skip
# Elements that run code, embed another document or listen for events (SVG Tiny 1.2).
SVG_ACTIVE_ELEMENTS = {
    "script", "foreignobject", "iframe", "embed", "object", "handler", "listener",
}  # fmt: skip
SVG_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
RASTER_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp|avif);", re.IGNORECASE)
STYLE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)[^)\s]|@import", re.IGNORECASE)
SVG_FIX = (
    "export the drawing again as a plain SVG (Inkscape: Save As > Plain SVG; Illustrator: "
    "SVG with 'Include scripts' and links off), or save it as a PNG or WebP."
)


def refuse_active_files(generator) -> None:
    """``static_generator_finalized``: report and drop every file that would run as us."""
    listed = site_settings(generator.settings).active_files
    refused = []
    for static in list(getattr(generator, "staticfiles", [])):
        relative = os.path.normpath(static.relative_source_path)
        suffix = os.path.splitext(relative)[1].lower()
        if suffix == ".svg":
            problem = svg_problem(static.source_path)
            if problem:
                line, what = problem
                report_once(
                    static.source_path,
                    "active-svg",
                    what,
                    line,
                    f"This SVG {what}; an active SVG opened from this site's address runs as "
                    "the site, so it is not published.",
                    SVG_FIX,
                )
                refused.append(static)
        elif suffix in ACTIVE_SUFFIXES and relative not in listed:
            report_once(
                static.source_path,
                "active-file",
                suffix,
                None,
                f"A {suffix} file is a document browsers run; published from content/ it "
                "would run as this site (with no security policy on hosts that ignore "
                "_headers).",
                f"remove it from content/, or, if it must be published as it is (a "
                f'verification page), list it in {SETTING}: ["{relative}"].',
            )
            refused.append(static)
    for static in refused:
        generator.staticfiles.remove(static)
        if static in generator.context.get("staticfiles", []):
            generator.context["staticfiles"].remove(static)
        # Reported here: links to it are not "leading nowhere" as well (see targets).
        STATE.refused_outputs.add(static.save_as)


class _SvgCheck(ContentHandler):
    """Stops at the first element or attribute that makes an SVG active."""

    def __init__(self) -> None:
        super().__init__()
        self.problem: tuple[int | None, str] | None = None
        self.in_style = False

    def _line(self) -> int | None:
        return self._locator.getLineNumber() if self._locator else None

    def _found(self, what: str) -> None:
        if self.problem is None:
            self.problem = (self._line(), what)

    def processingInstruction(self, target, data) -> None:
        if target.lower() == "xml-stylesheet":
            self._found("loads a stylesheet (<?xml-stylesheet ...?>)")

    def startElementNS(self, name, qname, attrs) -> None:
        local = (name[1] or "").lower()
        if local in SVG_ACTIVE_ELEMENTS:
            self._found(f"contains <{name[1]}>")
        self.in_style = local == "style"
        for (_uri, attribute), value in attrs.items():
            attribute = attribute.lower()
            if attribute.startswith("on"):
                self._found(f"has an event handler ({attribute}=)")
            elif attribute in ("href", "src") and not (
                value.strip().startswith("#") or RASTER_DATA.match(value.strip())
            ):
                self._found(f"refers to something outside itself ({attribute}={value[:40]!r})")
            elif attribute == "style" and STYLE_URL.search(value):
                self._found("loads from elsewhere in a style= attribute")
            elif local in SVG_ANIMATIONS and (
                (
                    attribute == "attributename"
                    and (value.lower().endswith("href") or value.lower().startswith("on"))
                )
                or "javascript:" in value.lower()
            ):
                self._found(f"has an animation that rewrites a link or handler (<{local}>)")

    def endElementNS(self, name, qname) -> None:
        self.in_style = False

    def characters(self, content) -> None:
        if self.in_style and STYLE_URL.search(content):
            self._found("loads from elsewhere in its <style> (url(...) or @import)")


def svg_problem(path: str) -> tuple[int | None, str] | None:
    """(line, what) of the first thing that makes the SVG at ``path`` active, or None."""
    handler = _SvgCheck()
    # Entity declarations are refused; a DOCTYPE naming the SVG DTD (editors write one) is
    # fine, as external entities and DTDs are never loaded.
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    try:
        parser.parse(path)
    except DefusedXmlException:
        return (None, "declares XML entities (they can hide or fetch anything)")
    except xml.sax.SAXParseException as error:
        return (error.getLineNumber(), f"is not well-formed XML ({error.getMessage()})")
    except OSError as error:
        return (None, f"cannot be read ({error.strerror})")
    return handler.problem
