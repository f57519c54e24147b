"""Theme assets behind one template helper, fingerprinted in production.

Templates write ``{{ asset('css/site.css') | url }}`` and never a hard-coded path. In
development ``asset()`` gives the site path ``theme/css/site.css``; with ``ASSET_FINGERPRINT =
True`` (publishconf.py) it becomes ``theme/css/site.<hash>.css`` and the hashed copy is
written beside the original, so servers can cache it forever (``immutable``): a
changed file gets a new name.

Why not webassets: it needs a bundling step and a cache folder of its own for what is,
here, one stylesheet and a few small scripts; a content hash is all we need.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

from pelican import signals

logger = logging.getLogger(__name__)

HASH_LENGTH = 10


def fingerprinted_name(relative_path: str, content: bytes) -> str:
    """``css/site.css`` → ``css/site.<first 10 hex of sha256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    path = Path(relative_path)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


class Assets:
    """The ``asset()`` template global for one build."""

    def __init__(self, settings: dict):
        self.static_dir = Path(settings["THEME"]) / "static"
        # A site path: the ``url`` filter (kp_common.urls) puts it under the page's SITEURL.
        self.url_prefix = settings["THEME_STATIC_DIR"]
        self.output_dir = Path(settings["OUTPUT_PATH"]) / settings["THEME_STATIC_DIR"]
        self.fingerprint = bool(settings.get("ASSET_FINGERPRINT", False))
        self.used: dict[str, str] = {}
        # A plain dict, not functools.cache: settings (and so this object) are pickled
        # into Pelican's content cache with every category, tag and author.
        self._names: dict[str, str] = {}

    def _resolve(self, relative_path: str) -> str:
        source = self.static_dir / relative_path
        if not source.is_file():
            raise FileNotFoundError(
                f"asset({relative_path!r}): no such file in {self.static_dir}. "
                "Templates may only refer to files under theme/static/."
            )
        if not self.fingerprint:
            return relative_path
        return fingerprinted_name(relative_path, source.read_bytes())

    def __call__(self, relative_path: str) -> str:
        name = self._names.get(relative_path)
        if name is None:
            name = self._names[relative_path] = self._resolve(relative_path)
        self.used[relative_path] = name
        return f"{self.url_prefix}/{name}"

    def write_fingerprinted(self) -> None:
        for original, hashed in self.used.items():
            if original == hashed:
                continue
            target = self.output_dir / hashed
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.static_dir / original, target)


_assets: Assets | None = None


def install(pelican) -> None:
    global _assets
    _assets = Assets(pelican.settings)
    pelican.settings.setdefault("JINJA_GLOBALS", {})["asset"] = _assets


def write(pelican) -> None:
    if _assets is not None:
        _assets.write_fingerprinted()


def register():
    signals.initialized.connect(install)
    signals.finalized.connect(write)
