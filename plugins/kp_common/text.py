"""Control characters in author text: found, named and refused.

HTML forbids control characters in a page's text (C0 other than tab, line feed and
carriage return, DEL and C1); XML, and so the Atom and RSS feeds, forbids them outright.
Pasted from a PDF or a word processor they are invisible in an editor, and a title carrying
one reaches every page that lists the post. They are refused, not stripped: the build driver
fails on any warning anyway, and a refusal keeps the source and the site saying the same.

``control_character(text)`` finds one written as itself or as a numeric character
reference (``&#7;``, ``&#x1b;``), which browsers decode to the same character.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
FIX = (
    "delete the invisible character (it often comes with text copied from a PDF or a word "
    "processor; turn on 'show invisible characters' in your editor to see it) or the escape "
    "that writes it (&#7;, or \\a and \\x07 in a quoted YAML value)."
)


def _is_control(code: int) -> bool:
    return code <= 0x10FFFF and bool(CONTROL.fullmatch(chr(code)))


def control_character(text: str) -> tuple[int, str] | None:
    """(column from 1, name such as 'U+0007 (BEL)') of the first control character in
    ``text``, written raw or as a character reference; None when there is none."""
    found = []
    raw = CONTROL.search(text)
    if raw:
        found.append((raw.start(), ord(raw.group())))
    for match in REFERENCE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        # &#128;-&#159; are read as Windows-1252 (&#133; is an ellipsis), not as controls.
        if _is_control(code) and not 0x80 <= code <= 0x9F:
            found.append((match.start(), code))
            break
    if not found:
        return None
    column, code = min(found)
    return column + 1, describe(code)


def describe(code: int) -> str:
    name = unicodedata.name(chr(code), "") or _C0_NAMES.get(code, "a control character")
    return f"U+{code:04X} ({name})"


_C0_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x0B: "VERTICAL TAB", 0x0C: "FORM FEED",
    0x1B: "ESCAPE", 0x7F: "DELETE",
}  # fmt: skip


def controls_in(value) -> str | None:
    """The first control character (described) in any string inside ``value`` (str, list,
    dict keys and values), for parsed YAML; None when there is none."""
    if isinstance(value, str):
        found = control_character(value)
        return found[1] if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple)):
        for item in value:
            found = controls_in(item)
            if found:
                return found
    return None
