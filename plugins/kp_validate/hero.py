"""The lead image of a post or page (``Image:`` and ``Image_alt:`` in the front matter).

Checked as soon as Pelican creates the post (``content_object_init``), before a template
or an image plugin can open the file: a path that leaves the content folder is refused
and removed from the post; a missing file, a file that is not published (outside
``STATIC_PATHS``) and a missing alt text are reported with the line of the key.
"""

from __future__ import annotations

import os

from kp_common.memo import is_file, realpath
from pelican.contents import Article, Page

from . import source as sources
from .paths import inside_content
from .state import report_once

IMAGE_EXAMPLE = "images/blog/what-to-wear.jpg"


def check_lead_image(content) -> None:
    if not isinstance(content, (Article, Page)):
        return
    image = content.metadata.get("image")
    if image is None:
        return
    path = content.source_path
    content_root = content.settings["PATH"]
    value = str(image).strip()
    resolved = inside_content(content_root, value)
    if resolved is None or value.startswith("{"):
        # Never let a template or plugin open it.
        content.metadata.pop("image", None)
        if hasattr(content, "image"):
            del content.image
        report_once(
            path,
            "image-outside",
            value,
            _line(path, "image"),
            f"The image {value!r} is not a path inside the content folder, so it is refused.",
            f"put the image under content/images/ and write its path from there, e.g. "
            f"Image: {IMAGE_EXAMPLE}.",
        )
        return
    if not is_file(resolved):
        report_once(
            path,
            "image-missing",
            value,
            _line(path, "image"),
            f"The image {value!r} does not exist in the content folder.",
            f"check the spelling (upper/lower case matters) or add the file as content/{value}.",
        )
    elif not _published(content.settings, _relative(resolved, content_root)):
        report_once(
            path,
            "image-unpublished",
            value,
            _line(path, "image"),
            f"The image {value!r} exists but is not in a folder the site publishes.",
            f"move it under one of {', '.join(content.settings['STATIC_PATHS'])} in the "
            "content folder.",
        )
    alt = content.metadata.get("image_alt")
    if alt is None or not str(alt).strip():
        report_once(
            path,
            "alt",
            os.path.basename(value),
            _line(path, "image_alt", "image"),
            f"The image {value!r} has no alt text, so people who cannot see it learn nothing.",
            'add a line "Image_alt: ..." that says what the picture shows, e.g. '
            '"Image_alt: Maya smiling in front of a warm grey backdrop".',
        )


def _line(path: str, *keys: str) -> int | None:
    """The line of the first of ``keys`` in the front matter (read only for a problem)."""
    source = sources.load(path)
    return source.meta_line(*keys) if source else None


def _published(settings: dict, relative: str) -> bool:
    relative = relative.replace(os.sep, "/")
    excluded = any(
        relative == ex or relative.startswith(ex.rstrip("/") + "/")
        for ex in settings.get("STATIC_EXCLUDES", [])
    )
    return not excluded and any(
        static in ("", ".") or relative == static or relative.startswith(static.rstrip("/") + "/")
        for static in settings["STATIC_PATHS"]
    )


def _relative(path: str, content_root: str) -> str:
    return os.path.relpath(path, realpath(content_root))
