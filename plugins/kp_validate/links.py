"""Images, links and unsafe markup in the rendered HTML of every post and page.

Runs once every generator has read its content and the studio blocks have been rendered
(``all_generators_finalized``), and before anything is written. For each ``<img>``,
``<a>``, ``<source>``, ``<video>`` and ``<audio>`` in a post or page:

* an image without a non-empty ``alt``;
* a link or image inside the site (root-relative, relative, or starting with SITEURL)
  that the build will not write (see ``targets``);
* a ``{filename}``/``{static}`` link Pelican could not resolve (if Pelican's own warning
  was not already turned into a message, see ``pelican_log``);
* a URL with a scheme other than http(s), mailto and tel (``javascript:`` and friends).

Which elements and attributes a post may contain at all (scripts, event handlers, styles,
anything that loads from another host) is ``allowlist``'s concern.

Each problem is mapped back to the first source line that contains the offending text.
Remote links are never fetched.

A long-lived Pelican (``invoke livereload``) checks again only the posts whose HTML, URL
or source changed, or all of them when the set of pages the site writes changed.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from html.parser import HTMLParser
from urllib.parse import urlsplit

from kp_common.contents import all_content
from kp_common.pelican_compat import html_source
from kp_common.settings import SiteSettings, safe_url, site_settings

from . import source as sources
from .paths import inside_content
from .state import STATE, checked, report_once, was_reported
from .targets import Outputs, collect

URL_ATTRIBUTES = {
    "a": ("href",),
    "img": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
}
MEDIA_TAGS = {"img", "source", "video", "audio", "track"}
PELICAN_PLACEHOLDERS = ("{filename}", "{static}", "{attach}", "{index}", "{tag}", "{category}")


def check_all(generators, outputs: Outputs | None = None) -> None:
    if not generators:
        return
    outputs = outputs or collect(generators)
    settings = generators[0].settings
    siteurl = settings.get("SITEURL", "")
    # Links the theme takes from the settings (the consultation URL in a call to action)
    # are the site's, not the author's: the site-wide link check covers them.
    outputs.trusted |= settings_links(site_settings(settings))
    site_key = outputs.digest()
    for content in all_content(generators):
        # What a clean result depends on: the HTML before Pelican resolves {filename}
        # links (whether their targets exist is in ``site_key``) and where the page is.
        key = (site_key, content.url, _digest(html_source(content) or ""))
        known = STATE.clean.get(("links", content.source_path))
        if known and known[0] == key and all(map(outputs.still_on_disk, known[1])):
            continue
        problems_before = STATE.problems_seen
        outputs.found_on_disk = set()
        try:
            # Pelican resolves {filename} links here. With RELATIVE_URLS it joins them to
            # each page's relative SITEURL ("../.."); joined to "/" instead they come out
            # root-relative, which the checks below read against the page's own URL.
            relative = settings.get("RELATIVE_URLS")
            rendered = content.get_content("/") if relative else content.content
        except Exception as error:  # a broken post must not hide the others
            report_once(
                content.source_path,
                "render",
                "",
                None,
                f"This file could not be turned into a web page ({error}).",
                "check the Markdown blocks in it.",
            )
            continue
        if rendered:
            ContentCheck(content, outputs, siteurl).run(rendered)
        # Files a plugin wrote (not in the build's lists) must still be there next time.
        found_on_disk = tuple(outputs.found_on_disk)
        checked("links", content.source_path, (key, found_on_disk), problems_before)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Element:
    """A start tag: its name and attributes (what the checks below look at)."""

    __slots__ = ("attrs", "name")

    def __init__(self, name: str, attrs: dict[str, str]):
        self.name = name
        self.attrs = attrs

    def get(self, attribute: str, default=None):
        return self.attrs.get(attribute, default)


class _StartTags(HTMLParser):
    """Collects start tags. No tree: the checks need only each element's own attributes,
    and building a BeautifulSoup tree of every post cost several seconds per 1,000 posts.
    The tokenizer is the one BeautifulSoup's "html.parser" uses, so the same tags are
    found; as there, a repeated attribute keeps its last value and a bare one is ""."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append(Element(tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[Element]:
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.found


# HTML -> its url_elements, tokenised on every core before a cold build's check
# (``kp_validate.prepared``); emptied after the check.
PREPARED: dict[str, list[Element]] = {}


def tokenise(html: str) -> list[Element]:
    """The elements the checks look at (those with a URL attribute, images among them)."""
    return [element for element in elements(html) if element.name in URL_ATTRIBUTES]


def url_elements(html: str) -> list[Element]:
    found = PREPARED.get(html)
    return tokenise(html) if found is None else found


