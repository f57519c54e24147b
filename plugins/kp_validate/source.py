"""Read a Markdown source the way Pelican does, keeping line numbers.

Pelican hands plugins the parsed metadata but not where each key was written, so the
checks read the file again: the front matter (Python-Markdown's ``meta`` extension
syntax, copied below so both agree on where it ends) gives each key its line, and
``line_of`` finds the line of a link or image target in the body.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from kp_common.errors import location

# The same patterns as markdown.extensions.meta, which Pelican's reader uses.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


class NotUtf8(Exception):
    def __init__(self, line: int, byte: int):
        super().__init__(f"byte 0x{byte:02X} on line {line}")
        self.line = line
        self.byte = byte


@dataclass
class MetaEntry:
    key: str  # lower case, as Pelican sees it
    value: str
    line: int


@dataclass
class Source:
    path: str
    lines: list[str]
    meta: list[MetaEntry] = field(default_factory=list)
    body_start: int = 1  # first line after the front matter

    def first(self, key: str) -> MetaEntry | None:
        return next((entry for entry in self.meta if entry.key == key), None)

    def all(self, key: str) -> list[MetaEntry]:
        return [entry for entry in self.meta if entry.key == key]

    @property
    def body(self) -> str:
        return "\n".join(self.lines[self.body_start - 1 :])

    def meta_line(self, *keys: str) -> int:
        """Line of the first of ``keys`` present, else the first line of the file."""
        for key in keys:
            entry = self.first(key)
            if entry:
                return entry.line
        return 1

    def line_of(self, *needles: str, ignore_case: bool = False) -> int | None:
        """First body line (else any line) that contains one of ``needles``, tried in
        order: the first needle found anywhere wins over the later ones."""
        for needle in needles:
            if not needle:
                continue
            candidates = {needle, unquote(needle), html.unescape(needle)}
            if ignore_case:
                candidates = {candidate.casefold() for candidate in candidates}
            for start in (self.body_start, 1):
                for number, text in enumerate(self.lines[start - 1 :], start):
                    text = text.casefold() if ignore_case else text
                    if any(candidate in text for candidate in candidates):
                        return number
        return None


def decode(data: bytes) -> str:
    """The text of a file as Pelican reads it (UTF-8, an optional BOM); NotUtf8 if not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _raise_not_utf8(data, error)


def _raise_not_utf8(data: bytes, error: UnicodeDecodeError):
    line = data[: error.start].count(b"\n") + 1
    raise NotUtf8(line, data[error.start]) from None


def parse(path: str, text: str) -> Source:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    source = Source(path=path, lines=lines)
    if not path.lower().endswith(MARKDOWN_SUFFIXES):
        return source
    index = 0
    if lines and BEGIN_RE.match(lines[0]):
        index = 1
    current: MetaEntry | None = None
    while index < len(lines):
        line = lines[index]
        if line.strip() == "" or END_RE.match(line):
            index += 1
            break
        key_match = META_RE.match(line)
        if key_match:
            current = MetaEntry(
                key_match.group("key").lower().strip(), key_match.group("value").strip(), index + 1
            )
            source.meta.append(current)
        else:
            more = META_MORE_RE.match(line)
            if not (more and current):
                break
            current.value = f"{current.value}\n{more.group('value').strip()}"
        index += 1
    source.body_start = index + 1
    return source


@lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int, size: int) -> Source | None:
    try:
        with open(path, "rb") as handle:
            return parse(path, decode(handle.read()))
    except (OSError, NotUtf8):
        return None


def load(path: str) -> Source | None:
    """The parsed source, or None when it cannot be read as UTF-8 text."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _load(path, status.st_mtime_ns, status.st_size)


def display(path: str) -> str:
    """A path as the author sees it in messages (relative to the working directory)."""
    return location(path)
