"""``{static}`` and ``{attach}`` links that point outside the content folder.

Pelican copies every file linked with ``{static}`` into the site, wherever it is on the
disk: ``{static}../../../etc/passwd`` in a post would publish the server's password file.
When the posts and pages have been read (and before the static generator looks at the
links), each such link is reported and removed from the list of files to copy, so the
file is never opened.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from kp_common.pelican_compat import html_source, intrasite_link_regex

from . import source as sources
from .paths import inside_content
from .state import STATE, report_once
from .targets import all_content


def refuse_outside_links(generator) -> None:
    context = generator.context
    for content in all_content([generator]):
        raw = html_source(content)
        if not raw:
            continue
        for match in intrasite_link_regex(content).finditer(raw):
            if match.group("what") not in ("static", "attach"):
                continue
            value = urlparse(match.group("value")).path
            folder = os.path.relpath(os.path.dirname(content.source_path), STATE.content_root)
            if inside_content(STATE.content_root, value, "" if value.startswith("/") else folder):
                continue
            for link in content.get_static_links():
                if inside_content(STATE.content_root, link) is None:
                    context["static_links"].discard(link)
            source = sources.load(content.source_path)
            report_once(
                content.source_path,
                "outside",
                value,
                source.line_of(value) if source else None,
                f"The file {value!r} is outside the content folder, so it is refused "
                "(it would have been published).",
                "put the file under content/images/ and write its path from there, e.g. "
                "{static}/images/<name>.",
            )
