"""YAML data files that remember where each value was written.

Testimonials, packages and gallery alt texts live in YAML files that authors edit by hand.
A mistake in them must be reported like a mistake in a post: ``file:line``, what is wrong,
how to fix it. PyYAML's ``safe_load`` forgets line numbers, so this loader builds the same
plain values but returns mappings as :class:`Located` dicts that also know the line of
the mapping and of each key. Duplicate keys, which YAML silently resolves to the last one,
are an error here.
"""

from __future__ import annotations

import os
from typing import Any

import yaml
from kp_common.errors import AuthorError


class Located(dict):
    """A dict from YAML, with ``line`` (of the mapping) and ``key_lines`` (of each key)."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise AuthorError(
                f"'{key}' is written twice in the same entry (lines "
                f"{mapping.key_lines[str(key)]} and {line}).",
                "Keep one of them.",
                line,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = line
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path: str | os.PathLike) -> Any:
    """The data in a YAML file; ``AuthorError`` (with the line) if it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise AuthorError(
            "is not UTF-8 text.", "Save the file as UTF-8 in your text editor.", None
        ) from None
    return loads(text)


def loads(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise AuthorError(
            f"cannot be read as YAML ({problem}).",
            "Check the indentation, and put values that contain ':' or '#' in double quotes.",
            mark.line + 1 if mark else None,
        ) from None
