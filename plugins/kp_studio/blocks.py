"""Author blocks: ``/// name | argument``, YAML options, ``///``.

Built on ``pymdownx.blocks``. Every block of the studio site (``compare``,
``consultation``, and later ``video`` ...) is a subclass of ``StudioBlock`` and goes
through the same two steps:

1. **Parse** (while Pelican reads the Markdown): the block's body is YAML options, checked
   against the block's ``SCHEMA``. The block becomes a placeholder element,
   ``<div class="kp-block" data-kp-block="NAME" data-kp-line="12" data-kp-data="{json}">``,
   carrying the validated options, or ``data-kp-errors`` with what was wrong.
2. **Render** (``render.py``, after reading, with the generator's Jinja environment): the
   placeholder is replaced by the theme partial ``partials/NAME.html``, given the
   variables returned by the block's ``prepare()``. Errors are reported there, with
   ``file:line``, so content served from Pelican's cache reports them again.

Adding a block (e.g. ``/// video | caption``)::

    from kp_studio.blocks import Option, StudioBlock, register_block, text, web_url

    @register_block
    class VideoBlock(StudioBlock):
        NAME = "video"
        ARGUMENT = "required"           # "required", "optional" or "none"
        ARGUMENT_LABEL = "caption"      # the name used in data and error messages
        SYNTAX = "/// video | Caption\\nurl: https://...\\n///"
        SCHEMA = {
            "url": Option(web_url, example="url: https://www.youtube.com/watch?v=..."),
            "title": Option(text, default=None, example="title: Studio tour"),
        }

        def check(self, data):          # optional: cross-option rules, yield AuthorError
            return ()

        @classmethod
        def prepare(cls, data, ctx):    # optional: file checks etc.; ctx.error(...) to report
            return {"video": data}      # the variables of partials/video.html, None to drop

Import the module from ``kp_studio/__init__.py`` (or from your plugin's ``register()``
before Pelican reads content) and add ``theme/templates/partials/video.html``. The
content object gets ``kp_components`` (a set of block names it uses), so the theme loads
per-component CSS/JS only where needed.

Options may be written unindented under the header (the body of the block is YAML) or
indented by four spaces (pymdownx's own option syntax); both are validated the same way.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import yaml
from kp_common.errors import AuthorError
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from .source import current_source

PLACEHOLDER_CLASS = "kp-block"
LIST_ENTRY = re.compile(r"^[ \t>]*-[ \t]")
LIST_KEY = re.compile(r"^[\w-]+[ \t]*:")  # the next top-level option ends a list

REGISTRY: dict[str, type[StudioBlock]] = {}


def register_block(cls: type[StudioBlock]) -> type[StudioBlock]:
    """Class decorator: make ``/// NAME`` available in every Markdown file."""
    if not cls.NAME or cls.NAME.lower() != cls.NAME:
        raise ValueError(f"{cls.__name__}.NAME must be a lower-case block name")
    REGISTRY[cls.NAME] = cls
    return cls


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Option:
    """One option of a block: a converter (raises ``AuthorError``), a default, an example.

    ``parse`` gets the YAML value and returns the clean value; its ``AuthorError.problem``
    completes the sentence "option 'name' ...".
    """

    parse: Callable[[Any], Any]
    default: Any = REQUIRED
    example: str = ""


# -- converters --------------------------------------------------------------------------

QUOTE_HINT = "Put the value in double quotes."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of options"
    if value is None:
        return "empty"
    return type(value).__name__


