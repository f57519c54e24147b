"""Front matter checks, run on every source file before Pelican reads it.

Pelican logs a bad date or a missing title as one line without a line number and then
skips the file, so the post silently disappears from the site. This scan runs when the
article and page generators start (before any file is read) and reports, with the line:

* a file that is not UTF-8 text;
* a missing or empty title, a missing date (posts), a date Pelican cannot parse;
* a category written as a list (posts have exactly one category);
* a key that may appear once given twice, an unknown status;
* a post or page with no text;
* a control character anywhere in the file (title, summary, alt texts, captions, block
  options), raw or as ``&#7;`` (see ``kp_common.text``): refused, never stripped.

Pelican's own messages about the same files are then dropped (see ``pelican_log``).

A long-lived Pelican (``invoke livereload``) checks again only the files whose size or
modification time changed since they were last found clean.
"""

from __future__ import annotations

import os

from kp_common.text import FIX as CONTROL_FIX
from kp_common.text import control_character
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, ensure_metadata_list
from pelican.utils import get_date, slugify

from . import source as sources
from .state import STATE, checked, report_once, was_clean

DATE_FIX = "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, for example 2026-03-14 09:30."
STATUSES = ("published", "draft", "hidden", "skip")


def check_article_sources(generator) -> None:
    settings = generator.settings
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    for relative in files:
        check_unless_unchanged(os.path.join(generator.path, relative), "post", settings)


