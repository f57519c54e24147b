"""Author-facing build errors.

Every mistake an author can make is reported the same way: the file and line, what is
wrong, and how to fix it, in an author's words. Errors are logged, not raised, so one
build reports all of them; the build driver (``sitetools.build``) counts every error and
warning logged during a build and refuses to publish if there is any.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

logger = logging.getLogger("kp_studio")

# ``extra=`` for a record about an earlier build, logged once that build had returned
# (search indexing in the background under livereload): the console shows it, but it is not
# a problem of whichever build happens to be running. The build driver reads the flag.
AFTER_BUILD = {"after_build": True}


@dataclass(frozen=True)
class AuthorError(Exception):
    """A mistake in content or settings that the author must fix.

    Raise it from parsing code; the caller that knows the file and line reports it.
    """

    problem: str
    fix: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.problem} How to fix: {self.fix}"


def location(source_path: str | os.PathLike | None, line: int | None = None) -> str:
    """``content/blog/post.md:12`` relative to the working directory when possible."""
    if not source_path:
        return "<settings>"
    path = os.fspath(source_path)
    with contextlib.suppress(ValueError):  # another drive on Windows
        path = os.path.relpath(path)
    return f"{path}:{line}" if line else path


def report(source_path: str | os.PathLike | None, line: int | None, problem: str, fix: str) -> None:
    """Log one author error; the build goes on so that every error is reported."""
    logger.error("%s: %s\n    How to fix: %s", location(source_path, line), problem, fix)


def report_error(source_path: str | os.PathLike | None, error: AuthorError) -> None:
    report(source_path, error.line, error.problem, error.fix)
