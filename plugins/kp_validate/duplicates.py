"""Two posts, pages or files that would be written to the same place.

Pelican either stops in the middle of writing ("Failed to overwrite ...") or, for two
posts with one slug, treats one as a translation of the other and leaves it out. Checked
once everything is read (``all_generators_finalized``), before anything is written: each
clash is reported on every file involved, with the line of its ``Slug:`` (or title), and
all but the first are taken out of the build so that writing can go on and report every
other problem too.
"""

from __future__ import annotations

import os
from collections import defaultdict

from kp_common.contents import CONTENT_LISTS, all_content
from pelican.contents import Static

from . import source as sources
from .state import STATE, report_once
from .targets import Outputs


def check_output_paths(generators, outputs: Outputs) -> None:
    by_output: dict[str, list] = defaultdict(list)
    everything = list(all_content(generators))
    for generator in generators:
        everything += getattr(generator, "staticfiles", None) or []
    for item in everything:
        if item.save_as:
            by_output[os.path.normpath(item.save_as)].append(item)
    for save_as, items in by_output.items():
        generated = outputs.generated.get(save_as.replace(os.sep, "/"))
        if generated:
            _clash_with_theme_page(generators, save_as, generated, items)
            continue
        if len(items) < 2:
            continue
        paths = [item.source_path for item in items]
        if all(os.path.abspath(path) in STATE.duplicate_paths for path in paths):
            _drop(generators, items[1:])
            continue
        for item in items:
            others = ", ".join(sources.display(p) for p in paths if p != item.source_path)
            source = sources.load(item.source_path) if not isinstance(item, Static) else None
            report_once(
                item.source_path,
                "duplicate",
                save_as,
                source.meta_line("slug", "save_as", "title") if source else None,
                f"This file and {others} would both be published as {save_as}, so one "
                "would overwrite the other.",
                'give each a different "Slug:" (the last part of its web address).',
            )
        STATE.duplicate_paths.update(os.path.abspath(path) for path in paths)
        _drop(generators, items[1:])


def _clash_with_theme_page(generators, save_as: str, generated: str, items: list) -> None:
    for item in items:
        source = sources.load(item.source_path) if not isinstance(item, Static) else None
        report_once(
            item.source_path,
            "duplicate",
            save_as,
            source.meta_line("slug", "save_as", "title") if source else None,
            f"This file would be published as {save_as}, where the site writes {generated}.",
            'give it a different "Slug:" (the last part of its web address).',
        )
    _drop(generators, items)


def _drop(generators, items) -> None:
    unwanted = {id(item) for item in items}
    for generator in generators:
        for name in (*CONTENT_LISTS, "staticfiles"):
            listed = getattr(generator, name, None)
            if isinstance(listed, list):
                listed[:] = [item for item in listed if id(item) not in unwanted]
        statics = generator.context.get("staticfiles")
        if isinstance(statics, list):
            statics[:] = [item for item in statics if id(item) not in unwanted]
