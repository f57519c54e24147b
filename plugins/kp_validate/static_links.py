"""``{static}`` and ``{attach}`` links that point outside the content folder, or nowhere.

Pelican copies every file linked with ``{static}`` into the site, wherever it is on the
disk: ``{static}../../../etc/passwd`` in a post would publish the server's password file.
And a link to a file that does not exist is read all the same: Pelican's static generator
asks its file-stamp cache about it first, which logs "Cannot get modification stamp for
.../missing.jpg" with no post named and fails the build there.

So when the posts and pages have been read (``*_generator_finalized``, before the static
generator looks at the links), each such link is reported with the post's file and line
and removed from the list of files to copy: an outside file is never opened, and a missing
one is never asked about. The link itself stays in the post, so Pelican's "Unable to find"
and our link check see it and stay quiet (same report key: see ``state``).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from kp_common.contents import all_content
from kp_common.pelican_compat import html_source, intrasite_links

from . import source as sources
from .paths import inside_content
from .state import STATE, report_once


def refuse_outside_links(generator) -> None:
    context = generator.context
    for content in all_content([generator]):
        if not html_source(content):
            continue
        folder = os.path.relpath(os.path.dirname(content.source_path), STATE.content_root)
        refused = 0
        for what, written in intrasite_links(content):
            if what not in ("static", "attach"):
                continue
            value = urlparse(written).path
            relative_to = "" if value.startswith("/") else folder
            resolved = inside_content(STATE.content_root, value, relative_to)
            if resolved is None:
                _report_outside(content, value)
            elif not os.path.isfile(resolved):
                _report_missing(content, value, resolved)
            else:
                continue
            refused += 1
        if refused:
            # Pelican's own list of this post's files (paths from the content folder).
            for link in content.get_static_links():
                path = inside_content(STATE.content_root, link)
                if path is None or not os.path.isfile(path):
                    context["static_links"].discard(link)


def _line(content, value: str) -> int | None:
    source = sources.load(content.source_path)
    return source.line_of(value) if source else None


def _report_outside(content, value: str) -> None:
    report_once(
        content.source_path,
        "outside",
        value,
        _line(content, value),
        f"The file {value!r} is outside the content folder, so it is refused "
        "(it would have been published).",
        "put the file under content/images/ and write its path from there, e.g. "
        "{static}/images/<name>.",
    )


def _report_missing(content, value: str, resolved: str) -> None:
    missing = os.path.relpath(resolved, os.path.realpath(STATE.content_root))
    folder = os.path.dirname(resolved)
    try:
        near = sorted(entry for entry in os.listdir(folder) if not entry.startswith("."))
    except OSError:
        near = []
    listing = f" Files in that folder: {', '.join(near[:8])}." if near else ""
    # The key is the one Pelican's "Unable to find" and the link check use for this link.
    report_once(
        content.source_path,
        "link",
        value,
        _line(content, value),
        f"The file {value!r} does not exist in the content folder, so nothing can be shown "
        "or linked there.",
        f"check the spelling (upper/lower case matters) or add the file as "
        f"content/{missing}.{listing}",
    )
