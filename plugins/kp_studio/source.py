"""Which source file and line a Markdown block comes from.

pymdown-extensions does not tell a block where it starts, but the reader knows the file.
``StudioMarkdownReader`` (installed by the ``readers_init`` signal) reads the file once more,
notes the line of every ``/// name`` header of a registered block (skipping fenced code),
and publishes that map in a context variable while Pelican's own Markdown reader runs.
Blocks are created in document order, so the Nth ``compare`` block created is the Nth
``/// compare`` header in the file.

After the conversion the reader checks that every block header became a block and that
every block was closed, and appends an error placeholder for each that did not; the
renderer reports them together with every other error (see ``render.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from kp_common.errors import AuthorError
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

HEADER = re.compile(r"^[ \t>]*(/{3,})[ \t]*([\w-]+)[ \t]*(?:\|.*)?$")
END = re.compile(r"^[ \t>]*(/{3,})[ \t]*$")
FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


@dataclass
class SourceMap:
    """Block header lines of one Markdown file, and which blocks were built and closed."""

    path: str | None
    lines: list[str]
    headers: dict[str, list[int]]
    seen: Counter = field(default_factory=Counter)
    created: set[int] = field(default_factory=set)
    ended: set[int] = field(default_factory=set)
    instantiated: list[tuple[str, int]] = field(default_factory=list)

    def next_line(self, name: str) -> int | None:
        """Line of the next ``/// name`` header, in document order."""
        index = self.seen[name]
        self.seen[name] += 1
        lines = self.headers.get(name, [])
        line = lines[index] if index < len(lines) else None
        if line is not None:
            self.instantiated.append((name, line))
        return line

    def option_line(self, header_line: int | None, key: str) -> int | None:
        """Line of ``key:`` inside the block that starts at ``header_line``."""
        if header_line is None:
            return None
        pattern = re.compile(rf"^[ \t>]*{re.escape(key)}[ \t]*:")
        for number in range(header_line + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if END.match(text) or HEADER.match(text):
                break
            if pattern.match(text):
                return number
        return header_line

    def problems(self) -> Iterator[tuple[str, AuthorError]]:
        """Blocks whose header could not be parsed, and blocks never closed."""
        for name, line in self.instantiated:
            if line not in self.created:
                yield (
                    name,
                    AuthorError(
                        f"The options of this '{name}' block could not be read: the indented "
                        "lines after the header are not valid YAML.",
                        "Write one 'name: value' per line directly under the header (no "
                        "indent needed) and quote values that contain ':' or '#'.",
                        line,
                    ),
                )
            elif line not in self.ended:
                yield (
                    name,
                    AuthorError(
                        f"This '{name}' block is never closed.",
                        "Add a line with just '///' after its options.",
                        line,
                    ),
                )


def find_headers(text: str, names: Iterable[str]) -> dict[str, list[int]]:
    """1-based line numbers of ``/// name`` headers outside fenced code, per block name."""
    wanted = {name.lower() for name in names}
    headers: dict[str, list[int]] = {}
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        fence_match = FENCE.match(line)
        if fence is not None:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        match = HEADER.match(line)
        if match and match.group(2).lower() in wanted:
            headers.setdefault(match.group(2).lower(), []).append(number)
    return headers


_current: ContextVar[SourceMap | None] = ContextVar("kp_studio_source", default=None)


def current_source() -> SourceMap:
    """The file being read; an anonymous map when Markdown runs outside a reader."""
    source = _current.get()
    if source is None:
        source = SourceMap(path=None, lines=[], headers={})
        _current.set(source)
    return source


@contextmanager
def reading(path: str | None, text: str, names: Iterable[str]) -> Iterator[SourceMap]:
    """Publish the source map of ``text`` to the blocks while it is converted."""
    source = SourceMap(path=path, lines=text.splitlines(), headers=find_headers(text, names))
    token = _current.set(source)
    try:
        yield source
    finally:
        _current.reset(token)


class StudioMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, plus source lines for our blocks."""

    def read(self, source_path):
        from .blocks import REGISTRY, error_placeholder

        with pelican_open(source_path) as text:
            pass
        with reading(source_path, text, REGISTRY) as source:
            content, metadata = super().read(source_path)
        for name, problem in source.problems():
            content += error_placeholder(name, problem.line, [problem])
        return content, metadata


def install_reader(readers) -> None:
    """``readers_init`` handler: read Markdown with ``StudioMarkdownReader``."""
    for extension in MarkdownReader.file_extensions:
        current = readers.reader_classes.get(extension)
        if current is MarkdownReader:
            readers.reader_classes[extension] = StudioMarkdownReader
