"""Slugs, file names and taxonomy names that are safe on every file system and web server.

WordPress allows slugs of 200 characters and category names of any length; Pelican writes one
folder per post, category and tag, and a file name longer than 255 bytes stops the build
(``File name too long``) without naming the post. Everything here is shortened at a word
boundary, to well under that, and made unique.
"""

from __future__ import annotations

import re

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

MAX_SLUG = 80  # characters: a readable address, far below any file name limit
MAX_NAME = 60  # a category or tag name
MAX_FILE_STEM = 80


def slug_of(text: str) -> str:
    return slugify(text or "", regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def shorten_slug(slug: str, limit: int = MAX_SLUG) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else cut


def unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = shorten_slug(slug, MAX_SLUG - len(suffix)).rstrip("-") + suffix
        number += 1
    taken.add(candidate)
    return candidate


def taxonomy_name(name: str) -> str:
    """A category or tag name with nothing Pelican would split or a slug could not hold."""
    name = re.sub(r"\s+", " ", name.replace(",", " ").replace(";", " ")).strip()
    if len(slug_of(name)) <= MAX_NAME:
        return name
    words, kept = name.split(" "), []
    for word in words:
        if len(slug_of(" ".join([*kept, word]))) > MAX_NAME:
            break
        kept.append(word)
    return " ".join(kept) if kept else name[:MAX_NAME]


def safe_file_name(name: str) -> str:
    """One path segment: ASCII letters, digits, dots, dashes and underscores only."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-.") or "file"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:8]
    stem = stem[:MAX_FILE_STEM].rstrip("-")
    return f"{stem}.{suffix}" if suffix else stem
