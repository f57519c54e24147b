"""What an edit to posts' or pages' sources changes: which pages must be rendered again.

One set of rules for the two builds that render only some pages: the livereload session
(``sitetools.incremental``, in memory between edits) and the build driver reusing its last
output (``sitetools.reuse``, between processes). Both know which sources changed and what
listings and URLs depended on before the edit (``listed_fields`` of each post and page).

A page is rendered again when it shows a changed post or page:

* the page of the post itself, and any page whose template was handed content that is, or
  points at (a neighbour, a related post set by a plugin), the changed content;
* the numbered pages of a listing (home, blog index, category, tag and author pages) whose
  own objects include it; the other numbered pages of that listing are as they were;
* every page of ``DIRECT_TEMPLATES`` that is not paginated (archives, tags, ...: few, cheap).

Everything is rendered when the edit can move things around or change pages that do not
refer to it: a changed slug, date, status, category, tag, author, language, template or
URL (``STRUCTURAL_FIELDS``), a page's title when pages are listed in the menu, or a post
that is no longer read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pelican.contents import Content

# Metadata whose change can move a post between or within listings, or change its URL.
STRUCTURAL_FIELDS = (
    "slug",
    "date",
    "status",
    "category",
    "tags",
    "authors",
    "lang",
    "translation",
    "template",
    "override_url",
    "override_save_as",
)


def listed_fields(content: Content, settings: dict) -> tuple[str, ...]:
    """What listings and URLs depend on, from plain attributes (URL properties are slow,
    and with the settings unchanged they follow from these)."""
    values = [str(getattr(content, name, None)) for name in STRUCTURAL_FIELDS]
    # A page's title shows in every page's menu when pages are on the menu.
    if type(content).__name__ == "Page" and settings.get("DISPLAY_PAGES_ON_MENU"):
        values.append(str(getattr(content, "title", None)))
    return tuple(values)


@dataclass
class RebuildPlan:
    """Which outputs a rebuild writes; ``full`` means all of them."""

    full: bool
    changed: set[str] = field(default_factory=set)  # source paths relative to PATH
    reason: str = ""
    # The changed content objects of this run, by id (set once they are read).
    changed_ids: set[int] = field(default_factory=set)

    def refers_to_changed(self, value) -> bool:
        if isinstance(value, Content):
            return id(value) in self.changed_ids
        if isinstance(value, (list, tuple)):
            return any(id(item) in self.changed_ids for item in value)
        return False

    def content_refers_to_changed(self, content: Content) -> bool:
        """The content itself changed, or one of its attributes points at changed content
        (a neighbour set by a plugin, say)."""
        if id(content) in self.changed_ids:
            return True
        return any(self.refers_to_changed(value) for value in vars(content).values())

    def renders(
        self,
        template_name: str | None,
        kwargs: dict,
        object_lists: tuple[list, ...] | None,
        direct_templates,
    ) -> bool:
        """Whether a page must be rendered again: one ``write_file`` call's template name
        and keyword arguments, and for a numbered page of a paginated call its objects."""
        if self.full:
            return True
        if object_lists is not None:
            return any(self.refers_to_changed(objects) for objects in object_lists)
        if template_name in direct_templates:
            return True
        return any(
            self.content_refers_to_changed(value)
            if isinstance(value, Content)
            else self.refers_to_changed(value)
            for value in kwargs.values()
        )

    def escalated(
        self, contents: dict[str, Content], listed_before: dict[str, tuple], settings: dict
    ) -> RebuildPlan:
        """This plan once every file is read (``contents``: every post and page by source
        path relative to PATH): full if an edit changed what listings or URLs depend on,
        else with the changed objects' ids."""
        if self.full:
            return self
        for relative in self.changed:
            content = contents.get(relative)
            if content is None:
                return RebuildPlan(True, self.changed, f"{relative} is no longer published")
            if listed_fields(content, settings) != listed_before.get(relative):
                return RebuildPlan(True, self.changed, f"{relative}: URL, date or listing")
            self.changed_ids.add(id(content))
        return self
