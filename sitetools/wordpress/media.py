"""Images from the old site: found in the uploads backup, copied into ``content/images/``.

WordPress keeps every size it made of an upload as its own file beside the original
(``photo-1024x683.jpg`` next to ``photo.jpg``). A post is copied with the file it showed, so
it looks as it did; when only the original is in the backup, that size is made from it
(cropped to fill, as WordPress makes its fixed sizes). Nothing is ever fetched from the old
host: a backup is the studio's own copy, and a fetch at import time would hide a missing file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageOps, UnidentifiedImageError

from .names import safe_file_name

SIZED = re.compile(r"^(?P<stem>.+)-(?P<w>\d+)x(?P<h>\d+)(?P<ext>\.[A-Za-z0-9]+)$")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
IMPORT_FOLDER = "images/wordpress"


@dataclass(frozen=True)
class Found:
    path: str  # the copy, relative to content/ (e.g. images/wordpress/2023/08/photo.jpg)
    relative: str  # its path in the uploads backup


class Uploads:
    """The ``wp-content/uploads`` backup (or none), and the copies made from it."""

    def __init__(self, folder: Path | None, content: Path, hosts: set[str]):
        self.folder = Path(folder).resolve() if folder else None
        self.content = Path(content).resolve()
        self.hosts = {host.lower() for host in hosts if host}
        self.copied: dict[str, str] = {}  # uploads path -> content path

    def relative_path(self, url: str) -> str | None:
        """The path of ``url`` inside the uploads folder, if it is an upload of the old site."""
        parts = urlsplit(url.strip())
        path = unquote(parts.path)
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return None
        if "/wp-content/uploads/" in path:
            return path.split("/wp-content/uploads/", 1)[1]
        if parts.netloc and path.lower().endswith(IMAGE_SUFFIXES):
            return path.lstrip("/")  # a host that serves uploads at its root (WordPress.com)
        return None

    def is_old_host(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        return bool(parts.netloc) and parts.netloc.lower() in self.hosts

    def copy(self, relative: str) -> Found | None:
        """Copy one upload (at the size named) into content/; None if the backup lacks it."""
        relative = relative.lstrip("/")
        if relative in self.copied:
            return Found(self.copied[relative], relative)
        if self.folder is None or ".." in relative.split("/"):
            return None
        source = (self.folder / relative).resolve()
        if self.folder not in source.parents:
            return None
        target_rel = IMPORT_FOLDER + "/" + "/".join(safe_file_name(p) for p in relative.split("/"))
        target = self._free(self.content / target_rel, source)
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(source, target)
        elif not self._resize_original(source, target):
            return None
        path = target.relative_to(self.content).as_posix()
        self.copied[relative] = path
        return Found(path, relative)

    def _free(self, target: Path, source: Path) -> Path:
        """``target``, or a numbered name beside it if another file already holds the name."""
        candidate, number = target, 1
        while candidate.exists() and (
            not source.is_file() or _digest(candidate) != _digest(source)
        ):
            number += 1
            candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
        return candidate

    def _resize_original(self, sized: Path, target: Path) -> bool:
        match = SIZED.match(sized.name)
        original = sized.with_name(match["stem"] + match["ext"]) if match else None
        if original is None or not original.is_file():
            return False
        try:
            with Image.open(original) as image:
                image = ImageOps.exif_transpose(image)
                size = (int(match["w"]), int(match["h"]))
                fitted = ImageOps.fit(image, size) if size != image.size else image.copy()
                target.parent.mkdir(parents=True, exist_ok=True)
                options = {"quality": 88} if target.suffix.lower() in (".jpg", ".jpeg") else {}
                if fitted.mode not in ("RGB", "L") and "quality" in options:
                    fitted = fitted.convert("RGB")
                fitted.save(target, **options)
        except (OSError, UnidentifiedImageError, ValueError):
            return False
        return True


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def attachment_for(relative: str, by_file: dict) -> object | None:
    """The attachment an upload (any of its sizes) belongs to."""
    if relative in by_file:
        return by_file[relative]
    folder, _, name = relative.rpartition("/")
    match = SIZED.match(name)
    if match:
        original = (
            f"{folder}/{match['stem']}{match['ext']}" if folder else match["stem"] + match["ext"]
        )
        if original in by_file:
            return by_file[original]
        scaled = original.replace(match["ext"], "-scaled" + match["ext"])
        return by_file.get(scaled)
    return None
