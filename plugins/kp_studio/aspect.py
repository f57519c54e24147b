"""A photo's shape as one of a few CSS classes, so layouts can respect its aspect ratio.

The strict CSP forbids ``style=`` attributes, so a per-photo ``aspect-ratio`` or
``flex-grow`` cannot be written into the markup. Instead each photo gets the class of the
nearest ratio in :data:`ASPECTS` (``aspect-4x5``...), and ``gallery.css`` gives every class
its ratio once. The nearest ratio is within 4% of any photo between 1:2 and 2:1, so the
crop (``object-fit: cover``) never takes more than a sliver; the exact size still goes into
the ``width``/``height`` attributes.
"""

from __future__ import annotations

import math

# (name, width, height): portrait to landscape. gallery.css has one rule per name
# (tests/test_portfolio.py keeps the two in step).
ASPECTS = (
    ("1x2", 1, 2),
    ("9x16", 9, 16),
    ("3x5", 3, 5),
    ("2x3", 2, 3),
    ("3x4", 3, 4),
    ("4x5", 4, 5),
    ("1x1", 1, 1),
    ("5x4", 5, 4),
    ("4x3", 4, 3),
    ("3x2", 3, 2),
    ("5x3", 5, 3),
    ("16x9", 16, 9),
    ("2x1", 2, 1),
)


def aspect_class(width: int, height: int) -> str:
    """``aspect-WxH`` of the listed ratio nearest to ``width``/``height`` (in log scale, so
    a portrait and its landscape twin are judged alike)."""
    ratio = math.log(width / height)
    name, _w, _h = min(ASPECTS, key=lambda a: abs(math.log(a[1] / a[2]) - ratio))
    return f"aspect-{name}"