def text(value: Any) -> str:
    """Non-empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AuthorError("is empty.", "Write the text after the colon.")
    if not isinstance(value, str):
        raise AuthorError(f"must be text, but YAML read {_kind(value)}.", QUOTE_HINT)
    return value.strip()


def whole_number(minimum: int, maximum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = value if isinstance(value, str) else _kind(value)
            raise AuthorError(
                f"must be a whole number from {minimum} to {maximum}, not {shown!r}.",
                f"Write a number such as {(minimum + maximum) // 2} (no % sign).",
            )
        if isinstance(value, float) and not value.is_integer():
            raise AuthorError(f"must be a whole number, not {value}.", "Round it.")
        if not minimum <= value <= maximum:
            raise AuthorError(
                f"is {int(value)}, outside {minimum}-{maximum}.",
                f"Use a number from {minimum} to {maximum}.",
            )
        return int(value)

    return parse


def yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise AuthorError(f"must be true or false, not {value!r}.", "Write true or false.")
    return value


def text_pair(value: Any) -> list[str]:
    """Exactly two non-empty texts: ``[Original, AI edit]``."""
    if not isinstance(value, list) or len(value) != 2:
        raise AuthorError("must be a list of two labels.", "Write it as [Original, AI edit].")
    try:
        return [text(item) for item in value]
    except AuthorError as error:
        raise AuthorError(f"has a label that {error.problem}", error.fix) from None


STATIC_PREFIX = re.compile(r"^\{(?:static|filename|attach)\}")
# ``before: {static}/images/x.jpg`` is how authors write paths elsewhere in Pelican, but an
# unquoted ``{`` starts a YAML mapping: quote such values before YAML reads them.
PELICAN_LINK_VALUE = re.compile(
    r"^([ \t]*[\w-]+[ \t]*:[ \t]*)(\{(?:static|filename|attach)\}[^\s\"']*)[ \t]*$", re.MULTILINE
)


def content_path(value: Any) -> str:
    """A file in the content folder: ``images/x.jpg`` or ``{static}/images/x.jpg``.

    Returns the normalised path relative to the content folder (POSIX separators).
    Whether the file exists is checked at render time, so cached content is checked too.
    """
    raw = text(value)
    if re.match(r"^[a-z][a-z0-9+.-]*:", raw, re.IGNORECASE) or raw.startswith("//"):
        raise AuthorError(
            f"is a web address ({raw!r}), but it must be a file in the content folder.",
            "Copy the image into content/images/ and write its path, such as "
            "images/ai-edits/photo.jpg.",
        )
    path = STATIC_PREFIX.sub("", raw).replace("\\", "/").lstrip("/")
    normal = posixpath.normpath(path)
    if normal in ("", ".") or normal == ".." or normal.startswith("../"):
        raise AuthorError(
            f"{raw!r} points outside the content folder.",
            "Write a path inside content/, such as images/ai-edits/photo.jpg.",
        )
    return normal


# -- the block ---------------------------------------------------------------------------


class StudioBlock(Block):
    """Base class of the studio's author blocks (see the module docstring)."""

    NAME: ClassVar[str] = ""
    ARGUMENT: ClassVar[Any] = "none"  # "required", "optional" or "none"
    ARGUMENT_LABEL: ClassVar[str] = "argument"
    SCHEMA: ClassVar[dict[str, Option]] = {}
    SYNTAX: ClassVar[str] = ""

    # pymdownx hooks ---------------------------------------------------------------------

    def on_init(self) -> None:
        self.source = current_source()
        self.line = self.source.next_line(self.NAME)
        self.header_options: dict[str, Any] = {}

    def _validate(self, parent: etree.Element, arg: Any, **options: Any) -> bool:
        # pymdownx would silently drop a block with an unknown or mistyped option and
        # render the author's text as a paragraph. Accept everything here and validate
        # against SCHEMA in on_end, where the error can be reported.
        self.argument = arg
        self.header_options = options
        self.options = {"attrs": {}}
        return True

    def on_markdown(self) -> str:
        return "raw"

    def on_create(self, parent: etree.Element) -> etree.Element:
        if self.line is not None:
            self.source.created.add(self.line)
        return etree.SubElement(
            parent,
            "div",
            {
                "class": PLACEHOLDER_CLASS,
                "data-kp-block": self.NAME,
                "data-kp-line": str(self.line or ""),
            },
        )

    def on_end(self, block: etree.Element) -> None:
        if self.line is not None:
            self.source.ended.add(self.line)
        body = block.text or ""
        block.text = None
        data, errors = self.parse(self.argument, body, self.header_options)
        if errors:
            block.set("data-kp-errors", _errors_json(errors))
        else:
            block.set("data-kp-data", json.dumps(data, ensure_ascii=False, sort_keys=True))
            # So that checks at render time (files, images) can name the option's line.
            lines = {name: self._option_line(name) for name in self.SCHEMA}
            block.set("data-kp-lines", json.dumps(lines, sort_keys=True))

    # parsing ----------------------------------------------------------------------------

    def parse(
        self, argument: str | None, body: str, header_options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any] | None, list[AuthorError]]:
        """Validate the argument and options; return (data, errors)."""
        errors: list[AuthorError] = []
        options = dict(header_options or {})
        if body.strip():
            try:
                loaded = yaml.safe_load(PELICAN_LINK_VALUE.sub(r'\1"\2"', body))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = self.line + 1 + mark.line if (self.line and mark) else self.line
                problem = getattr(exc, "problem", None) or "not valid YAML"
                return None, [
                    AuthorError(
                        f"The options of this '{self.NAME}' block are not valid YAML ({problem}).",
                        "Write one 'name: value' per line; put values that contain ':' "
                        "or '#' in double quotes.",
                        line,
                    )
                ]
            if not isinstance(loaded, dict):
                return None, [
                    AuthorError(
                        f"The body of a '{self.NAME}' block must be 'name: value' options.",
                        "Write one option per line, for example:\n" + self.SYNTAX,
                        self.line,
                    )
                ]
            options.update(loaded)

        data: dict[str, Any] = {}
        argument = (argument or "").strip()
        if self.ARGUMENT == "required" and not argument:
            errors.append(
                AuthorError(
                    f"This '{self.NAME}' block has no {self.ARGUMENT_LABEL}.",
                    f"Write it after a bar: '/// {self.NAME} | Your {self.ARGUMENT_LABEL}'.",
                    self.line,
                )
            )
        elif self.ARGUMENT == "none" and argument:
            errors.append(
                AuthorError(
                    f"A '{self.NAME}' block takes nothing after the bar ({argument!r}).",
                    f"Write just '/// {self.NAME}' and put settings on the lines below.",
                    self.line,
                )
            )
        if self.ARGUMENT != "none":
            data[self.ARGUMENT_LABEL] = argument or None

        for key in options:
            if key in self.SCHEMA:
                continue
            close = difflib.get_close_matches(str(key), self.SCHEMA, n=1)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            errors.append(
                AuthorError(
                    f"'{key}' is not an option of the '{self.NAME}' block.",
                    f"{hint}Known options: {', '.join(self.SCHEMA)}.",
                    self._option_line(key),
                )
            )

        for name, option in self.SCHEMA.items():
            if name not in options:
                if option.default is REQUIRED:
                    example = f" such as '{option.example}'" if option.example else ""
                    errors.append(
                        AuthorError(
                            f"The '{self.NAME}' block is missing its '{name}' option.",
                            f"Add a line{example} before the closing '///'.",
                            self.line,
                        )
                    )
                else:
                    data[name] = option.default
                continue
            try:
                data[name] = option.parse(options[name])
            except AuthorError as error:
                fix = error.fix
                if option.example:
                    fix = f"{fix} For example: '{option.example}'."
                errors.append(
                    AuthorError(
                        f"Option '{name}' of the '{self.NAME}' block {error.problem}",
                        fix,
                        self._option_line(name),
                    )
                )

        if not errors:
            errors.extend(
                replace(error, line=error.line or self.line) for error in self.check(data)
            )
        return (None if errors else data), errors

    def _option_line(self, key: Any) -> int | None:
        return self.source.option_line(self.line, str(key))

    def _entry_lines(self, key: str) -> list[int]:
        """Line of each ``- `` list entry under option ``key`` (for messages about entries)."""
        from .source import END, HEADER

        start = self._option_line(key)
        if start is None or start == self.line:
            return []
        lines: list[int] = []
        indent = None  # entries are the '- ' lines at the first one's indentation
        for number in range(start + 1, len(self.source.lines) + 1):
            line = self.source.lines[number - 1]
            if END.match(line) or HEADER.match(line) or LIST_KEY.match(line):
                break
            entry = LIST_ENTRY.match(line)
            if entry and indent in (None, len(entry.group(0))):
                indent = len(entry.group(0))
                lines.append(number)
        return lines

    def check(self, data: dict[str, Any]) -> Iterable[AuthorError]:
        """Rules across options; yield ``AuthorError`` (``line`` via ``_option_line``)."""
        return ()

    # rendering --------------------------------------------------------------------------

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx: Any) -> dict[str, Any] | None:
        """Template variables for ``partials/NAME.html``; None drops the block.

        ``ctx`` is a ``render.RenderContext``: the generator, the content object, the
        block's line, the plugin settings, and ``ctx.error(problem, fix)``.
        """
        return {cls.NAME: data}


def _errors_json(errors: Iterable[AuthorError]) -> str:
    return json.dumps(
        [{"line": e.line, "problem": e.problem, "fix": e.fix} for e in errors],
        ensure_ascii=False,
    )


def error_placeholder(name: str, line: int | None, errors: Iterable[AuthorError]) -> str:
    """HTML of a placeholder that only carries errors (used by the reader)."""
    element = etree.Element(
        "div",
        {
            "class": PLACEHOLDER_CLASS,
            "data-kp-block": name,
            "data-kp-line": str(line or ""),
            "data-kp-errors": _errors_json(errors),
        },
    )
    return "\n" + etree.tostring(element, encoding="unicode", method="html")


class StudioBlocksExtension(BlocksExtension):
    """Markdown extension registering every block in ``REGISTRY``."""

    def extendMarkdownBlocks(self, md, block_mgr) -> None:
        for block in REGISTRY.values():
            if block.NAME not in block_mgr.blocks:
                block_mgr.register(block, {})
