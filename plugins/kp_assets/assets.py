"""Theme assets behind one template helper, fingerprinted in production.

Templates write ``{{ asset('css/site.css') | url }}`` and never a hard-coded path. In
development ``asset()`` gives the site path ``theme/css/site.css``; with ``ASSET_FINGERPRINT =
True`` (publishconf.py) it becomes ``theme/css/site.<hash>.css`` and the hashed copy is
written beside the original, so servers can cache it forever (``immutable``): a
changed file gets a new name.

Pelican copies every theme file under its plain name too. Once the pages use the hashed
names, the plain-named stylesheets and scripts are dead weight that a deploy would ship,
so they are deleted, unless another theme file still refers to one by its plain name (a
script importing a module): those stay, and so do images and fonts, which stylesheets
load by their plain relative names. Pages reach theme files only through ``asset()``, so
theme files are all that need reading.

Why not webassets: it needs a bundling step and a cache folder of its own for what is,
here, one stylesheet and a few small scripts; a content hash is all we need.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from pathlib import Path

from kp_common.forked import replay_target, replayed
from pelican import signals

logger = logging.getLogger(__name__)

HASH_LENGTH = 10
# Plain copies of fingerprinted files of these kinds are deleted once nothing names them.
DROPPED_SUFFIXES = (".css", ".js", ".mjs")
# Theme files that may name another theme file.
TEXT_SUFFIXES = (".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".html", ".xml")


def fingerprinted_name(relative_path: str, content: bytes) -> str:
    """``css/site.css`` → ``css/site.<first 10 hex of sha256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    path = Path(relative_path)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


# Block comments (CSS, JS) and whole-line ``//`` comments (JS): a file named in a comment
# ("the gallery and its lightbox, js/lightbox.js") is not loaded by it. A ``//`` after code
# is left alone (it may be part of a URL in a string), which can only keep a file.
_COMMENTS = re.compile(r"/\*.*?\*/|^[ \t]*//[^\n]*", re.S | re.M)


def _without_comments(text: str) -> str:
    return _COMMENTS.sub("", text)


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
        replay_target(self)

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

    @replayed  # a worker rendering pages notes what it used for this process
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

    def drop_plain_copies(self) -> list[str]:
        """With fingerprinting on, delete every stylesheet and script under its plain name
        that no other theme file refers to by name; returns what was deleted (relative
        paths). Pages name theme files only through ``asset()``, so in a fingerprinted
        build they never use a plain name: a plain copy is either named by another theme
        file or unused (e.g. the gallery's script on a site without a gallery)."""
        if not self.fingerprint or not self.output_dir.is_dir():
            return []
        texts = {
            path.relative_to(self.output_dir).as_posix(): _without_comments(
                path.read_text("utf-8", "replace")
            )
            for path in sorted(self.output_dir.rglob("*"))
            if path.suffix in TEXT_SUFFIXES and path.is_file()
        }
        hashed_names = set(self.used.values())
        candidates = {
            name
            for name in texts
            if Path(name).suffix in DROPPED_SUFFIXES and name not in hashed_names
        }
        own = {name: {name, self.used.get(name)} for name in candidates}
        # A referenced plain copy stays, and what it refers to stays too: grow the set of
        # kept files until nothing kept names another candidate.
        kept = {name for name in texts if name not in candidates}
        changed = True
        while changed:
            changed = False
            for name in sorted(candidates - kept):
                plain = Path(name).name
                if any(plain in texts[other] for other in kept - own[name] if other in texts):
                    kept.add(name)
                    changed = True
        dropped = sorted(candidates - kept)
        for name in dropped:
            (self.output_dir / name).unlink(missing_ok=True)
        return dropped


_assets: Assets | None = None


def install(pelican) -> None:
    global _assets
    _assets = Assets(pelican.settings)
    pelican.settings.setdefault("JINJA_GLOBALS", {})["asset"] = _assets


def write(pelican) -> None:
    if _assets is not None:
        _assets.write_fingerprinted()
        _assets.drop_plain_copies()


def register():
    signals.initialized.connect(install)
    signals.finalized.connect(write)
