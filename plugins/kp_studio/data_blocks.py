"""``/// testimonials`` and ``/// packages``: the studio's data files, placed in a page.

::

    /// testimonials | What clients say     # the heading is optional
    limit: 3                               # optional: only the first N
    ///

    /// packages | Packages and prices
    ///

The entries come from ``content/data/testimonials.yaml`` and ``content/data/packages.yaml``
(``studio_data.py``), so a quote or a price is written once and shown everywhere it is
used (the home page includes ``partials/testimonials.html`` with the same data).
Each package card links to the consultation (``STUDIO["consultation"]``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from .blocks import Option, StudioBlock, register_block, whole_number
from .studio_data import PACKAGES_FILE, TESTIMONIALS_FILE


@register_block
class TestimonialsBlock(StudioBlock):
    NAME = "testimonials"
    ARGUMENT = "optional"
    ARGUMENT_LABEL = "heading"
    SYNTAX = "/// testimonials | What clients say\nlimit: 3   # optional\n///"
    SCHEMA: ClassVar[dict[str, Option]] = {
        "limit": Option(whole_number(1, 50), default=None, example="limit: 3"),
    }

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        testimonials = ctx.generator.settings.get("TESTIMONIALS") or []
        if not testimonials:
            ctx.error(
                f"This page shows testimonials, but content/{TESTIMONIALS_FILE} has none.",
                f"Add testimonials to content/{TESTIMONIALS_FILE} (see the README), or "
                "remove the block.",
            )
            return None
        return {
            "heading": ctx.typography(data["heading"]),
            "heading_id": f"testimonials-{ctx.line}",
            "testimonials": testimonials[: data["limit"]] if data["limit"] else testimonials,
        }


@register_block
class PackagesBlock(StudioBlock):
    NAME = "packages"
    ARGUMENT = "optional"
    ARGUMENT_LABEL = "heading"
    SYNTAX = "/// packages | Packages and prices\n///"
    SCHEMA: ClassVar[dict[str, Option]] = {}

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        packages = ctx.generator.settings.get("PACKAGES") or {}
        if not packages.get("items"):
            ctx.error(
                f"This page shows packages, but content/{PACKAGES_FILE} has none.",
                f"Add packages to content/{PACKAGES_FILE} (see the README), or remove the block.",
            )
            return None
        if ctx.settings.consultation is None:
            return None  # the settings error has been reported already
        return {
            "heading": ctx.typography(data["heading"]),
            "heading_id": f"packages-{ctx.line}",
            "packages": packages["items"],
            "cta": ctx.settings.consultation.as_dict(),
        }
