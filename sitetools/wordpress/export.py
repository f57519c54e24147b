"""Reading a WordPress export (WXR): what each post, page and attachment says.

The fields Pelican's own importer reads (title, text, slug, date, author, categories, tags,
status, kind) come from ``pelican.tools.pelican_import.wp2fields``; the rest of what a move
needs and it leaves out (the post's ID and old address, its excerpt, featured image, password,
parent page, and the attachments' files and alt texts) is read here from the same XML.

``wp2fields`` reads only published and draft items. Private, pending and scheduled posts are
the studio's too, so it is handed a copy of the export in which they are marked draft: they
are read the same way and imported as drafts, never published.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pelican.tools import pelican_import

# WordPress statuses kept out of the published site, and why (said in the report).
UNPUBLISHED = {
    "draft": "it was a draft in WordPress",
    "private": "it was private in WordPress",
    "pending": "it was waiting for review in WordPress",
    "future": "it was scheduled in WordPress",
}


@dataclass
class Attachment:
    id: str
    url: str  # attachment_url
    file: str  # _wp_attached_file: the path under wp-content/uploads
    alt: str
    title: str
    parent: str


@dataclass
class Item:
    """One post or page of the export."""

    id: str
    kind: str  # "article" or "page"
    title: str  # plain text; "" when WordPress had none
    html: str  # the post's HTML as WordPress stored it
    slug: str  # WordPress's post_name, percent-decoded ("" for many drafts)
    date: str | None  # "YYYY-MM-DD HH:MM", studio time
    modified: str | None
    author: str
    categories: list[str]
    tags: list[str]
    status: str  # WordPress's: publish, draft, private, pending, future
    link: str  # the old permalink
    excerpt: str
    thumbnail_id: str
    password: str
    parent: str
    sticky: bool = False
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Export:
    path: Path
    site_url: str  # the old site's address (<link> of the channel)
    items: list[Item]
    attachments: dict[str, Attachment]
    skipped: dict[str, int]  # post types not imported (menus, custom types) and their counts


def _text(node, name: str) -> str:
    found = node.find(name)
    return (found.string or "").strip() if found is not None and found.string else ""


def _plain(value: str) -> str:
    """A title as plain text: WordPress titles may hold markup ("Title <em>With</em>")."""
    from bs4 import BeautifulSoup

    text = BeautifulSoup(value, "html.parser").get_text(" ")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _date(value: str) -> str | None:
    if not value or value.startswith("0000"):
        return None
    return value[:16]


def read_export(path: str | os.PathLike) -> Export:
    path = Path(path)
    soup = pelican_import.file_to_soup(str(path))
    channel = soup.rss.channel
    authors = {
        _text(author, "author_login"): _text(author, "author_display_name")
        for author in channel.find_all("author")
    }
    items = channel.find_all("item")
    attachments = {}
    for item in items:
        if _text(item, "post_type") != "attachment":
            continue
        meta = _postmeta(item)
        attachments[_text(item, "post_id")] = Attachment(
            id=_text(item, "post_id"),
            url=_text(item, "attachment_url"),
            file=meta.get("_wp_attached_file", ""),
            alt=meta.get("_wp_attachment_image_alt", "").strip(),
            title=_plain(item.title.string or "") if item.title else "",
            parent=_text(item, "post_parent"),
        )

    # wp2fields reads publish and draft items only: mark the other unpublished ones draft.
    original_status = {}
    for item in items:
        status = _text(item, "status")
        original_status[_text(item, "post_id")] = status
        if status in UNPUBLISHED and status != "draft":
            item.find("status").string = "draft"
    with tempfile.TemporaryDirectory(prefix="kp-wordpress-") as folder:
        copy = Path(folder) / "export.xml"
        copy.write_text(str(soup), encoding="utf-8")
        # wp2fields warns about untitled posts; the import report says it better.
        logger = logging.getLogger(pelican_import.__name__)
        level, logger.level = logger.level, logging.ERROR
        try:
            fields = list(pelican_import.wp2fields(str(copy), wp_custpost=True))
        finally:
            logger.setLevel(level)
    read = [item for item in items if _text(item, "status") in ("publish", "draft")]
    skipped: dict[str, int] = {}
    result = []
    for item, row in zip(read, fields, strict=True):
        title, content, _filename, date, creator, categories, tags, _status, kind, _ = row
        if kind not in ("article", "page"):
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        meta = _postmeta(item)
        post_id = _text(item, "post_id")
        result.append(
            Item(
                id=post_id,
                kind=kind,
                title="" if item.title is None or not item.title.string else _plain(title),
                html=content or "",
                slug=_decoded(_text(item, "post_name")),
                date=date or _date(_text(item, "post_modified")),
                modified=_date(_text(item, "post_modified")),
                author=authors.get(creator or "", "") or creator or "",
                categories=[c for c in categories if c],
                tags=[t for t in tags if t],
                status=original_status[post_id],
                link=_text(item, "link"),
                excerpt=_excerpt(item),
                thumbnail_id=meta.get("_thumbnail_id", ""),
                password=_text(item, "post_password"),
                parent=_text(item, "post_parent"),
                sticky=_text(item, "is_sticky") == "1",
                meta=meta,
            )
        )
    link = channel.find("link", recursive=False)
    return Export(
        path=path,
        site_url=(link.string or "").strip().rstrip("/") if link is not None else "",
        items=result,
        attachments=attachments,
        skipped=skipped,
    )


def _postmeta(item) -> dict[str, str]:
    meta = {}
    for entry in item.find_all("postmeta"):
        key = _text(entry, "meta_key")
        if key:
            meta[key] = _text(entry, "meta_value")
    return meta


def _excerpt(item) -> str:
    # <excerpt:encoded>; lxml's soup names it "encoded" like the content, with prefix "excerpt".
    for node in item.find_all("encoded"):
        if node.prefix == "excerpt":
            return (node.string or "").strip()
    return ""


def _decoded(slug: str) -> str:
    from urllib.parse import unquote

    return unquote(slug)
