"""Import a WordPress export into ``content/``: posts, pages, images, redirects and a report.

For each post and page of the export (``export.read_export``) the text is converted
(``convert.Converter``), the front matter completed for this site (title, date, one category
with the rest as tags, slug, author, summary, the featured image as ``Image``), and the file
written to ``content/blog/`` or ``content/pages/``. A post is published only when WordPress
published it and nothing in it needs a person; otherwise it is written with ``Status: draft``
and the report says why, with the file and line. Its old addresses (the export's ``<link>``
and WordPress's ``?p=ID``) are added to the redirects file, held back (commented out) while
the post is a draft.

Nothing is written outside the content folder: every path is built from sanitised names and
checked to stay inside it. A post whose old address is already in the redirects file was
imported before and is left alone, so running the import twice changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kp_common import redirects as redirects_data
from kp_common.errors import AuthorError

from . import names
from .convert import Converter, Issue
from .export import UNPUBLISHED, Item, read_export
from .media import Uploads, attachment_for
from .report import ItemResult, Report

POSTER = "images/video/wordpress-video.jpg"
SUMMARY_LENGTH = 280
DEFAULT_CATEGORY = "Journal"
UNCATEGORIZED = {"uncategorized", "uncategorised"}
# Top-level names our site uses: a page may not take one as its slug.
RESERVED_PAGE_SLUGS = {"blog", "search", "drafts", "theme", "images", "video", "extra", "feeds",
                       "pagefind", "data", "404", "index", "category", "tag", "author"}  # fmt: skip
RESERVED_POST_SLUGS = {"category", "tag", "author", "archives", "categories", "tags", "authors",
                       "page"}  # fmt: skip


@dataclass
class Plan:
    item: Item
    slug: str
    path: Path  # the Markdown file, inside content/
    url: str  # the new address, "/blog/<slug>/"
    wanted_slug: str = ""  # the slug WordPress's name gives, before shortening and numbering
    clashes: bool = False  # that slug is taken by a file the site already has
    all_sources: list[str] = field(default_factory=list)  # every old address of the item
    sources: list[str] = field(default_factory=list)  # those that get a redirect
    title: str = ""


def import_wordpress(
    export_file: str | os.PathLike,
    content: str | os.PathLike,
    settings: dict,
    uploads: str | os.PathLike | None = None,
    default_category: str = DEFAULT_CATEGORY,
) -> Report:
    content = Path(content).resolve()
    export = read_export(export_file)
    hosts = {urlsplit(export.site_url).netloc}
    for attachment in export.attachments.values():
        hosts.add(urlsplit(attachment.url).netloc)
    media = Uploads(Path(uploads) if uploads else None, content, hosts)
    redirects_file = Path(redirects_data.settings_file(settings, content))
    existing_redirects = (
        redirects_file.read_text(encoding="utf-8") if redirects_file.exists() else ""
    )
    report = Report(export=Path(export_file).name, skipped=export.skipped)

    plans = _plan(export, content, settings, existing_redirects, report)
    old_links = {}  # "/old/path/" or "?p=ID" -> item id, for links between imported posts
    for plan in plans:
        for source in plan.all_sources:
            path, _, query = source.partition("?")
            old_links[f"?{query}" if query else path] = plan.item.id
    converter = Converter(export, media, POSTER, old_links)
    results: dict[str, tuple[Plan, str, list[Issue], dict]] = {}
    for plan in plans:
        text, issues, links = _render(plan, converter, export, media, default_category)
        results[plan.item.id] = (plan, text, issues, links)
    if converter.needs_poster:
        _write_poster(content / POSTER)

    drafts = {
        item_id
        for item_id, (_p, _t, issues, _l) in results.items()
        if any(i.blocking for i in issues)
    }
    entries = []
    for item_id, (plan, text, issues, links) in results.items():
        for token, target in links.items():
            target_plan = results[target][0]
            if target in drafts:
                text = re.sub(r"\[((?:[^\[\]\\]|\\.)*)\]\(" + re.escape(token) + r"\)", r"\1", text)
                issues.append(
                    Issue(
                        f"A link to '{target_plan.item.title}' (a draft) was removed.",
                        "Link it again, to {filename}/"
                        f"{_content_relative(target_plan.path, content)}, once it is published.",
                        blocking=False,
                    )
                )
            else:
                text = text.replace(
                    token, "{filename}/" + _content_relative(target_plan.path, content)
                )
        if item_id in drafts and not re.search(r"^Status: draft$", text, re.MULTILINE):
            text = text.replace("\n\n", "\nStatus: draft\n\n", 1)
        _write_inside(content, plan.path, text)
        _place(issues, text)
        published = item_id not in drafts
        report.items.append(ItemResult(plan.path, plan.item.kind, published, issues, plan.title))
        entries.append((plan, published))
    report.redirects_file = redirects_file
    report.redirects, report.held_back = _add_redirects(redirects_file, content, entries)
    report.images = sorted(set(media.copied.values()))
    return report


# ---------------------------------------------------------------------- planning


def _plan(export, content: Path, settings, existing_redirects: str, report) -> list[Plan]:
    article_dir = content / settings.get("ARTICLE_PATHS", ["blog"])[0]
    page_dir = content / settings.get("PAGE_PATHS", ["pages"])[0]
    existing = {"article": _existing_slugs(article_dir), "page": _existing_slugs(page_dir)}
    taken = {kind: set(slugs) for kind, slugs in existing.items()}
    taken["article"] |= RESERVED_POST_SLUGS
    taken["page"] |= RESERVED_PAGE_SLUGS
    site_paths = {"/", "/" + settings.get("INDEX_URL", "blog/")}
    for template in settings.get("DIRECT_TEMPLATES", []):
        url = settings.get(f"{template.upper()}_URL")
        if url:
            site_paths.add("/" + url)
    for slug in taken["page"]:
        site_paths.add("/" + settings.get("PAGE_URL", "{slug}/").format(slug=slug))
    plans, seen_sources = [], set()
    known = _known_sources(existing_redirects)
    for item in export.items:
        sources = _old_addresses(item, export.site_url)
        if any(source in known for source in sources):
            report.already_imported.append(item.title or item.id)
            continue
        wanted = names.slug_of(item.slug) or names.slug_of(item.title)
        wanted = (
            names.shorten_slug(wanted) or f"{'page' if item.kind == 'page' else 'post'}-{item.id}"
        )
        slug = names.unique(wanted, taken[item.kind])
        folder = page_dir if item.kind == "page" else article_dir
        url_setting = "PAGE_URL" if item.kind == "page" else "ARTICLE_URL"
        url = "/" + settings.get(url_setting, "{slug}/").format(slug=slug)
        plans.append(
            Plan(
                item,
                slug,
                folder / f"{slug}.md",
                url,
                wanted,
                wanted in existing[item.kind],
                sources,
            )
        )
        site_paths.add(url)
    for plan in plans:
        for source in plan.all_sources:
            path = source.split("?")[0]
            if source in seen_sources or (
                "?" not in source and (path in site_paths or path.rstrip("/") + "/" in site_paths)
            ):
                continue
            seen_sources.add(source)
            plan.sources.append(source)
    return plans


def _old_addresses(item: Item, site_url: str) -> list[str]:
    sources = []
    parts = urlsplit(item.link or "")
    base = urlsplit(site_url).path.rstrip("/")
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if base and path.startswith(base + "/"):
        path = path[len(base) :]
    query = "page_id" if item.kind == "page" else "p"
    if not parts.query and path not in ("", "/"):  # a ?p=ID permalink is the form below
        # An address no server could match safely is not redirected (the ?p=ID form still is).
        with contextlib.suppress(AuthorError):
            sources.append(redirects_data.check_source(unquote(path)))
    sources.append(f"/?{query}={item.id}")
    return sources


def _known_sources(text: str) -> set[str]:
    """Every old address in the redirects file, held-back (commented) ones included."""
    known = set()
    for match in re.finditer(r"^[ \t#]*-?[ \t]*from:[ \t]*(\S.*?)[ \t]*$", text, re.MULTILINE):
        value = match.group(1)
        with contextlib.suppress(ValueError, AuthorError):
            known.add(
                redirects_data.check_source(json.loads(value) if value[0] in "\"'" else value)
            )
    return known


def _existing_slugs(folder: Path) -> set[str]:
    slugs = set()
    for path in folder.glob("*.md") if folder.is_dir() else ():
        slugs.add(path.stem)
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                break
            if line.lower().startswith("slug:"):
                slugs.add(line.split(":", 1)[1].strip())
    return slugs


# ---------------------------------------------------------------------- one file


def _render(plan: Plan, converter: Converter, export, media: Uploads, default_category: str):
    item = plan.item
    converted = converter.convert(item)
    issues = list(converted.issues)
    head_notes: list[str] = []

    def front_issue(problem, fix, key="Status", blocking=True):
        issues.append(Issue(problem, fix, blocking, marker=f"\n{key}:"))

    title = item.title
    if not title:
        words = (converted.first_text or converted.summary).split()
        title = " ".join(words[:8]) or f"Untitled (WordPress {item.id})"
        front_issue(
            "This post had no title in WordPress; it is named after its first words.",
            "Write a title on the Title: line.",
            key="Title",
        )
    if item.status in UNPUBLISHED:
        front_issue(
            f"Kept as a draft: {UNPUBLISHED[item.status]}.",
            "Finish it, then delete the line 'Status: draft' to publish it.",
        )
    if item.password:
        front_issue(
            "It was password-protected in WordPress; this site has no passwords, so publishing "
            "it shows it to everyone.",
            "Decide whether everyone may read it; if so, delete the line 'Status: draft'.",
        )
    body = converted.markdown
    if not re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip():
        body = (body + "\n\n" if body else "") + "*This post was empty in WordPress.*"
        front_issue(
            "It was empty in WordPress.",
            "Write it, or delete the file (and its redirects) if it is not needed.",
        )
    summary = _summary(converted.summary or title)

    image = image_alt = None
    if item.thumbnail_id:
        attachment = export.attachments.get(item.thumbnail_id)
        relative = attachment.file if attachment else ""
        found = media.copy(relative) if relative else None
        if attachment is None:
            head_notes.append(
                converter.issue(
                    f"Its featured image (attachment {item.thumbnail_id}) is not in the export.",
                    "Add 'Image: images/...' and 'Image_alt: ...' to the front matter.",
                )
            )
        elif found is None:
            head_notes.append(
                converter.issue(
                    f"Its featured image {relative} is not in the uploads backup.",
                    f"Put it under content/{media_path(relative)} and add 'Image: "
                    f"{media_path(relative)}' and 'Image_alt: ...' to the front matter.",
                )
            )
        elif not attachment.alt:
            head_notes.append(
                converter.issue(
                    f"Its featured image {found.path} has no alt text.",
                    f"Add 'Image: {found.path}' and 'Image_alt: <what it shows>' to the front "
                    "matter.",
                )
            )
        else:
            image, image_alt = found.path, attachment.alt
    if head_notes:
        issues += converter.issues[len(converter.issues) - len(head_notes) :]
        body = "\n\n".join([*head_notes, body])

    meta = [("Title", _one_line(title))]
    if item.kind == "article":
        if item.date:
            meta.append(("Date", item.date))
        if item.modified and item.date and item.modified > item.date:
            meta.append(("Modified", item.modified))
        category, tags, dropped = _taxonomy(item, default_category)
        meta.append(("Category", category))
        if tags:
            meta.append(("Tags", ", ".join(tags)))
        shortened = [n for n in item.categories + item.tags
                     if names.taxonomy_name(n) != re.sub(r"[\s,;]+", " ", n).strip()]  # fmt: skip
        for name in shortened:
            issues.append(
                Issue(
                    f"The category or tag {name[:40]!r}... was too long for a web address and "
                    f"is now {names.taxonomy_name(name)!r}.",
                    "Nothing to do, unless you prefer a shorter name of your own.",
                    blocking=False,
                    marker="\nCategory:",
                )
            )
        for name in dropped:
            issues.append(
                Issue(
                    f"The tag or category {name!r} has no letters or digits and was left out.",
                    "Add a tag with words if it mattered.",
                    blocking=False,
                    marker="\nTags:",
                )
            )
    meta.append(("Slug", plan.slug))
    if plan.clashes:
        what = "page" if item.kind == "page" else "post"
        front_issue(
            f"The site already has a {what} with the slug {plan.wanted_slug!r}; this one "
            f"became {plan.slug!r}.",
            "Merge the two by hand and delete this file, or keep both by deleting 'Status: draft'.",
            key="Slug",
        )
    elif plan.slug != plan.wanted_slug or (item.slug and names.slug_of(item.slug) != plan.slug):
        issues.append(
            Issue(
                f"Its address changed: the slug {item.slug[:60] or '(none)'!r} became "
                f"{plan.slug!r} (too long, taken, or not plain letters); the old address "
                "redirects here.",
                "Nothing to do, unless you prefer another Slug.",
                blocking=False,
                marker="\nSlug:",
            )
        )
    if item.kind == "article" and item.author:
        meta.append(("Author", _one_line(item.author)))
    meta.append(("Summary", _markdown_text(summary)))
    if image:
        meta += [("Image", image), ("Image_alt", _one_line(image_alt))]
    if any(issue.blocking for issue in issues):
        meta.append(("Status", "draft"))
    text = "".join(f"{key}: {value}\n" for key, value in meta) + "\n" + body.strip() + "\n"
    plan.title = title
    return text, issues, converted.links


def media_path(relative: str) -> str:
    return "images/wordpress/" + "/".join(names.safe_file_name(p) for p in relative.split("/"))


def _taxonomy(item: Item, default_category: str):
    categories = [names.taxonomy_name(c) for c in item.categories]
    tags = [names.taxonomy_name(t) for t in item.tags]
    dropped = [n for n in categories + tags if n and not names.slug_of(n)]
    categories = [c for c in categories if names.slug_of(c)]
    tags = [t for t in tags if names.slug_of(t)]
    chosen = [c for c in categories if c.lower() not in UNCATEGORIZED]
    category = chosen[0] if chosen else default_category
    rest, seen = [], {names.slug_of(category)}
    for name in [*chosen[1:], *tags]:
        if names.slug_of(name) not in seen:
            seen.add(names.slug_of(name))
            rest.append(name)
    return category, rest, dropped


def _summary(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.-–—")
    return cut + "…"


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _markdown_text(value: str) -> str:
    """Pelican renders Summary as Markdown: keep it the plain text it is."""
    value = _one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = re.sub(r"([\\`*_\[\]])", r"\\\1", value)
    return "\\" + value if value.startswith(("#", "-", "+", ">")) else value


def _place(issues: list[Issue], text: str) -> None:
    lines = text.splitlines()
    for issue in issues:
        if issue.line is not None or not issue.marker:
            continue
        needle = issue.marker.lstrip("\n")
        for number, line in enumerate(lines, start=1):
            if (issue.marker.startswith("\n") and line.startswith(needle)) or (
                not issue.marker.startswith("\n") and needle in line
            ):
                issue.line = number
                break


def _content_relative(path: Path, content: Path) -> str:
    return path.resolve().relative_to(content).as_posix()


def _write_inside(content: Path, path: Path, text: str) -> None:
    target = path.resolve()
    if content not in target.parents:
        raise ValueError(f"{path} is outside the content folder; refusing to write it")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(f"{target} exists; the import never overwrites a file")
    target.write_text(text, encoding="utf-8")


def _write_poster(path: Path) -> None:
    """A plain 16:9 poster for imported videos (our facade needs one of our own)."""
    if path.exists():
        return
    from sitetools.samples import backdrop

    path.parent.mkdir(parents=True, exist_ok=True)
    backdrop((1280, 720), (74, 70, 66), (28, 26, 24)).convert("RGB").save(path, quality=85)


# ---------------------------------------------------------------------- redirects


def _add_redirects(redirects_file: Path, content: Path, entries) -> tuple[int, int]:
    """Append the imported posts' old addresses; drafts' ones commented out. Returns counts."""
    lines, added, held = [], 0, 0
    for plan, published in entries:
        if not plan.sources:
            continue
        relative = _content_relative(plan.path, content)
        if published:
            lines.append(f"  # {relative}")
        else:
            lines.append(
                f"  # {relative} is a draft: when you publish it, remove the '# ' before the "
                "lines below."
            )
        for source in plan.sources:
            prefix = "  " if published else "  # "
            lines += [
                f"{prefix}- from: {json.dumps(source)}",
                f"{prefix}  to: {json.dumps(plan.url)}",
            ]
            if published:
                added += 1
            else:
                held += 1
    if not lines:
        return 0, 0
    if redirects_file.exists():
        text = redirects_file.read_text(encoding="utf-8")
        _, errors = redirects_data.parse(text)
        if errors or not re.search(r"^redirects:[ \t]*$", text, re.MULTILINE):
            raise ValueError(
                f"{redirects_file} cannot be extended: it must end with a 'redirects:' list "
                "(fix it, then import again)."
            )
        text = text.rstrip("\n") + "\n"
    else:
        text = (
            "# Old addresses that must keep working (see README, 'Moving from WordPress').\n"
            "redirects:\n"
        )
    if content not in redirects_file.resolve().parents:
        raise ValueError(f"{redirects_file} is outside the content folder")
    redirects_file.parent.mkdir(parents=True, exist_ok=True)
    redirects_file.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return added, held


__all__ = ["attachment_for", "import_wordpress"]