class ContentCheck:
    def __init__(self, content, outputs: Outputs, siteurl: str):
        self.content = content
        self.path = content.source_path
        self.outputs = outputs
        self.siteurl = siteurl.rstrip("/")
        self.page_url = "/" + (content.url or "")

    def line(self, *needles: str) -> int | None:
        source = sources.load(self.path)  # only when there is a problem to place
        return source.line_of(*needles) if source else None

    def run(self, rendered: str) -> None:
        for element in url_elements(rendered):
            for attribute in URL_ATTRIBUTES.get(element.name, ()):
                value = element.get(attribute)
                if value is not None:
                    self.check_url(element, str(value).strip())
            if element.name == "img":
                self.check_alt(element)

    def check_alt(self, image) -> None:
        alt = image.get("alt")
        if alt is not None and str(alt).strip():
            return
        # A theme partial may mark a picture decorative on purpose (a client's photo next to
        # the printed name): alt="" with aria-hidden. Markdown cannot write that by accident.
        if alt == "" and image.get("aria-hidden") == "true":
            return
        src = str(image.get("src") or "")
        name = os.path.basename(urlsplit(src).path) or src
        report_once(
            self.path,
            "alt",
            name,
            self.line(src, name, "<img", "!["),
            f"The image {name!r} has no alt text, so people who cannot see it learn nothing.",
            "describe the picture in the square brackets: ![Maya laughing in front of a grey "
            "backdrop](...).",
        )

    def check_url(self, element, url: str) -> None:
        if not url or url.startswith("#"):
            return
        if url.startswith(PELICAN_PLACEHOLDERS):
            target = url.split("}", 1)[1]
            if not (
                was_reported(self.path, "link", target)
                or was_reported(self.path, "outside", target)
            ):
                report_once(
                    self.path,
                    "link",
                    target,
                    self.line(target),
                    f"The link to {target!r} leads nowhere: there is no such file in the "
                    "content folder.",
                    "write the path of the target relative to this file and check its spelling.",
                )
            return
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            internal = self.siteurl and (url == self.siteurl or url.startswith(self.siteurl + "/"))
            if not internal:
                if not (
                    safe_url(url, allow_relative=False)
                    or (element.name in MEDIA_TAGS and parts.scheme == "data")
                ):
                    report_once(
                        self.path,
                        "unsafe-url",
                        url,
                        self.line(url, url[:30]),
                        f"The address {url[:60]!r} is not a web, e-mail or phone link; browsers "
                        "could run it as code.",
                        "link only to https://, http://, mailto: or tel: addresses, or to a "
                        "page of this site.",
                    )
                return
            parts = urlsplit(url[len(self.siteurl) :] or "/")
        if parts.path == "" and (parts.query or parts.fragment):
            return
        self.check_target(element, url, parts.path)

    def check_target(self, element, url: str, url_path: str) -> None:
        if url in self.outputs.trusted or url_path in self.outputs.trusted:
            return
        is_media = element.name in MEDIA_TAGS
        if not url_path.startswith("/"):
            source_dir = os.path.relpath(os.path.dirname(self.path), STATE.content_root)
            outside_content = inside_content(STATE.content_root, url_path, source_dir) is None
            if _escapes(url_path, self.page_url) or (outside_content and "../" in url_path):
                report_once(
                    self.path,
                    "outside",
                    url,
                    self.line(url),
                    f"The path {url!r} points outside the site's content folder, so it is refused.",
                    "put the file under content/images/ and write its path from there, "
                    "e.g. {static}/images/<name>.",
                )
                return
            url_path = posixpath.normpath(posixpath.join(_folder(self.page_url), url_path))
        if self.outputs.has(url_path):
            return
        what = "image" if is_media else "link"
        fix = (
            "put the image under content/images/ and write {static}/images/<name> (or the "
            "path from this file), checking upper/lower case."
            if is_media
            else "link to another post with {filename}other-post.md (the path of its file), or "
            "check the address of the page you mean."
        )
        report_once(
            self.path,
            f"missing-{what}",
            url,
            self.line(url, os.path.basename(url.rstrip("/"))),
            f"The {what} {url!r} leads nowhere: the site has no file at {url_path}.",
            fix,
        )


def _escapes(url_path: str, page_url: str) -> bool:
    """A relative path with more ``..`` than the page URL has folders."""
    depth = len([part for part in page_url.split("/") if part])
    ups = 0
    for part in url_path.split("/"):
        if part == "..":
            ups += 1
            if ups > depth:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


def _folder(page_url: str) -> str:
    """The folder a browser resolves relative links against."""
    return page_url if page_url.endswith("/") else posixpath.dirname(page_url)


def settings_links(parsed: SiteSettings) -> set[str]:
    """The site paths (``/...``) the theme links to from the settings: the menu, the call to
    action, the newsletter's privacy page."""
    studio = parsed.studio
    links = [item.link for item in parsed.menu]
    if studio is not None and studio.consultation is not None:
        links.append(studio.consultation.link)
    if studio is not None and studio.newsletter is not None:
        links.append(studio.newsletter.privacy)
    return {link.href for link in links if not link.external}
