"""Links and assets: every href/src/srcset inside the site resolves, #anchors included.

The walker reads each page as served over HTTP and resolves every URL the way a browser does
(against the page URL and any ``<base>``), so root-relative links are checked for real, which a
folder-based link checker gets wrong. A URL is "inside the site" when it has the local server's
origin or the production ``site_url`` origin (canonical and og: URLs are absolute). Other
hosts are never contacted. Each target is fetched once per run.
"""

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from .report import Report

CHECK = "links"

# Attributes that hold one URL, by tag. ``form action`` is left out: the newsletter form posts
# to the mailing-list host, which we do not contact.
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "input": ("src",),
}
SRCSET_TAGS = ("img", "source")
# Social-card images: absolute URLs on our own origin that no browser loads, so check them here.
META_URL_PROPERTIES = ("og:image", "og:url", "twitter:image")
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# An image may be inlined; a link may not point at data.
SAFE_SRC_SCHEMES = SAFE_SCHEMES | {"data"}


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset (``a.jpg 480w, b.jpg 800w``); URLs contain no whitespace."""
    urls = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            urls.append(parts[0])
    return urls


def _snippet(tag) -> str:
    def text(value):  # bs4 gives multi-valued attributes (rel, class) as lists
        return " ".join(value) if isinstance(value, list) else value

    attrs = " ".join(f'{name}="{text(value)}"' for name, value in tag.attrs.items() if value)
    return f"<{tag.name} {attrs}>"


@dataclass
class Target:
    status: int | str
    ids: set[str] = field(default_factory=set)
    is_html: bool = False
    body: bytes = b""


class LinkWalker:
    def __init__(self, server_url: str, site_url: str | None = None, timeout: float = 10):
        self.server_url = server_url.rstrip("/")
        self.site_url = site_url.rstrip("/") if site_url else None
        self.timeout = timeout
        self.targets: dict[str, Target] = {}

    def local_url(self, url: str) -> str | None:
        """The local server URL for ``url``, or None when it is outside the site."""
        parts = urlsplit(url)
        for base in filter(None, (self.server_url, self.site_url)):
            base_parts = urlsplit(base)
            if (parts.scheme, parts.netloc) == (base_parts.scheme, base_parts.netloc):
                path_prefix = base_parts.path
                if path_prefix and not parts.path.startswith(path_prefix):
                    return None
                rest = parts.path[len(path_prefix) :] or "/"
                query = f"?{parts.query}" if parts.query else ""
                return f"{self.server_url}{rest}{query}"
        return None

    def fetch(self, url: str) -> Target:
        if url in self.targets:
            return self.targets[url]
        # Only local-server http URLs get here (local_url maps every other origin to None).
        request = urllib.request.Request(url, headers={"User-Agent": "kp-sitetools-check"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
                is_html = response.headers.get_content_type() == "text/html"
                target = Target(response.status, is_html=is_html)
        except urllib.error.HTTPError as error:
            target = Target(error.code)
        except (urllib.error.URLError, OSError) as error:
            target = Target(f"unreachable ({error})")
        else:
            if target.is_html:
                target.body = body
                soup = BeautifulSoup(body, "html.parser")
                target.ids = {tag["id"] for tag in soup.find_all(id=True)}
                target.ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
        self.targets[url] = target
        return target

    def check_page(self, page: str, report: Report) -> None:
        page_url = f"{self.server_url}{page}"
        target = self.fetch(page_url)
        if target.status != 200:
            report.add(page, CHECK, page, f"the page itself answers {target.status}")
            return
        soup = BeautifulSoup(target.body, "html.parser")
        base = soup.find("base", href=True)
        base_url = urljoin(page_url, base["href"]) if base else page_url
        for tag, attribute, url in self.urls_in(soup):
            self.check_url(page, tag, attribute, url, base_url, report)

    def urls_in(self, soup):
        for tag in soup.find_all(True):
            for attribute in URL_ATTRIBUTES.get(tag.name, ()):
                if tag.has_attr(attribute):
                    yield tag, attribute, tag[attribute]
            if tag.name in SRCSET_TAGS and tag.has_attr("srcset"):
                for url in srcset_urls(tag["srcset"]):
                    yield tag, "srcset", url
            if tag.name == "meta" and tag.get("property", tag.get("name")) in META_URL_PROPERTIES:
                yield tag, "content", tag.get("content", "")

    def check_url(self, page, tag, attribute, url, base_url, report: Report) -> None:
        element = _snippet(tag)
        url = url.strip()
        if not url:
            report.add(page, CHECK, element, f"empty {attribute}")
            return
        absolute = urljoin(base_url, url)
        scheme = urlsplit(absolute).scheme.lower()
        allowed = SAFE_SCHEMES if attribute in ("href", "content") else SAFE_SRC_SCHEMES
        if scheme not in allowed:
            report.add(page, CHECK, element, f"{attribute} uses a {scheme}: URL")
            return
        if scheme not in ("http", "https"):
            return
        without_fragment, fragment = urldefrag(absolute)
        fragment = unquote(fragment)
        local = self.local_url(without_fragment)
        if local is None:
            return
        target = self.fetch(local)
        if target.status != 200:
            report.add(page, CHECK, element, f"{attribute} {url} answers {target.status}")
            return
        # An empty fragment and "#top" scroll to the top by definition (HTML spec).
        wants_element = fragment and fragment.lower() != "top" and target.is_html
        if wants_element and fragment not in target.ids:
            report.add(page, CHECK, element, f"{attribute} {url}: no element with id={fragment!r}")


def check_links(server_url: str, pages: list[str], report: Report, site_url=None) -> None:
    walker = LinkWalker(server_url, site_url)
    for page in pages:
        walker.check_page(page, report)
