"""One WordPress post's HTML into this site's Markdown, listing what a person must look at.

The pipeline, in order:

1. shortcodes: ``[caption]`` becomes a ``<figure>``, ``[embed]URL[/embed]`` a URL on its own
   line, ``[gallery]`` a marker for step 3; any other shortcode is removed (its text kept)
   and listed;
2. WordPress's paragraphs: Pelican's ``decode_wp_content`` (its port of ``wpautop``) for
   classic posts; block-editor posts already carry their ``<p>``;
3. with BeautifulSoup, what this site does its own way is taken out and replaced by a token:
   YouTube and Vimeo embeds (iframes, embed blocks, URLs on their own line) become
   ``/// video`` blocks, galleries ``/// gallery`` blocks, images copies in
   ``content/images/`` written as Markdown images, captioned images ``<figure>``s; links to
   the old site point at the imported posts; iframes, scripts, forms and objects are removed
   and listed, ``style=`` and WordPress's classes dropped;
4. nh3 (the Ammonia sanitizer) keeps only the plain HTML Markdown can say, so nothing the
   site's Content-Security-Policy blocks can reach a page;
5. pandoc, with the options Pelican's importer uses (``html+raw_html`` to ``gfm-smart``,
   no wrapping), writes the Markdown; the tokens are then replaced by our blocks.

Where a person must act, a comment ``<!-- WordPress import N: ... -->`` is left at the place
in the file (the report gives its line); a blocking one keeps the post a draft.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from pelican.tools.pelican_import import decode_wp_content

from .export import Item

PANDOC = ["pandoc", "--from=html+raw_html", "--to=gfm-smart", "--wrap=none"]
ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "em", "strong", "b", "i", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "hr", "sup", "sub", "del", "s", "abbr", "cite", "q", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "abbr": {"title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}, "ol": {"start"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements that run code, submit data or load other sites: removed, and listed.
# Named in words, never as "<tag>": the note stays in the post as an HTML comment, and the
# post allow-list (kp_validate.allowlist) refuses anything that reads like a script tag.
REMOVED = {
    "script": "a script",
    "iframe": "an embedded page (iframe)",
    "object": "an embedded object (object element)",
    "embed": "an embedded object (embed element)",
    "applet": "an applet",
    "form": "a form",
}
DROPPED_QUIETLY = ("style", "noscript", "link", "meta", "template", "svg", "math", "canvas",
                   "input", "button", "select", "textarea")  # fmt: skip
# Containers a block (video, gallery, figure) is lifted out of, to stand as its own paragraph.
# Not out of a <div>: a page builder may wrap the whole post in one.
LIFT_OUT_OF = {"p", "a", "span", "strong", "em", "b", "i", "u", "font", "center", "small"}
VIDEO_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com")
SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][a-zA-Z0-9_-]*)((?:\s[^\]]*)?)\](?!\()")
CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
BARE_URL = re.compile(r"^https?://\S+$")
MORE = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE)


@dataclass
class Issue:
    """Something a person must look at; ``blocking`` ones keep the post a draft."""

    problem: str
    fix: str
    blocking: bool = True
    marker: str = ""  # text that finds the issue's line in the written file
    line: int | None = None


@dataclass
class Converted:
    markdown: str
    issues: list[Issue]
    summary: str  # plain text: the excerpt, the text before <!--more-->, or the first paragraph
    first_text: str
    images: list[str] = field(default_factory=list)  # content paths of the images used
    links: dict[str, str] = field(default_factory=dict)  # link token -> imported item id


class Converter:
    """Converts the items of one export, sharing the uploads, the poster and the old links."""

    def __init__(self, export, uploads, poster: str, old_links: dict[str, str]):
        self.export = export
        self.uploads = uploads
        self.poster = poster
        self.old_links = old_links  # old path or "?p=ID" -> item id
        self.by_file = {a.file: a for a in export.attachments.values() if a.file}
        self.attachments_by_parent: dict[str, list] = {}
        for attachment in export.attachments.values():
            self.attachments_by_parent.setdefault(attachment.parent, []).append(attachment)
        self.comment_number = 0
        self.needs_poster = False

    # ------------------------------------------------------------------ the steps

    def convert(self, item: Item) -> Converted:
        self.item = item
        self.issues: list[Issue] = []
        self.tokens: dict[str, str] = {}
        self.inline_tokens: set[str] = set()
        self.images: list[str] = []
        self.links: dict[str, str] = {}
        raw = item.html or ""
        more = MORE.search(raw)
        before_more = raw[: more.start()] if more else ""
        raw = self._shortcodes(raw)
        if "<!-- wp:" not in raw:
            raw = decode_wp_content(raw)
        soup = self.soup = BeautifulSoup(raw, "html.parser")
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for element in soup.find_all(DROPPED_QUIETLY):
            element.decompose()
        self._galleries(soup)
        self._embeds(soup)
        self._bare_urls(soup)
        self._figures(soup)
        self._images(soup)
        self._links(soup)
        self._unsafe(soup)
        first_text = _first_paragraph(soup, self.tokens)
        clean = nh3.clean(
            str(soup),
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            strip_comments=True,
            link_rel=None,
        )
        markdown = self._pandoc(clean)
        for token, text in self.tokens.items():
            if token in self.inline_tokens:
                markdown = markdown.replace(token, text)
            else:
                markdown = re.sub(rf"^[ \t>]*{token}[ \t]*$", lambda _m, t=text: t, markdown,
                                  flags=re.MULTILINE)  # fmt: skip
                markdown = markdown.replace(token, text)
        markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
        summary = _plain_text(item.excerpt) or _plain_text(before_more) or first_text
        return Converted(markdown, self.issues, summary, first_text, self.images, self.links)

    def _pandoc(self, html: str) -> str:
        try:
            done = subprocess.run(PANDOC, input=html, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise RuntimeError(
                "pandoc is not installed; the import needs it (Debian: apt-get install pandoc)."
            ) from None
        if done.returncode != 0:
            raise RuntimeError(f"pandoc failed on WordPress item {self.item.id}: {done.stderr}")
        # As Pelican's importer does: a hard line break is two spaces at the end of a line.
        markdown = done.stdout.replace("\\\n", "  \n")
        # A table Markdown cannot hold stays HTML, and pandoc gives its columns widths with
        # style= (which our CSP blocks): the widths go, the table stays.
        markdown = re.sub(r"<colgroup>.*?</colgroup>\s*", "", markdown, flags=re.DOTALL)
        return re.sub(r"""\sstyle=("[^"]*"|'[^']*')""", "", markdown)

    # ------------------------------------------------------------------ helpers

    def issue(self, problem: str, fix: str, *, blocking: bool = True) -> str:
        """Record an issue; return the comment that marks its place in the file."""
        self.comment_number += 1
        marker = f"WordPress import {self.comment_number}:"
        self.issues.append(Issue(problem, fix, blocking, marker))
        text = re.sub(r"-{2,}", "-", f"{marker} {problem} {fix}").replace(">", ")")
        return f"<!-- {text} -->"

    def token(self, text: str, inline: bool = False) -> str:
        token = f"KPWPTOKEN{len(self.tokens) + 1:05d}X"
        self.tokens[token] = text
        if inline:
            self.inline_tokens.add(token)
        return token

    def put_block(self, element: Tag, text: str) -> None:
        """Replace ``element`` by a paragraph of its own holding ``text`` (a block)."""
        paragraph = self.soup.new_tag("p")
        paragraph.string = self.token(text)
        anchor = element
        while anchor.parent is not None and anchor.parent.name in LIFT_OUT_OF:
            anchor = anchor.parent
        if anchor is element:
            element.replace_with(paragraph)
        else:
            anchor.insert_after(paragraph)
            element.extract()
            if not anchor.get_text(strip=True) and not anchor.find(["img", "iframe"]):
                anchor.decompose()

    # ------------------------------------------------------------------ shortcodes

    def _shortcodes(self, raw: str) -> str:
        def caption(match):
            attributes = _attributes(match.group(1))
            inner = match.group(2)
            soup = BeautifulSoup(inner, "html.parser")
            picture = soup.find("a") if soup.find("a") and soup.find("a").find("img") else None
            picture = picture or soup.find("img")
            if picture is None:
                return inner
            picture.extract()
            caption_html = attributes.get("caption") or "".join(str(c) for c in soup.contents)
            return f"<figure>{picture}<figcaption>{caption_html.strip()}</figcaption></figure>"

        raw = CAPTION.sub(caption, raw)
        raw = EMBED.sub(lambda m: f"\n\n{m.group(1).strip()}\n\n", raw)
        raw = GALLERY.sub(
            lambda m: '<kp-gallery data-ids="{}"></kp-gallery>'.format(
                _attributes(m.group(1)).get("ids", "")
            ),
            raw,
        )

        def other(match):
            closing, name, attributes = match.group(1), match.group(2), match.group(3)
            is_shortcode = (
                closing
                or "_" in name
                or "-" in name
                or "=" in attributes
                or f"[/{name}]" in raw
                or name.lower() in ("video", "audio", "playlist")
            )
            if not is_shortcode or name.startswith("KPWP"):
                return match.group(0)
            if closing:
                return ""
            note = self.issue(
                f"The WordPress shortcode [{name}] cannot work here and was removed "
                "(its text, if any, is kept).",
                "Rewrite this part in Markdown, or ask a developer for a block.",
            )
            return self.token(note, inline=True)  # plain text: survives the HTML steps

        return SHORTCODE.sub(other, raw)

    # ------------------------------------------------------------------ videos and embeds

    def video(self, url: str, title: str) -> str | None:
        """The ``/// video`` block for a YouTube or Vimeo address, or None for another."""
        from kp_common.errors import AuthorError
        from kp_studio.video import video_url  # the block's own reading of the address

        try:
            video = video_url(url)
        except AuthorError:
            return None
        if video["kind"] == "mp4":
            return None
        self.needs_poster = True
        title = re.sub(r"\s+", " ", title).strip() or f"Video: {self.item.title or 'from YouTube'}"
        self.issues.append(
            Issue(
                f"The {video['host']} video '{title}' shows a plain poster of ours.",
                f"Replace 'poster: {self.poster}' with a still from the video (16:9) "
                "if you want one.",
                blocking=False,
                marker=video["link"],
            )
        )
        return f"/// video | {title}\nurl: {video['link']}\nposter: {self.poster}\n///"

    def _embeds(self, soup) -> None:
        for figure in soup.find_all("figure", class_="wp-block-embed"):
            url = figure.get_text("\n", strip=True).split("\n")[0].strip()
            caption = figure.find("figcaption")
            title = caption.get_text(" ", strip=True) if caption else ""
            if caption is not None:
                caption.extract()
            if BARE_URL.match(url or ""):
                self._embed_url(figure, url, title)
        for iframe in soup.find_all("iframe"):
            src = iframe.get("src") or ""
            if src.startswith("//"):
                src = "https:" + src
            block = self.video(src, iframe.get("title") or "") if _is_video(src) else None
            if block:
                self.put_block(iframe, block)

    def _embed_url(self, element: Tag, url: str, title: str) -> None:
        block = self.video(url, title) if _is_video(url) else None
        if block:
            self.put_block(element, block)
            return
        host = urlsplit(url).netloc
        note = self.issue(
            f"WordPress showed this {host} address as an embed; here it is a plain link.",
            "Keep the link, or replace it with a screenshot and a link.",
        )
        self.issues[-1].blocking = False
        link = f"<{url}>" if re.fullmatch(r"[^\s<>]+", url) else url
        self.put_block(element, f"{link}\n\n{note}")

    def _bare_urls(self, soup) -> None:
        """An address alone in its paragraph: WordPress's oEmbed."""
        for paragraph in soup.find_all("p"):
            text = paragraph.get_text(strip=True)
            children = [c for c in paragraph.contents if not (isinstance(c, str) and not c.strip())]
            if not BARE_URL.match(text):
                continue
            only_link = (
                len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "a"
            )
            if len(children) == 1 and (isinstance(children[0], NavigableString) or only_link):
                self._embed_url(paragraph, text, "")

    # ------------------------------------------------------------------ images

    def image(self, img: Tag, *, caption_html: str = "") -> str:
        """Markdown (or a figure) for one ``<img>``; a comment when a person must act."""
        src = (img.get("src") or "").strip()
        alt = re.sub(r"\s+", " ", img.get("alt") or "").strip()
        relative = self.uploads.relative_path(src)
        name = src.rsplit("/", 1)[-1][:80] or "image"
        if relative is None:
            if src.startswith("data:"):
                return self.issue(
                    "An image written into the page itself (data: URL) was removed.",
                    "Save it as a file in content/images/ and add it as ![alt](...).",
                )
            return self.issue(
                f"The image {name} is on another site ({urlsplit(src).netloc or src[:60]}); "
                "our pages load nothing from other sites.",
                f"Save it under content/images/ and add it here as ![what it shows]"
                f"({{static}}/images/{name}).",
            )
        from .media import attachment_for

        attachment = attachment_for(relative, self.by_file)
        if not alt and attachment is not None:
            alt = attachment.alt
        found = self.uploads.copy(relative)
        if found is None:
            return self.issue(
                f"The image {relative} is not in the uploads backup.",
                "Find it, put it under content/images/wordpress/ and add it here as a Markdown "
                "image with its alt text (see README, Writing a post)"
                + ("" if self.uploads.folder else " (or run the import with --uploads).")
                + (f" Its alt text in WordPress: {alt}" if alt else ""),
            )
        self.images.append(found.path)
        if not alt:
            return self.issue(
                f"The image {found.path} has no alt text.",
                f"Describe what it shows: ![what it shows]({{static}}/{found.path})",
            )
        if caption_html:
            return (
                f'<figure>\n<img src="{{static}}/{found.path}" alt="{_attr(alt)}">\n'
                f"<figcaption>{caption_html}</figcaption>\n</figure>"
            )
        return f"![{_markdown_alt(alt)}]({{static}}/{found.path})"

    def _figures(self, soup) -> None:
        for figure in soup.find_all("figure"):
            if figure.parent is None or figure.find_parent("figure"):
                continue
            images = figure.find_all("img")
            if len(images) != 1:
                continue
            caption = figure.find("figcaption")
            caption_html = ""
            if caption is not None and caption.get_text(strip=True):
                caption_html = nh3.clean(
                    caption.decode_contents(),
                    tags={"a", "em", "strong", "i", "b", "br", "code"},
                    attributes={"a": {"href"}},
                    url_schemes=URL_SCHEMES,
                    link_rel=None,
                ).strip()
                for link in BeautifulSoup(caption_html, "html.parser").find_all("a"):
                    if not _external(link.get("href", ""), self.uploads):
                        caption_html = caption_html.replace(str(link), link.get_text())
            self.put_block(figure, self.image(images[0], caption_html=caption_html))

    def _images(self, soup) -> None:
        for img in soup.find_all("img"):
            if img.parent is None:
                continue
            link = img.parent if img.parent.name == "a" else None
            if link is not None and self._media_link(link.get("href", "")):
                link.unwrap()  # "link to media file / attachment page": our images open alone
            img.replace_with(NavigableString(self.token(self.image(img), inline=True)))

    def _media_link(self, href: str) -> bool:
        relative = self.uploads.relative_path(href)
        return relative is not None or "attachment_id=" in href or "/attachment/" in href

    def _galleries(self, soup) -> None:
        for marker in soup.find_all("kp-gallery"):
            ids = [i.strip() for i in marker.get("data-ids", "").split(",") if i.strip()]
            if ids:
                attachments = [self.export.attachments.get(i) for i in ids]
                missing = [i for i, a in zip(ids, attachments, strict=True) if a is None]
                attachments = [a for a in attachments if a is not None]
            else:
                attachments = sorted(
                    self.attachments_by_parent.get(self.item.id, []), key=lambda a: int(a.id)
                )
                missing = []
            entries = [(a.url, a.alt, a.title) for a in attachments if a.file or a.url]
            self.put_block(marker, self.gallery(entries, missing))
        for gallery in soup.find_all(class_=["wp-block-gallery", "gallery", "tiled-gallery"]):
            if gallery.parent is None or gallery.find_parent(class_="wp-block-gallery"):
                continue
            entries = []
            for img in gallery.find_all("img"):
                entries.append((img.get("src", ""), img.get("alt", ""), ""))
            self.put_block(gallery, self.gallery(entries, []))

    def gallery(self, entries, missing_ids) -> str:
        lines, notes = [], []
        for src, alt, _title in entries:
            relative = self.uploads.relative_path(src)
            from .media import attachment_for

            attachment = attachment_for(relative, self.by_file) if relative else None
            alt = re.sub(r"\s+", " ", alt or (attachment.alt if attachment else "")).strip()
            found = self.uploads.copy(relative) if relative else None
            if found is None:
                notes.append(
                    self.issue(
                        f"The gallery image {relative or src[:60]} is not in the uploads backup.",
                        "Put it under content/images/wordpress/ and add it to the gallery above.",
                    )
                )
                continue
            self.images.append(found.path)
            if not alt:
                notes.append(
                    self.issue(
                        f"The gallery image {found.path} has no alt text, so it was left out.",
                        f"Add it to the gallery above (- src: {found.path}, alt: what it shows).",
                    )
                )
                continue
            lines += [f"  - src: {json.dumps(found.path)}", f"    alt: {json.dumps(alt)}"]
        for attachment_id in missing_ids:
            notes.append(
                self.issue(
                    f"The gallery names attachment {attachment_id}, which is not in the export.",
                    "Add the image to the gallery above by hand, or leave it out.",
                )
            )
        block = "/// gallery | Gallery\nimages:\n" + "\n".join(lines) + "\n///" if lines else ""
        if not lines and not notes:
            notes.append(
                self.issue(
                    "A WordPress gallery here had no images in the export.",
                    "Add a /// gallery block by hand (see README, Photo gallery), or leave it out.",
                )
            )
        return "\n\n".join(part for part in [block, *notes] if part)

    # ------------------------------------------------------------------ links and the rest

    def _links(self, soup) -> None:
        for link in soup.find_all("a"):
            href = (link.get("href") or "").strip()
            if not href or href.startswith("#"):
                continue
            scheme = urlsplit(href).scheme.lower()
            if scheme and scheme not in URL_SCHEMES:
                link.insert_after(
                    NavigableString(
                        self.token(
                            self.issue(
                                f"A {scheme}: link (it runs code) was removed; its text is kept.",
                                "Link to a page instead, or leave the text as it is.",
                            ),
                            inline=True,
                        )
                    )
                )
                link.unwrap()
                continue
            if _external(href, self.uploads):
                continue
            target = self._imported(href)
            if target:
                token = f"KPWPLINK{target}X{len(self.links)}Y"
                self.links[token] = target
                link.attrs = {"href": token}
                continue
            relative = self.uploads.relative_path(href) if self.uploads.is_old_host(href) else None
            found = self.uploads.copy(relative) if relative else None
            if found is not None and found.path.lower().endswith(
                (".jpg", ".jpeg", ".png", ".gif", ".webp")
            ):
                link.attrs = {"href": "{static}/" + found.path}
                continue
            note = self.issue(
                f"A link to {href[:80]} on the old site was removed (nothing imported is there); "
                "its text is kept.",
                "Link it to the page that has this now, or leave the text as it is.",
                blocking=False,
            )
            link.insert_after(NavigableString(self.token(note, inline=True)))
            link.unwrap()

    def _imported(self, href: str) -> str | None:
        parts = urlsplit(href)
        query = parse_qs(parts.query)
        for name in ("p", "page_id"):
            if name in query and f"?{name}={query[name][0]}" in self.old_links:
                return self.old_links[f"?{name}={query[name][0]}"]
        path = re.sub(r"/{2,}", "/", parts.path or "/")
        for candidate in (path, path.rstrip("/") + "/", path.rstrip("/")):
            if candidate in self.old_links:
                return self.old_links[candidate]
        return None

    def _unsafe(self, soup) -> None:
        for name, what in REMOVED.items():
            for element in soup.find_all(name):
                detail = ""
                src = element.get("src") or element.get("data") or element.get("action") or ""
                if src:
                    detail = f" from {urlsplit(src).netloc or src[:60]}"
                self.put_block(
                    element,
                    self.issue(
                        f"{what[0].upper()}{what[1:]}{detail} was removed: it would load or "
                        "run something from another site, which our pages never do.",
                        "Replace it with a link, a screenshot or one of our blocks (see README).",
                    ),
                )
        handlers = []
        for element in soup.find_all(True):
            for attribute in list(element.attrs):
                if attribute.lower().startswith("on"):
                    handlers.append(f"{attribute} on <{element.name}>")
        if handlers:
            note = self.issue(
                f"Script attributes ({', '.join(sorted(set(handlers))[:3])}) were removed.",
                "Check that this post still reads as intended.",
            )
            first = soup.find(True)
            if first is not None:
                first.insert_before(NavigableString(self.token(note, inline=True)))


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in ATTRIBUTE.finditer(text or "")}  # fmt: skip


def _is_video(url: str) -> bool:
    host = urlsplit(url).netloc.lower()
    return any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS)


def _external(href: str, uploads) -> bool:
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel"):
        return True
    return bool(parts.netloc) and not uploads.is_old_host(href)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _markdown_alt(alt: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", alt)


def _plain_text(html: str) -> str:
    if not html:
        return ""
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    text = SHORTCODE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _first_paragraph(soup, tokens: dict[str, str]) -> str:
    for paragraph in soup.find_all(["p", "li", "blockquote"]):
        text = paragraph.get_text(" ", strip=True)
        for token in tokens:
            text = text.replace(token, "")
        text = re.sub(r"\s+", " ", text).strip()
        if len(text.split()) >= 3 and not BARE_URL.match(text):
            return text
    text = soup.get_text(" ", strip=True)
    for token in tokens:
        text = text.replace(token, "")
    return re.sub(r"\s+", " ", text).strip()
