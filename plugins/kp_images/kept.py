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
import logging
import pickle
from pathlib import Path

from kp_common.files import replace_file

CACHE_FILE = "kp_images-rewritten"  # sitetools.build drops it with the content cache

logger = logging.getLogger(__name__)


def kept_path(settings: dict) -> Path | None:
    """Where the rewrites are kept, or None when this build keeps no content cache."""
    if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")):
        return None
    return Path(settings.get("CACHE_PATH") or "cache") / CACHE_FILE


def scope(*settings_read: object) -> str:
    """What every kept rewrite depends on besides its own key: kp_images' code and the
    settings the rewrite reads."""
    digest = hashlib.sha256(repr(settings_read).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def load(path: Path | None, scope: str) -> dict:
    if path is None or not path.is_file():
        return {}
    try:
        with path.open("rb") as stream:
            kept_scope, entries = pickle.load(stream)  # noqa: S301  (our own cache, as Pelican's is)
    except Exception as error:  # a damaged or older file: rewritten, then replaced
        logger.debug("ignoring %s: %s", path, error)
        return {}
    return entries if kept_scope == scope and isinstance(entries, dict) else {}


def save(path: Path, scope: str, entries: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, pickle.dumps((scope, entries), protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError) as error:  # only costs the next build time
        logger.info("kp_images: could not keep the rewritten posts (%s)", error)
