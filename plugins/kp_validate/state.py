"""What this build has reported so far, so that one problem gives one message.

Several checks can see the same mistake (our front-matter scan and Pelican's own
reader both notice a bad date; our link check and Pelican's link replacement both
notice a missing ``{filename}`` target). The first report wins; the others look here
and stay quiet. The state is reset when a build starts (``initialized``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kp_studio.errors import report


@dataclass
class BuildState:
    content_root: str = ""
    # (absolute source path, kind, detail) of every problem reported.
    reported: set[tuple[str, str, str]] = field(default_factory=set)
    # Source files we reported as unreadable: Pelican's "Could not process" is redundant.
    failed_files: set[str] = field(default_factory=set)
    # Source files already reported as sharing a slug or an output path.
    duplicate_paths: set[str] = field(default_factory=set)
    # Category, tag and author names already reported as giving no slug.
    slugless_names: set[str] = field(default_factory=set)


STATE = BuildState()


def reset(content_root: str) -> None:
    """Forget the previous build (in place: other modules hold a reference to STATE)."""
    STATE.__init__(content_root=os.path.abspath(content_root))


def report_once(path: str, kind: str, detail: str, line: int | None, problem: str, fix: str):
    """Report unless the same kind of problem about the same thing was reported already."""
    key = (os.path.abspath(path), kind, detail)
    if key in STATE.reported:
        return
    STATE.reported.add(key)
    report(path, line, problem, fix)


def was_reported(path: str, kind: str, detail: str) -> bool:
    return (os.path.abspath(path), kind, detail) in STATE.reported
