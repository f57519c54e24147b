"""What an import did, and exactly what it leaves for a person, each with its file and line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .convert import Issue


@dataclass
class ItemResult:
    path: Path
    kind: str  # "article" or "page"
    published: bool
    issues: list[Issue]
    title: str = ""

    @property
    def blocking(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.blocking]

    @property
    def notes(self) -> list[Issue]:
        return [issue for issue in self.issues if not issue.blocking]


@dataclass
class Report:
    export: str
    skipped: dict[str, int] = field(default_factory=dict)
    items: list[ItemResult] = field(default_factory=list)
    already_imported: list[str] = field(default_factory=list)
    redirects_file: Path | None = None
    redirects: int = 0
    held_back: int = 0
    images: list[str] = field(default_factory=list)

    @property
    def published(self) -> list[ItemResult]:
        return [item for item in self.items if item.published]

    @property
    def drafts(self) -> list[ItemResult]:
        return [item for item in self.items if not item.published]

    def needs_a_human(self) -> list[tuple[str, int | None, str]]:
        """(file, line, problem) for every blocking issue: what keeps a post a draft."""
        return [
            (_shown(item.path), issue.line, issue.problem)
            for item in self.drafts
            for issue in item.blocking
        ]

    def render(self) -> str:
        posts = sum(1 for item in self.items if item.kind == "article")
        lines = [
            f"WordPress import from {self.export}: {len(self.items)} imported "
            f"({posts} posts, {len(self.items) - posts} pages): {len(self.published)} published, "
            f"{len(self.drafts)} left as drafts.",
        ]
        if self.skipped:
            skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items()))
            lines.append(f"Not imported (not posts or pages): {skipped}.")
        if self.already_imported:
            lines.append(
                "Not imported again: their old address is already in the redirects file: "
                + ", ".join(self.already_imported)
                + "."
            )
        lines.append(f"Images copied into content/: {len(self.images)}.")
        if self.drafts:
            lines += ["", "Left as drafts, and what to do (each keeps its post a draft):"]
            for item in self.drafts:
                lines.append(f"  {_shown(item.path)}  ({item.title or 'untitled'})")
                for issue in item.blocking:
                    lines.append(f"    {_shown(item.path)}:{issue.line or 1}: {issue.problem}")
                    lines.append(f"        What to do: {issue.fix}")
        notes = [(item, issue) for item in self.items for issue in item.notes]
        if notes:
            lines += ["", "Worth a look (nothing here keeps a post unpublished):"]
            for item, issue in notes:
                lines.append(f"    {_shown(item.path)}:{issue.line or 1}: {issue.problem}")
                lines.append(f"        What to do: {issue.fix}")
        if self.redirects_file is not None:
            lines += [
                "",
                f"Redirects: {self.redirects} old addresses added to {_shown(self.redirects_file)}"
                + (
                    f", {self.held_back} more held back until their drafts are published."
                    if self.held_back
                    else "."
                ),
                "Next: `invoke build` (drafts are not published), then regenerate the nginx "
                "config (README, 'Headers and the web server') so our server answers the old "
                "addresses with a 301.",
            ]
        return "\n".join(lines)


def _shown(path: Path | str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
