"""What this build has reported so far, so that one problem gives one message.

Several checks can see the same mistake (our front-matter scan and Pelican's own
reader both notice a bad date; our link check and Pelican's link replacement both
notice a missing ``{filename}`` target). The first report wins; the others look here
and stay quiet. What was reported is forgotten when each run starts (``get_generators``):
a long-lived Pelican (``invoke livereload``) reports a problem again on every rebuild
until it is fixed.

``BuildState.clean`` remembers what was checked and found clean, keyed by everything the
check reads, so a long-lived Pelican checks only what an edit changed. It lives as long as
the Pelican object (reset at ``initialized``): an ordinary build starts with none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kp_common.errors import report


@dataclass
class BuildState:
    content_root: str = ""
    # (absolute source path, kind, detail) of every problem reported.
    reported: set[tuple[str, str, str]] = field(default_factory=set)
    # Source files we reported as unreadable: Pelican's "Could not process" is redundant.
    failed_files: set[str] = field(default_factory=set)
    # Source files with a control character in their front matter (already reported): left
    # out of the run, since a field such as Slug can make an address no file system takes.
    unwritable_files: set[str] = field(default_factory=set)
    # Source files already reported as sharing a slug or an output path.
    duplicate_paths: set[str] = field(default_factory=set)
    # Category, tag and author names already reported as giving no slug.
    slugless_names: set[str] = field(default_factory=set)
    # Output paths of static files refused (and not copied): links to them are not errors too.
    refused_outputs: set[str] = field(default_factory=set)
    # Every problem found, reported or already reported: what ``checked`` compares.
    problems_seen: int = 0
    # (check, subject) -> the key of the inputs it was last found clean with.
    clean: dict[tuple[str, str], object] = field(default_factory=dict)


STATE = BuildState()


def reset(content_root: str) -> None:
    """Forget the previous build (in place: other modules hold a reference to STATE)."""
    STATE.__init__(content_root=os.path.abspath(content_root))


def forget_reports(*_signal_args, **_signal_kwargs) -> None:
    """A new run of the same Pelican: report every problem again (keep ``clean``)."""
    STATE.__init__(content_root=STATE.content_root, clean=STATE.clean)


def was_clean(check: str, subject: str, key) -> bool:
    """Whether ``check`` found ``subject`` clean with these very inputs (``key``)."""
    return STATE.clean.get((check, subject)) == key


def checked(check: str, subject: str, key, problems_before: int) -> None:
    """Remember a clean result: no problem was found since ``problems_before``
    (``STATE.problems_seen`` when the check started)."""
    if STATE.problems_seen == problems_before:
        STATE.clean[(check, subject)] = key
    else:
        STATE.clean.pop((check, subject), None)


def report_once(path: str, kind: str, detail: str, line: int | None, problem: str, fix: str):
    """Report unless the same kind of problem about the same thing was reported already."""
    STATE.problems_seen += 1
    key = (os.path.abspath(path), kind, detail)
    if key in STATE.reported:
        return
    STATE.reported.add(key)
    report(path, line, problem, fix)


def was_reported(path: str, kind: str, detail: str) -> bool:
    STATE.problems_seen += 1  # asked only about a problem found again
    return (os.path.abspath(path), kind, detail) in STATE.reported
