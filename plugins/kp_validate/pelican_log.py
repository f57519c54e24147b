"""Pelican's own warnings about content, rewritten in the authors' format or dropped.

Pelican reports some content mistakes itself, in its own words and usually without a
line: "Could not process blog/x.md", "Unable to find 'x.md', skipping url replacement",
"Empty alt attribute for image x.jpg in ...". A logging filter on Pelican's loggers
catches those records:

* when one of our checks already reported the same problem (the file is in
  ``STATE.failed_files``, or the same key was reported), the record is dropped;
* otherwise it is reported again through ``kp_common.errors.report`` with the file, the
  line (found by searching the source) and a fix, and the original is dropped.

Which records are which (the texts, loggers and arguments of Pelican's log calls) is in
``kp_common.pelican_compat.MESSAGES``, tested against the installed Pelican.

Every other Pelican warning passes through unchanged, so the build driver still counts it
and fails: nothing is silently lost.
"""

from __future__ import annotations

import logging
import os
import sys

from kp_common.pelican_compat import MESSAGE_LOGGERS, content_being_linked, recognise

from . import source as sources
from .state import STATE, report_once, was_reported


def _content_path(relative_or_absolute: str) -> str:
    if os.path.isabs(relative_or_absolute):
        return relative_or_absolute
    return os.path.join(STATE.content_root, relative_or_absolute)


def _line(path: str, *needles: str) -> int | None:
    source = sources.load(path)
    return source.line_of(*needles) if source else None


def _meta_line(path: str, *keys: str) -> int | None:
    source = sources.load(path)
    return source.meta_line(*keys) if source else None


def _could_not_process(record: logging.LogRecord, fields: dict) -> bool:
    path = _content_path(str(fields["path"]))
    if os.path.abspath(path) in STATE.failed_files:
        return False
    error = sys.exc_info()[1]
    report_once(
        path,
        "unprocessable",
        "",
        None,
        f"Pelican could not read this file ({error or 'unknown error'}), so it would be "
        "left out of the site.",
        "check the front matter at the top of the file (one 'Key: value' per line, then an "
        "empty line) and the Markdown blocks in it.",
    )
    return False


def _missing_property(record: logging.LogRecord, fields: dict) -> bool:
    path = str(fields["path"])
    if os.path.abspath(path) in STATE.failed_files:
        return False
    prop = str(fields["property"])
    report_once(
        path,
        prop,
        "",
        1,
        f"This file has no {prop}, so it would be left out of the site.",
        f'add a line "{prop.capitalize()}: ..." to the front matter at the top of the file.',
    )
    return False


def _outside_output(record: logging.LogRecord, fields: dict) -> bool:
    path = str(fields["path"])
    if os.path.abspath(path) in STATE.failed_files:
        return False
    report_once(
        path,
        "save_as",
        "",
        _meta_line(path, "save_as", "slug", "url"),
        f"This file would be written outside the site folder ({fields['save_as']!r}).",
        "remove '..' and leading '/' from its Slug, Save_as or Url.",
    )
    return False


def _unknown_status(record: logging.LogRecord, fields: dict) -> bool:
    path = str(fields["path"])
    if os.path.abspath(path) in STATE.failed_files:
        return False
    report_once(
        path,
        "status",
        "",
        _meta_line(path, "status"),
        f"The status {fields['status']!r} is unknown, so this file would be skipped.",
        'use "Status: draft", "Status: hidden" or delete the line.',
    )
    return False


def _duplicate_definition(record: logging.LogRecord, fields: dict) -> bool:
    key, path = str(fields["key"]), str(fields["path"])
    if was_reported(path, "duplicate-key", key):
        return False
    report_once(
        path,
        "duplicate-key",
        key,
        _meta_line(path, key),
        f'"{key.capitalize()}:" is given more than once; only the first would be used.',
        f'keep one "{key.capitalize()}:" line and delete the others.',
    )
    return False


def _empty_alt(record: logging.LogRecord, fields: dict) -> bool:
    image, path = str(fields["image"]), str(fields["path"])
    report_once(
        path,
        "alt",
        image,
        _line(path, image),
        f"The image {image!r} has no alt text, so people who cannot see it learn nothing.",
        "describe the picture in the square brackets: ![Maya laughing in front of a grey "
        "backdrop](...).",
    )
    return False


def _unable_to_find(record: logging.LogRecord, fields: dict) -> bool:
    target = str(fields["target"])
    content = content_being_linked()
    if content is None:
        record.msg = f"{record.msg} (a link in a file that could not be identified)"
        return True
    path = content.source_path
    if was_reported(path, "outside", target):
        return False
    report_once(
        path,
        "link",
        target,
        _line(path, target),
        f"The link to {target!r} leads nowhere: there is no such file in the content folder.",
        "write the path of the target file relative to this file, e.g. "
        "{filename}other-post.md for a post in the same folder or {static}../images/x.jpg "
        "for an image, and check its spelling.",
    )
    return False


def _filename_for_static(record: logging.LogRecord, fields: dict) -> bool:
    target, relative = str(fields["target"]), str(fields["path"])
    path = _content_path(relative)
    report_once(
        path,
        "filename-static",
        target,
        _line(path, target),
        f"{{filename}} is used to link to the file {target!r}, which is not a post or page.",
        f"write {{static}} instead of {{filename}} in front of {target!r}.",
    )
    return False


def _shared_slug(record: logging.LogRecord, fields: dict) -> bool:
    paths = fields["paths"]
    STATE.duplicate_paths.update(os.path.abspath(path) for path in paths)
    for path in paths:
        others = ", ".join(sources.display(other) for other in paths if other != path)
        report_once(
            path,
            "duplicate",
            "|".join(sorted(paths)),
            _meta_line(path, "slug", "title"),
            f"This file and {others} get the same slug (the last part of the web address), "
            "so one would hide the other.",
            'give each a different "Slug:" (or a different title).',
        )
    return False


def _no_slug(record: logging.LogRecord, fields: dict) -> bool:
    # Reported with file and line by frontmatter; anything else keeps Pelican's words.
    return str(fields["name"]) not in STATE.slugless_names


# Pelican's messages (their texts: kp_common.pelican_compat.MESSAGES) and what to do with each.
HANDLERS = {
    "could_not_process": _could_not_process,
    "missing_property": _missing_property,
    "outside_output": _outside_output,
    "unknown_status": _unknown_status,
    "duplicate_definition": _duplicate_definition,
    "empty_alt": _empty_alt,
    "unable_to_find": _unable_to_find,
    "filename_for_static": _filename_for_static,
    "same_lang": _shared_slug,
    "several_originals": _shared_slug,
    "no_slug": _no_slug,
}


class PelicanMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        recognised = recognise(record)
        if recognised is None:
            return True
        name, fields = recognised
        try:
            return HANDLERS[name](record, fields)
        except Exception:  # never lose the original message to a bug in here
            return True


FILTER = PelicanMessages()


def install() -> None:
    for name in MESSAGE_LOGGERS:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