def check_page_sources(generator) -> None:
    settings = generator.settings
    files = generator.get_files(settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"])
    for relative in files:
        check_unless_unchanged(os.path.join(generator.path, relative), "page", settings)


def check_unless_unchanged(path: str, kind: str, settings: dict) -> None:
    try:
        status = os.stat(path)
    except OSError:
        status = None
    # The settings the checks read cannot change under a running Pelican.
    key = status and (kind, status.st_mtime_ns, status.st_size, status.st_ino)
    if key and was_clean("front matter", path, key):
        return
    problems_before = STATE.problems_seen
    check_file(path, kind, settings)
    if key:
        checked("front matter", path, key, problems_before)


def check_file(path: str, kind: str, settings: dict) -> None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        text = sources.decode(data)
    except sources.NotUtf8 as error:
        STATE.failed_files.add(os.path.abspath(path))
        report_once(
            path,
            "encoding",
            "",
            error.line,
            f"This file is not saved as UTF-8 text (byte 0x{error.byte:02X} on this line "
            "cannot be read), so the site cannot show it.",
            "open the file in your editor and save it again with the encoding "
            '"UTF-8" (in most editors: File > Save with Encoding > UTF-8).',
        )
        return
    except OSError as error:
        STATE.failed_files.add(os.path.abspath(path))
        report_once(
            path,
            "unreadable",
            "",
            None,
            f"This file cannot be read ({error.strerror}).",
            "check that the file exists and that you may read it.",
        )
        return
    source = sources.parse(path, text)
    _check_controls(source)
    if not path.lower().endswith(sources.MARKDOWN_SUFFIXES):
        return
    status = source.first("status")
    if status and status.value.strip().lower() == "skip":
        return
    _check_title(source, kind)
    _check_dates(source, kind, settings)
    _check_category(source)
    _check_slugs(source, settings)
    _check_duplicates(source)
    _check_status(source)
    _check_body(source, kind)


MAX_CONTROL_REPORTS = 5  # per file: one pasted paragraph may carry dozens


def _check_controls(source: sources.Source) -> None:
    reported = 0
    fields = {entry.line: entry.key for entry in source.meta}
    for number, line in enumerate(source.lines, 1):
        found = control_character(line)
        if found is None:
            continue
        column, character = found
        if number in fields:
            # Slug, Save_as, Url, Lang, Category... become paths: a NUL in one stops
            # Pelican's writer with "embedded null byte" after the build has already
            # failed on this report, so the post is left out of the run instead.
            STATE.failed_files.add(os.path.abspath(source.path))
            STATE.unwritable_files.add(os.path.abspath(source.path))
        where = f"the {fields[number].capitalize()}" if number in fields else "this line"
        report_once(
            source.path,
            "control",
            str(number),
            number,
            f"{where[0].upper()}{where[1:]} contains the invisible control character "
            f"{character} (column {column}); web pages and feeds may not contain it.",
            CONTROL_FIX,
        )
        reported += 1
        if reported == MAX_CONTROL_REPORTS:
            return


def _fail(source: sources.Source, kind: str, detail: str, line, problem: str, fix: str):
    STATE.failed_files.add(os.path.abspath(source.path))
    report_once(source.path, kind, detail, line, problem, fix)


def _check_title(source: sources.Source, kind: str) -> None:
    title = source.first("title")
    if title is None:
        _fail(
            source,
            "title",
            "",
            1,
            f"This {kind} has no title, so it would be left out of the site.",
            'add a line like "Title: What to wear for your headshot" at the very top of '
            "the file, before the first empty line.",
        )
    elif not title.value.strip():
        _fail(
            source,
            "title",
            "",
            title.line,
            f"The title of this {kind} is empty.",
            'write the title after "Title:".',
        )


def _check_dates(source: sources.Source, kind: str, settings: dict) -> None:
    date = source.first("date")
    if date is None:
        is_draft = (source.first("status") or sources.MetaEntry("", "", 0)).value == "draft"
        if kind == "post" and not settings.get("DEFAULT_DATE") and not is_draft:
            _fail(
                source,
                "date",
                "",
                1,
                "This post has no date, so it would be left out of the blog.",
                f'add a line "Date: ..." to the front matter; {DATE_FIX}',
            )
    for key, replace_underscores in (("date", True), ("modified", False)):
        entry = source.first(key)
        if entry is None:
            continue
        value = entry.value.replace("_", " ") if replace_underscores else entry.value
        try:
            get_date(value)
        except (ValueError, OverflowError):
            _fail(
                source,
                key,
                "",
                entry.line,
                f"The {key} {entry.value!r} is not a date Pelican understands"
                + (", so this file would be skipped." if key == "date" else "."),
                DATE_FIX,
            )


def _check_category(source: sources.Source) -> None:
    entry = source.first("category")
    if entry is None:
        return
    value = entry.value.strip()
    if (
        any(separator in value for separator in ",;\n")
        or value.startswith(("[", "-", "{"))
        or value.endswith("]")
    ):
        report_once(
            source.path,
            "category",
            "",
            entry.line,
            f"The category {value!r} looks like a list; a post has exactly one category.",
            'keep one category (for example "Category: Headshots") and put the other '
            'words in "Tags:", separated by commas.',
        )


TAXONOMIES = {"category": "Category", "tags": "Tag", "author": "Author", "authors": "Author"}


def _check_slugs(source: sources.Source, settings: dict) -> None:
    """A category, tag or author needs letters or digits to get a web address."""
    for key, kind in TAXONOMIES.items():
        entry = source.first(key)
        if entry is None:
            continue
        names = [entry.value.strip()] if key in ("category", "author") else None
        for name in names or ensure_metadata_list(entry.value):
            if not name or _slug(name, kind, settings).strip("-_"):
                continue
            STATE.slugless_names.add(name)
            report_once(
                source.path,
                "slugless",
                name,
                entry.line,
                f"The {kind.lower()} {name!r} has no letters or digits, so it cannot get a "
                "web address.",
                f"name the {kind.lower()} with words, e.g. Headshots.",
            )


def _slug(name: str, kind: str, settings: dict) -> str:
    regex_subs = settings.get(
        f"{kind.upper()}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    )
    return slugify(
        name,
        regex_subs=regex_subs,
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def _check_duplicates(source: sources.Source) -> None:
    for key, allowed in DUPLICATES_DEFINITIONS_ALLOWED.items():
        entries = source.all(key)
        if allowed or len(entries) < 2:
            continue
        report_once(
            source.path,
            "duplicate-key",
            key,
            entries[1].line,
            f'"{entries[0].key.capitalize()}:" is given {len(entries)} times (first on line '
            f"{entries[0].line}); only the first would be used.",
            f'keep one "{entries[0].key.capitalize()}:" line and delete the others.',
        )


def _check_status(source: sources.Source) -> None:
    entry = source.first("status")
    if entry and entry.value.strip() and entry.value.strip() not in STATUSES:
        _fail(
            source,
            "status",
            "",
            entry.line,
            f"The status {entry.value.strip()!r} is unknown, so this file would be skipped.",
            'write "Status: draft" to keep it unpublished, "Status: hidden" to publish it '
            "without listing it, or delete the line to publish it.",
        )


def _check_body(source: sources.Source, kind: str) -> None:
    if source.body.strip():
        return
    report_once(
        source.path,
        "empty",
        "",
        source.body_start if source.body_start <= len(source.lines) else len(source.lines),
        f"This {kind} has no text after its front matter.",
        "write the text below the front matter, separated from it by one empty line "
        f"(or delete the file if the {kind} is not needed).",
    )


def leave_out_unwritable(content) -> None:
    """``content_object_init``: a post or page whose front matter holds a control character
    (reported above, so the build fails anyway) gets a status Pelican does not know, so its
    generator skips it (``Content.is_valid``) rather than writing it; Pelican's "unknown
    status" line about it is dropped with the others for that file (``pelican_log``)."""
    source = getattr(content, "source_path", None)
    if source and os.path.abspath(source) in STATE.unwritable_files:
        content.status = "refused"
