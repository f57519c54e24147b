"""``/// gallery``: a grid of thumbnails, each linking to its full image; a lightbox with JS.

Two ways to say which images, alt text required for every one::

    /// gallery | Recent headshots          # optional: the gallery's accessible name
    folder: images/portfolio                # every image in the folder, by file name;
    ///                                     # alt text from images/portfolio/gallery.yaml

    /// gallery | Recent headshots
    images:                                 # or a list; with 'folder', src is a file name
      - src: images/portfolio/amara.jpg     #   in that folder; without it, a content path
        alt: Amara, smiling, in a green jacket
        caption: Personal branding, studio  # optional
    ///

The sidecar ``<folder>/gallery.yaml`` holds the same list under ``images:`` (Pelican
ignores ``*.yaml`` under content, see ``IGNORE_FILES``, so it is never published). A
folder image without an entry, an entry without a file, an entry without ``alt``: each is
an author error naming the Markdown or sidecar file and line.

Parsing checks the options and each entry; rendering (``prepare``) reads the folder and
the files, since they may change while a page stays in Pelican's cache. Thumbnails carry
the displayed width and height (no layout shift). ``partials/gallery.html`` holds the
markup, including a closed ``<dialog>`` that ``js/lightbox.js`` opens; without JS the
links go to the full images: kp_images derivatives (never the camera original), the
largest no longer than ``KP_IMAGES["max_edge"]``.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any, ClassVar

from kp_common.errors import AuthorError, report

from . import datafile, imagefile
from .aspect import aspect_class
from .blocks import Option, StudioBlock, content_path, register_block, text

SIDECAR = "gallery.yaml"
ENTRY_FIELDS = ("src", "alt", "caption")


def entry_list(value: Any) -> list[dict[str, Any]]:
    """A list of ``src``/``alt``/``caption`` entries (each entry is checked in ``check``)."""
    if not isinstance(value, list) or not value:
        raise AuthorError(
            "must be a list of images.",
            "Start each image with '- src: ...' on its own line, then 'alt: ...' below it.",
        )
    if not all(isinstance(entry, dict) for entry in value):
        raise AuthorError(
            "must list each image as 'src:' and 'alt:' lines.",
            "Start each image with '- src: ...' and indent its 'alt: ...' line to match.",
        )
    return value


@register_block
class GalleryBlock(StudioBlock):
    NAME = "gallery"
    ARGUMENT = "optional"
    ARGUMENT_LABEL = "title"
    SYNTAX = "/// gallery | Recent headshots\nfolder: images/portfolio\n///"
    SCHEMA: ClassVar[dict[str, Option]] = {
        "folder": Option(content_path, default=None, example="folder: images/portfolio"),
        "images": Option(
            entry_list, default=None, example="images: [{src: images/a.jpg, alt: Amara}]"
        ),
    }

    def check(self, data: dict[str, Any]):
        if data["folder"] is None and data["images"] is None:
            yield AuthorError(
                "This gallery has neither 'folder' nor 'images'.",
                "Add 'folder: images/portfolio' (alt text in its gallery.yaml) or an "
                "'images:' list with 'src' and 'alt' for each image.",
                self.line,
            )
            return
        if data["images"] is not None:
            starts = self._entry_lines("images")
            entries, errors = check_entries(data["images"], starts, data["folder"] is not None)
            yield from errors
            data["images"] = entries

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        if data["folder"] is not None:
            entries = _folder_entries(data["folder"], data["images"], ctx)
        else:
            entries = data["images"]
        if not entries or ctx.failed:
            return None
        items = []
        for number, entry in enumerate(entries, start=1):
            item = _item(number, entry, ctx)
            if item is not None:
                items.append(item)
        if ctx.failed:
            return None
        return {
            "gallery": {
                "id": f"kp-gallery-{ctx.line or 0}",
                "title": ctx.typography(data["title"]) or "Gallery",
                "items": items,
            }
        }


# Justified rows about 15rem high in the 720 px content column (gallery.css): a portrait
# is about 230 px wide, a landscape up to 480 px; one photo a row on a phone.
THUMBNAIL_SIZES = "(min-width: 760px) 480px, (min-width: 480px) 50vw, 100vw"


def _item(number: int, entry: dict[str, Any], ctx) -> dict[str, Any] | None:
    """One photo: thumbnails and its full image from kp_images (AVIF/WebP/JPEG, never the
    original: the link and the lightbox get the JPEG derivatives, the largest no longer
    than ``KP_IMAGES["max_edge"]``). Without kp_images, the original, checked here."""
    where = entry.get("sidecar") or ctx.content.source_path
    line = entry.get("line") or ctx.option_line("images") or ctx.option_line("folder")
    try:
        path = imagefile.resolve(ctx.content_dir, entry["src"])
        picture = imagefile.web_image(
            ctx.generator.settings,
            path,
            entry["src"],
            entry["alt"],
            used_by=(where, line),
            sizes=THUMBNAIL_SIZES,
            css_class="kp-gallery__thumb",
            caption=entry.get("caption") or "",
            shown_on=ctx.content.source_path,
            # On a page without a lead image (the Portfolio) the first photo is the LCP
            # element: eager and high priority, like a post's first image (kp_images).
            eager=number == 1 and not ctx.content.metadata.get("image"),
        )
        if picture is None:
            width, height = imagefile.displayed_size(path, entry["src"])
    except AuthorError as error:
        _report(ctx, entry, error.problem, error.fix)
        return None
    item = {
        "number": number,
        "href": "{static}/" + entry["src"],
        "src": "{static}/" + entry["src"],
        "path": entry["src"],
        "alt": entry["alt"],
        "caption": ctx.typography(entry.get("caption")),
    }
    if picture is None:
        return {**item, "width": width, "height": height, "aspect": aspect_class(width, height)}
    full_srcset = picture.srcset
    if picture.full_width not in picture.widths:
        full_srcset += f", {picture.full} {picture.full_width}w"
    return {
        **item,
        "href": picture.full,
        "src": picture.src,
        "width": picture.full_width,
        "height": picture.full_height,
        "picture": picture,
        "full_srcset": full_srcset,
        "aspect": aspect_class(picture.width, picture.height),
    }


def check_entries(
    raw: list[dict[str, Any]], starts: list[int], in_folder: bool, fallback_line: int | None = None
) -> tuple[list[dict[str, Any]], list[AuthorError]]:
    """Validate ``src``/``alt``/``caption`` entries; (clean entries, errors with lines).

    ``starts`` are the lines where the entries begin (for messages); entries loaded from a
    sidecar are ``datafile.Located`` and know their own lines.
    """
    entries, errors = [], []
    for index, entry in enumerate(raw):
        line = getattr(entry, "line", None) or (
            starts[index] if index < len(starts) else fallback_line
        )
        name = f"Image {index + 1} of the gallery"
        for key in entry:
            if key not in ENTRY_FIELDS:
                errors.append(
                    AuthorError(
                        f"{name}: '{key}' is not a field of a gallery image.",
                        "Use only 'src', 'alt' and 'caption'.",
                        _key_line(entry, key, line),
                    )
                )
        clean: dict[str, Any] = {"line": line}
        try:
            src = content_path(entry.get("src"))
        except AuthorError as error:
            errors.append(AuthorError(f"{name}: 'src' {error.problem}", error.fix, line))
            continue
        clean["src"] = src
        if in_folder and "/" in src:
            errors.append(
                AuthorError(
                    f"{name}: 'src' ({src}) must be a file name in the gallery's folder.",
                    "Write just the file name, such as 'src: amara.jpg'.",
                    _key_line(entry, "src", line),
                )
            )
            continue
        try:
            clean["alt"] = text(entry.get("alt"))
        except AuthorError:
            errors.append(
                AuthorError(
                    f"{name} ({src}) has no alt text.",
                    "Add 'alt: ...' describing the photo for people who cannot see it, "
                    "such as 'alt: Amara, smiling, in a green jacket'.",
                    _key_line(entry, "alt", line),
                )
            )
            continue
        if entry.get("caption") is not None:
            try:
                clean["caption"] = text(entry["caption"])
            except AuthorError as error:
                errors.append(
                    AuthorError(
                        f"{name}: 'caption' {error.problem}",
                        error.fix,
                        _key_line(entry, "caption", line),
                    )
                )
                continue
        entries.append(clean)
    return entries, errors


def _key_line(entry: Any, key: str, line: int | None) -> int | None:
    if isinstance(entry, datafile.Located):
        return entry.line_of(key)
    return line


def _report(ctx, entry: dict[str, Any], problem: str, fix: str) -> None:
    """An error about one image: in the sidecar if it came from there, else in the page."""
    if entry.get("sidecar"):
        report(entry["sidecar"], entry.get("line"), problem, fix)
        ctx.failed = True
    else:
        ctx.error(problem, fix, entry.get("line") or ctx.option_line("images"))


def _folder_entries(folder: str, listed: list[dict] | None, ctx) -> list[dict[str, Any]] | None:
    """The folder's images, in the order of their alt-text entries; errors for any mismatch."""
    root = os.path.realpath(ctx.content_dir)
    path = os.path.realpath(os.path.join(root, folder))
    if os.path.commonpath([root, path]) != root or not os.path.isdir(path):
        ctx.error(
            f"The gallery folder {folder} does not exist in the content folder.",
            f"Check the spelling, and that content/{folder} is a folder of images.",
            ctx.option_line("folder"),
        )
        return None
    files = sorted(
        name
        for name in os.listdir(path)
        if os.path.splitext(name)[1].lower() in imagefile.IMAGE_SUFFIXES
    )
    if not files:
        ctx.error(
            f"The gallery folder {folder} has no images (JPEG, PNG, WebP, GIF or AVIF).",
            f"Copy the photos into content/{folder}.",
            ctx.option_line("folder"),
        )
        return None
    sidecar = os.path.join(path, SIDECAR)
    if listed is not None:
        entries = [dict(entry) for entry in listed]
        where, where_line = ctx.content.source_path, ctx.option_line("images")
    elif os.path.isfile(sidecar):
        entries = _sidecar_entries(sidecar, ctx)
        if entries is None:
            return None
        where, where_line = sidecar, 1
    else:
        ctx.error(
            f"The gallery folder {folder} has no alt text: there is no 'images:' list in "
            f"the block and no {folder}/{SIDECAR}.",
            f"Create content/{folder}/{SIDECAR} with 'images:' and, for each photo, "
            "'- src: file.jpg' and 'alt: what the photo shows'.",
            ctx.option_line("folder"),
        )
        return None
    known = set(files)
    result, described = [], set()
    for entry in entries:
        if entry["src"] not in known:
            _report(
                ctx,
                entry,
                f"The gallery image {folder}/{entry['src']} does not exist.",
                f"Check the file name; the folder has: {', '.join(files[:8])}.",
            )
            continue
        described.add(entry["src"])
        result.append({**entry, "src": posixpath.join(folder, entry["src"])})
    for name in files:
        if name not in described:
            report(
                where,
                where_line,
                f"The gallery image {folder}/{name} has no alt text.",
                f"Add '- src: {name}' with 'alt: what the photo shows' to the images list, "
                "or move the file out of the folder.",
            )
            ctx.failed = True
    return result


def _sidecar_entries(sidecar: str, ctx) -> list[dict[str, Any]] | None:
    try:
        data = datafile.load(sidecar)
    except AuthorError as error:
        report(sidecar, error.line, f"{SIDECAR} {error.problem}", error.fix)
        ctx.failed = True
        return None
    raw = data.get("images") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw or not all(isinstance(e, dict) for e in raw):
        report(
            sidecar,
            data.line_of("images") if isinstance(data, datafile.Located) else 1,
            f"{SIDECAR} must have 'images:' followed by a list of photos.",
            "Write 'images:' and, for each photo, '- src: file.jpg' and 'alt: ...'.",
        )
        ctx.failed = True
        return None
    entries, errors = check_entries(raw, [], in_folder=True)
    for error in errors:
        report(sidecar, error.line, error.problem, error.fix)
        ctx.failed = True
    return [{**entry, "sidecar": sidecar} for entry in entries]
