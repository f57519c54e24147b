"""The ``<picture>`` rewrite of each post, kept between builds.

``ResponsiveImages.rewrite`` remembers what it made of each post's HTML, keyed by the HTML,
the lead image, and the stamps of the picture template and of the photos it names, for as
long as its Pelican lives (a livereload session). With Pelican's content cache on (the build
driver turns it on) the same memo is kept in ``CACHE_PATH`` (``CACHE_FILE``) for the next
build: a build after one edited post parses and rewrites that post only, and plans the
other posts' photos again from what was kept (about 1 s of a 1,000-post build).

The file is scoped by a digest of kp_images' code and of the settings the rewrite reads
(widths, sizes, formats, site URL...); another scope reads as empty. The build driver drops
it with the content cache, so a cold build starts without it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kp_common import kept as kept_files

CACHE_FILE = "kp_images-rewritten"  # sitetools.build drops it with the content cache


def kept_path(settings: dict) -> Path | None:
    """Where the rewrites are kept, or None when this build keeps no content cache."""
    return kept_files.with_content_cache(settings, CACHE_FILE)


def scope(*settings_read: object) -> str:
    """What every kept rewrite depends on besides its own key: kp_images' code and the
    settings the rewrite reads."""
    digest = hashlib.sha256(repr(settings_read).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def load(path: Path | None, scope: str) -> dict:
    kept = kept_files.read(path)
    if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == scope):
        return {}
    return kept[1] if isinstance(kept[1], dict) else {}


def save(path: Path, scope: str, entries: dict) -> None:
    kept_files.write(path, (scope, entries))
