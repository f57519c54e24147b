"""What a post or page may contain: one allow-list for its rendered HTML.

Markdown passes raw HTML through, so a post can carry anything a browser understands: an
``<iframe>`` or an ``<img>`` from another host (a third-party request the readers were
promised never happens; in production the CSP then breaks the page silently), an inline
``<svg>`` with a script, a ``<meta http-equiv=refresh>``. This module checks the HTML of
every post and page as it will be written (author Markdown, raw HTML and our blocks'
output, after ``kp_images`` and the blocks have rendered), against one allow-list:

* ``TAGS``: the elements Python-Markdown (with ``extra`` and ``toc``), our typography
  (``<span class="caps">``) and the theme partials our blocks and ``kp_images`` render
  (``partials/{compare,gallery,video,faq,consultation,testimonials,packages,picture,
  newsletter}.html``) really emit, plus plain inline and structural text elements;
* ``ATTRIBUTES`` per element (``"*"``: on every element; ``aria-*`` everywhere), and
  ``VALUES`` where only some values are harmless (``<input type>``, ``<script type>``);
* every URL that loads on page view (``src``, ``srcset``, ``poster``, the lightbox's
  ``data-srcset``) points to our own origin: relative, or under ``SITEURL``; ``data:``
  addresses are refused too (images come from ``content/``, through the image pipeline
  that strips their metadata). The video facade's ``data-embed`` may name only the
  players it loads after the reader presses play (``FACADE_ORIGINS``); a ``<form>`` posts
  only to us or to the newsletter's ``STUDIO["newsletter"]["action"]``; links are
  http(s), mailto or tel; a ``<script>`` is a JSON-LD data block or nothing.

The sanitiser is ``nh3`` (the maintained binding of the Rust ``ammonia`` library, with the
browsers' own HTML5 parser, ``html5ever``), used as a *checker*: nothing is ever stripped.
The HTML is cleaned twice, once keeping everything the parser sees and once with the
allow-list; when the two differ, each element or attribute the allow-list removed is a
build error with the file, the line it was written on and a fix ("embed a video with
``/// video``", "images come from content/"). Both passes share html5ever's reading of
the markup, so a trick that parses one way in Python and another in a browser
(``<img/src=x/onerror=...>``, mis-nested SVG and MathML) is judged as the browser sees it.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from kp_common.contents import all_content
from kp_common.pelican_compat import html_source
from kp_common.settings import site_settings

from . import source as sources
from .state import STATE, checked, report_once

# -- the allow-list -----------------------------------------------------------------------

MARKDOWN_TAGS = {
    # Python-Markdown core, ``extra`` (tables, footnotes, abbr, def_list, fenced_code)
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "code", "pre",
    "blockquote", "ul", "ol", "li", "hr", "br", "img", "table", "thead", "tbody", "tfoot",
    "tr", "th", "td", "abbr", "dl", "dt", "dd", "sup", "div", "span",
}  # fmt: skip
TEXT_TAGS = {
    # Plain text semantics an author may write as raw HTML: nothing here loads or runs.
    "b", "i", "u", "s", "small", "mark", "del", "ins", "sub", "kbd", "samp", "var", "cite",
    "q", "dfn", "time", "bdi", "bdo", "wbr", "caption", "colgroup", "col", "ruby", "rt",
    "rp", "address", "figure", "figcaption", "details", "summary", "section", "aside",
}  # fmt: skip
BLOCK_TAGS = {
    # What our blocks' partials add: compare (picture, input range, button, and the views'
    # radio group: fieldset, legend), gallery (dialog), video (video, source, track), faq
    # (script type=application/ld+json), the newsletter form (form, label, input).
    "picture", "source", "video", "audio", "track", "input", "button", "dialog", "script",
    "form", "label", "fieldset", "legend",
}  # fmt: skip
TAGS = MARKDOWN_TAGS | TEXT_TAGS | BLOCK_TAGS

GLOBAL_ATTRIBUTES = {
    "class", "id", "title", "lang", "dir", "hidden", "role",
    # What our blocks' scripts read (gallery and video facade, see theme/static/js/).
    "data-kp-gallery", "data-kp-video", "data-kp-video-play", "data-embed", "data-title",
    "data-width", "data-height", "data-caption", "data-srcset",
}  # fmt: skip
IMAGE_ATTRIBUTES = {"src", "srcset", "sizes", "alt", "width", "height"}
ATTRIBUTES = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href", "rel", "hreflang"},
    "img": IMAGE_ATTRIBUTES,
    "source": {"src", "srcset", "sizes", "type", "media", "width", "height"},
    "video": {"src", "poster", "controls", "playsinline", "width", "height", "muted", "loop"},
    "audio": {"src", "controls"},
    "track": {"src", "srclang", "label", "default"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "details": {"open"},
    "input": {"min", "max", "step", "value", "name", "required", "autocomplete",
              "spellcheck", "tabindex", "checked"},
    "button": {"name"},
    "label": {"for"},
    "form": {"action"},
    "dialog": set(),
}  # fmt: skip
# Attributes allowed only with these values (kept out of ATTRIBUTES, as nh3 requires).
VALUES = {
    "img": {
        "loading": {"lazy", "eager"},
        "decoding": {"async", "sync", "auto"},
        "fetchpriority": {"high", "low", "auto"},
    },
    "video": {"preload": {"none", "metadata"}},
    "audio": {"preload": {"none", "metadata"}},
    "track": {"kind": {"captions", "subtitles", "descriptions", "chapters"}},
    "input": {"type": {"range", "email", "text", "radio"}},
    "button": {"type": {"button", "submit"}},
    "form": {"method": {"post", "get"}},
    # JSON-LD (the FAQ's FAQPage) is data: browsers never run it. Any other script is code.
    "script": {"type": {"application/ld+json"}},
}
GENERIC_PREFIXES = {"aria-"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Loaded as soon as the page is shown (or, data-srcset, when the lightbox opens): ours only.
LOADS_ON_VIEW = {"src", "srcset", "poster", "data-srcset"}
# The players the video facade (partials/video.html, js/video.js) loads after "play";
# the same origins as the CSP's frame-src (sitetools.security.VIDEO_FRAME_ORIGINS).
FACADE_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

# -- what the messages say ------------------------------------------------------------------

HOW_TO_LIST = "README.md, 'What a post may contain', lists what a post may use"
EMBEDS = {"iframe", "frame", "frameset", "embed", "object", "applet", "portal", "fencedframe"}
PAGE_WIDE = {"link", "meta", "base", "head", "title", "body", "html", "noscript", "template"}
FOREIGN = {"svg", "math"}
FORM_PARTS = {"select", "textarea", "option", "optgroup", "output", "datalist"}
MEDIA = {"video", "audio", "source", "track"}


@dataclass(frozen=True)
class Finding:
    """One thing outside the allow-list: an element, or an attribute of one."""

    tag: str
    attribute: str | None = None
    value: str = ""
    reason: str = "not-listed"  # or: elsewhere, data-uri, scheme, facade, form-target


class Policy:
    """The allow-list of one build (own origin from ``SITEURL``, the newsletter's action)."""

    def __init__(self, settings: dict):
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")
        self.form_targets = newsletter_action(settings)
        self._made: nh3.Cleaner | None = None
        self._refused: dict[tuple[str, str, str], str] = {}

    def clean(self, text: str) -> tuple[str, dict[tuple[str, str, str], str]]:
        """``text`` through nh3 with the allow-list, and why each value it turned down
        was refused ((tag, attribute, value) -> reason)."""
        self._refused = {}
        return self._cleaner.clean(text), self._refused

    def _attribute_filter(self, tag: str, attribute: str, value: str) -> str | None:
        reason = self.refuse_value(tag, attribute, value)
        if reason:
            self._refused[(tag, attribute, value)] = reason
            return None
        return value

    @property
    def _cleaner(self) -> nh3.Cleaner:
        if self._made is None:
            self._made = nh3.Cleaner(
                tags=TAGS,
                clean_content_tags={"style"},
                attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
                tag_attribute_values=VALUES,
                generic_attribute_prefixes=GENERIC_PREFIXES,
                attribute_filter=self._attribute_filter,
                url_schemes=LINK_SCHEMES,
                strip_comments=False,
                link_rel=None,
            )
        return self._made

    def refuse_value(self, tag: str, attribute: str, value: str) -> str | None:
        """Why this value may not be published (None: it may)."""
        if attribute in LOADS_ON_VIEW:
            urls = _srcset_urls(value) if attribute.endswith("srcset") else [value]
            for url in urls:
                reason = self.foreign(url)
                if reason:
                    return reason
        elif attribute == "data-embed" and not _normal(value).startswith(
            tuple(f"{origin}/" for origin in FACADE_ORIGINS)
        ):
            return "facade"
        elif (
            tag == "form"
            and attribute == "action"
            and self.foreign(value)
            and value.strip() not in self.form_targets
        ):
            return "form-target"
        return None

    def foreign(self, url: str) -> str | None:
        """None for a URL of our own origin, else why not ("data-uri", "elsewhere")."""
        url = _normal(url)
        if not url:
            return None
        if self.siteurl and (url == self.siteurl or url.startswith(self.siteurl + "/")):
            return None
        parts = urlsplit(url)
        if parts.scheme == "data":
            return "data-uri"
        if parts.scheme or url.startswith("//"):
            return "elsewhere"
        return None


def newsletter_action(settings: dict) -> frozenset[str]:
    """Where a form may post besides our site: the newsletter's ``action`` (checked, an
    https:// address, by the settings layer); only its exact value counts here."""
    studio = site_settings(settings).studio
    newsletter = studio.newsletter if studio else None
    return frozenset({newsletter.action}) if newsletter else frozenset()


C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _normal(url: str) -> str:
    """A URL as a browser reads it: no surrounding spaces or controls, tabs and line
    breaks removed, backslashes read as slashes (``/\\evil.example`` is another host)."""
    url = re.sub(r"[\t\n\r]", "", url.strip(C0_AND_SPACE))
    return url.replace("\\", "/")


def _srcset_urls(value: str) -> list[str]:
    # Each candidate is "url [descriptor]"; a data: URL's comma splits it, and its first
    # piece is still refused as data:, so a crude split is enough to judge.
    return [piece.split()[0] for piece in value.split(",") if piece.split()]


# -- checking -------------------------------------------------------------------------------

# Every element name a browser knows (HTML, SVG with its camelCase names, MathML), so that
# the "keep everything" pass really keeps everything; names written in the HTML are added.
KNOWN_TAGS = {"kp-end"} | TAGS | EMBEDS | PAGE_WIDE | FOREIGN | FORM_PARTS | nh3.ALLOWED_TAGS | {
    "style", "area", "map", "canvas", "slot", "menu", "marquee", "blink", "keygen", "isindex",
    "xmp", "listing", "plaintext", "noembed", "noframes", "image", "nobr", "param", "main",
    "article", "header", "footer", "nav", "hgroup", "search", "meter", "progress", "data",
    "center", "font", "big", "tt", "strike", "acronym", "dir", "basefont", "bgsound",
    "foreignObject", "animate", "animateMotion", "animateTransform", "set", "use", "g",
    "defs", "symbol", "desc", "feImage", "filter", "clipPath", "mask", "pattern",
    "linearGradient", "radialGradient", "textPath", "tspan", "text", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "switch", "view", "mpath",
    "annotation-xml", "semantics", "mtext", "mglyph", "malignmark", "mi", "mo", "mn", "ms",
}  # fmt: skip
PAGE_ROOTS = re.compile(r"<\s*(html|head|body)\b", re.IGNORECASE)
END_MARKER = "<kp-end></kp-end>"
END_TAGS = re.compile(r"(?:\s*</[A-Za-z][^<>\s]*>)*\s*")
RAW_TEXT_END = re.compile(
    r"</(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)>", re.I
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
WRITTEN_TAG = re.compile(r"<\s*/?\s*([A-Za-z][^\s/>\x00]*)")
WRITTEN_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Never on the allow-list, but kept by the first pass so that the second pass's removal shows.
RISKY_SCHEMES = {"javascript", "vbscript", "data", "blob", "file", "filesystem", "about"}
KNOWN_SCHEMES = RISKY_SCHEMES | LINK_SCHEMES


def _everything(text: str) -> nh3.Cleaner:
    """nh3 keeping every element, attribute, URL and comment it parses in ``text``."""
    tags = {name.lower() for name in WRITTEN_TAG.findall(text)} - KNOWN_TAGS
    # A URL's scheme is read after entities are decoded and tabs and line breaks dropped.
    decoded = re.sub(r"[\t\n\r]", "", html.unescape(text) if "&" in text else text)
    schemes = {s.lower() for s in WRITTEN_SCHEME.findall(decoded)} - KNOWN_SCHEMES
    return _keep_everything(frozenset(tags), frozenset(schemes))


@lru_cache(maxsize=64)
def _keep_everything(extra_tags: frozenset[str], extra_schemes: frozenset[str]) -> nh3.Cleaner:
    # Made once per set of names: most posts add none to the known ones.
    return nh3.Cleaner(
        tags=KNOWN_TAGS | extra_tags,
        clean_content_tags=set(),
        attributes={},
        generic_attribute_prefixes={""},
        url_schemes=KNOWN_SCHEMES | extra_schemes,
        strip_comments=False,
        link_rel=None,
    )


class _Tags(HTMLParser):
    """Start tags of html5ever's serialisation (well-formed, so Python reads it the same)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _start_tags(text: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.found


def findings(text: str, policy: Policy) -> list[Finding]:
    """Everything in ``text`` (an HTML fragment) outside the allow-list, in order."""
    if not text:
        return []
    found: list[Finding] = []
    # Elements a fragment parser folds into the page's own (``<body onload=...>`` adds a
    # handler to the page's body): html5ever drops them from a fragment, so look for them.
    for name in PAGE_ROOTS.findall(text):
        found.append(Finding(name.lower()))
    # A fragment that ends inside a tag, a quote, a comment or a raw-text element
    # (``<textarea>``) would swallow the theme's markup after it: the end marker would not
    # come out as an element of its own.
    everything = _everything(text)
    if not _closed(everything.clean(text + END_MARKER)):
        found.append(Finding("?", None, "", "unclosed"))
    parsed = everything.clean(text)
    allowed, refused = policy.clean(text)
    # html5ever writes every attribute as name="value" with " escaped: a script is exactly
    # <script type="application/ld+json"> or it is code.
    for attributes in SCRIPT_TAG.findall(parsed):
        if attributes != ' type="application/ld+json"':
            src = re.search(r'\ssrc="([^"]*)"', attributes)
            found.append(Finding("script", None, html.unescape(src.group(1)) if src else ""))
    if parsed == allowed:
        return found
    kept = _start_tags(allowed)
    position = 0
    for tag, attributes in _start_tags(parsed):
        # The allowed pass removes elements (keeping their text) and attributes, never
        # adds any: walk both lists in step.
        if position < len(kept) and kept[position][0] == tag:
            still = kept[position][1]
            position += 1
            for name, value in attributes.items():
                if still.get(name) != value:
                    reason = refused.get((tag, name, value))
                    if reason is None:
                        reason = _why_removed(policy, name, value)
                    found.append(Finding(tag, name, value, reason))
        elif tag != "script":  # a script is judged above
            found.append(Finding(tag, None, _first_url(attributes)))
    if not found:  # different, and nothing named: never pass it silently
        found.append(Finding("?", None, "", "unexplained"))
    return found


# HTML -> its findings under this build's policy, computed on every core before a cold
# build's check (``kp_validate.prepared``); emptied after the check.
PREPARED: dict[str, list[Finding]] = {}


def _closed(marked: str) -> bool:
    """Whether the end marker came out as an element after everything else: only end
    tags may follow it, none of an element whose text is raw (``</textarea>``)."""
    at = marked.rfind(END_MARKER)
    if at < 0:
        return False
    after = marked[at + len(END_MARKER) :]
    return bool(END_TAGS.fullmatch(after)) and not RAW_TEXT_END.search(after)


def _why_removed(policy: Policy, attribute: str, value: str) -> str:
    """Why nh3 removed an attribute the filter never saw: not listed, or a URL scheme."""
    if attribute not in {"href", "cite", "action", "src", "poster"}:
        return "not-listed"
    scheme = urlsplit(_normal(value)).scheme.lower()
    if not scheme:
        return "not-listed"
    if attribute in LOADS_ON_VIEW and scheme in ("http", "https", "data"):
        return policy.foreign(value) or "not-listed"
    return "scheme"


def _first_url(attributes: dict[str, str]) -> str:
    for name in ("src", "data", "href", "srcdoc", "action", "content", "poster"):
        if attributes.get(name):
            return attributes[name]
    return ""


# -- reporting ------------------------------------------------------------------------------


def check_all(generators) -> None:
    """Check the rendered HTML of every post and page of the build (``all_generators_finalized``,
    after the blocks and kp_images have rendered, before anything is written)."""
    if not generators:
        return
    policy = Policy(generators[0].settings)
    policy_key = (policy.siteurl, tuple(sorted(policy.form_targets)))
    for content in all_content(generators):
        raw = html_source(content) or ""
        key = (policy_key, hashlib.blake2b(raw.encode(), digest_size=16).digest())
        known = STATE.clean.get(("allowlist", content.source_path))
        if known == key:
            continue
        problems_before = STATE.problems_seen
        try:
            rendered = content.content
        except Exception:  # noqa: S112  (the link check reports it, asking for the same HTML)
            continue
        found = PREPARED.get(rendered or "")
        for finding in findings(rendered or "", policy) if found is None else found:
            report_finding(content.source_path, finding)
        checked("allowlist", content.source_path, key, problems_before)


def report_finding(path: str, finding: Finding) -> None:
    # A tag name as the parser read it may run on (typography can turn the space after
    # "<iframe" into &nbsp;): the element is named, and found, by its leading word.
    name = TAG_NAME.match(finding.tag)
    if name and name.group() != finding.tag:
        finding = replace(finding, tag=name.group())
    tag, attribute, value = finding.tag, finding.attribute, finding.value
    problem, fix, kind, detail = explain(finding)
    needles = [value] if value and len(value) > 3 else []
    if attribute:
        needles += [f"{attribute}=", f"<{tag}"]
    else:
        needles += [f"<{tag}"]
    source = sources.load(path)
    line = source.line_of(*needles, ignore_case=True) if source else None
    if source and finding.reason == "unclosed":  # where it is left open: the last markup
        marked = [n for n, text in enumerate(source.lines, 1) if "<" in text]
        line = marked[-1] if marked and marked[-1] >= source.body_start else None
    report_once(path, kind, detail, line, problem, fix)


def explain(finding: Finding) -> tuple[str, str, str, str]:
    """(problem, fix, report kind, report detail) for one finding."""
    tag, attribute, value, reason = (
        finding.tag,
        finding.attribute,
        finding.value,
        finding.reason,
    )
    shown = value if len(value) <= 60 else value[:57] + "..."
    if attribute is None:
        return _explain_element(tag, shown, reason)
    name = attribute.lower()
    if name.startswith("on"):
        return (
            f"It contains an {name}= attribute, which runs code.",
            f"remove {name}=... from the <{tag}> element.",
            "unsafe",
            f"handler-{name}",
        )
    if name == "style":
        return (
            "It contains a style= attribute, which the site's security policy blocks.",
            "remove style=...; use a class from theme/static/css/site.css instead.",
            "unsafe",
            "style-attribute",
        )
    if reason in ("elsewhere", "data-uri"):
        fix = (
            "media come from content/: put the file under content/video/ and write "
            "{static}/video/<name>, or embed a YouTube or Vimeo video with `/// video` "
            "(it loads nothing until the reader presses play)."
            if tag in MEDIA
            else "images come from content/: put the file under content/images/ (if you may "
            "publish it) and write ![What it shows]({static}/images/<name>)."
        )
        if reason == "data-uri":
            problem = (
                f"The <{tag} {name}=...> is a data: address written into the page, so it skips "
                "the image pipeline (no resized copies, no metadata stripped)."
            )
        else:
            host = urlsplit(_normal(value)).hostname or shown
            problem = (
                f"The <{tag} {name}=...> loads from another site ({host}) as soon as the page "
                "is shown; readers were promised no third-party request, and the security "
                "policy would block it."
            )
        return problem, fix, "foreign-load", value
    if reason == "facade":
        return (
            f"data-embed={shown!r} names a player the video facade may not load (only "
            + " and ".join(FACADE_ORIGINS)
            + ").",
            "embed a video with `/// video` and its YouTube or Vimeo address.",
            "foreign-load",
            value,
        )
    if reason == "form-target":
        return (
            f"The form would send what readers type to {shown!r}, which is neither this "
            "site nor the newsletter's address.",
            "link to the booking page instead; a signup form posts only to "
            'STUDIO["newsletter"]["action"].',
            "form-target",
            value,
        )
    if reason == "scheme":
        # The same report as the link check's (kp_validate.links), so it is printed once.
        return (
            f"The address {value.strip()[:60]!r} is not a web, e-mail or phone link; browsers "
            "could run it as code.",
            "link only to https://, http://, mailto: or tel: addresses, or to a page of this site.",
            "unsafe-url",
            value.strip(),
        )
    allowed_values = VALUES.get(tag, {}).get(name)
    if allowed_values:
        return (
            f"{name}={shown!r} is not allowed on <{tag}>.",
            f"use one of {', '.join(sorted(allowed_values))}, or remove {name}=.",
            "attribute",
            f"{tag} {name}={value}",
        )
    return (
        f"The attribute {name}= is not one a post may use on <{tag}>.",
        f"remove {name}=... ({HOW_TO_LIST}).",
        "attribute",
        f"{tag} {name}",
    )


def _explain_element(tag: str, shown: str, reason: str = "") -> tuple[str, str, str, str]:
    if tag == "script":
        return (
            "It contains a <script>; scripts in posts are blocked by the site's security "
            "policy and could run anything.",
            "remove the <script> element; ask a developer to add a block to the theme if you "
            "need something interactive.",
            "unsafe",
            "script",
        )
    if tag == "style":
        return (
            "It contains a <style> element, which the site's security policy blocks.",
            "remove it; styling belongs in theme/static/css/site.css.",
            "unsafe",
            "style-element",
        )
    if tag in EMBEDS:
        from_where = f" ({shown})" if shown else ""
        return (
            f"It embeds another page or plugin with <{tag}>{from_where}, loaded from another "
            "site as soon as the page is shown: readers were promised no third-party request.",
            "embed a YouTube or Vimeo video with `/// video` (nothing loads until the reader "
            "presses play); for anything else, ask a developer for a block.",
            "element",
            tag,
        )
    if tag in FOREIGN:
        return (
            f"It contains inline <{tag}>, which can carry scripts and load from other sites.",
            "save the drawing as an image under content/images/ (PNG, JPEG or WebP) and show "
            "it with ![What it shows]({static}/images/<name>).",
            "element",
            tag,
        )
    if tag in PAGE_WIDE:
        return (
            f"It contains <{tag}>, which changes or loads things for the whole page.",
            "remove it; the theme writes the page's head (title, description, styles).",
            "element",
            tag,
        )
    if tag in FORM_PARTS:
        return (
            f"It contains a form field (<{tag}>); forms in posts would send what readers type.",
            "link to the booking page instead, e.g. [Book a consultation](/book-a-consultation/).",
            "element",
            tag,
        )
    if tag == "?" and shown == "" and reason == "unclosed":
        return (
            "Its HTML ends inside a tag, a quoted value, a comment or an element such as "
            "<textarea>, so it would swallow the rest of the page.",
            "close what is open: a missing quote (\") or '>', '-->' or '</textarea>'; a '>' "
            "inside a quoted value is read as the end of the tag, so leave it out.",
            "element",
            "unclosed",
        )
    if tag == "?":
        return (
            "It contains markup outside what a post may contain.",
            f"remove raw HTML until the build passes ({HOW_TO_LIST}).",
            "element",
            "?",
        )
    return (
        f"The <{tag}> element is not one a post may contain.",
        f"remove it, or write the text in Markdown ({HOW_TO_LIST}).",
        "element",
        tag,
    )
