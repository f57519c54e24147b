"""The one rule for turning a link into the URL a page writes.

Templates never join ``SITEURL`` and paths themselves (that glued ``SITEURL`` in front of an
external booking link, and made a site under a path link outside itself). They write
``{{ link | url }}``, and this decides:

* an absolute URL (``https:``, ``mailto:``, ``tel:``, any scheme) or an in-page ``#anchor``
  is written as it is;
* a site path, with or without its leading slash (``/privacy/``, ``blog/x/``: Pelican's
  ``article.url`` has none), is put under ``SITEURL``: ``https://user.github.io/site`` gives
  ``https://user.github.io/site/privacy/``, an empty ``SITEURL`` gives ``/privacy/``, and with
  ``RELATIVE_URLS`` Pelican's per-page relative ``SITEURL`` (``..``) gives ``../privacy/``.

Plugins compute some URLs in Python, once per build rather than per page (the responsive
image ``srcset``, the comparison's images, gallery links), as site paths under ``SITEURL``.
With ``RELATIVE_URLS`` a page must not hold a root-relative ``/images/...``, so
:func:`relativize` turns those into page-relative ones as each page is written (``kp_theme``
calls it from Pelican's ``content_written`` signal with the page's relative ``SITEURL``).
"""

from __future__ import annotations

import re

from jinja2 import pass_context

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
# Attributes that hold one URL, and those that hold a srcset (written by the theme and blocks).
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|poster|action|data-search-bundle)=")/(?!/)')
_SRCSET_ATTRIBUTE = re.compile(r'(\s(?:data-)?srcset=")([^"]*)(")')


def is_absolute(target: str) -> bool:
    return bool(_ABSOLUTE.match(target))


def site_url(siteurl: str, target: str) -> str:
    """``target`` as a page under ``siteurl`` writes it (see the module docstring)."""
    target = str(target)
    if is_absolute(target) or target.startswith("#"):
        return target
    return f"{siteurl.rstrip('/')}/{target.lstrip('/')}"


@pass_context
def url_filter(context, target) -> str:
    """The ``url`` Jinja filter: ``site_url`` with the page's own ``SITEURL``."""
    return site_url(context.get("SITEURL") or "", target)


def relativize(html: str, root: str) -> str:
    """``html`` with every root-relative URL in a URL attribute or srcset made relative to
    ``root``, the page's way back to the site's root (``..``, ``../..``, ``.``)."""
    prefix = root.rstrip("/") + "/"

    def srcset(match: re.Match) -> str:
        candidates = []
        for candidate in match.group(2).split(","):
            candidate = candidate.strip()
            if candidate.startswith("/") and not candidate.startswith("//"):
                candidate = prefix + candidate[1:]
            candidates.append(candidate)
        return match.group(1) + ", ".join(candidates) + match.group(3)

    html = _URL_ATTRIBUTE.sub(lambda match: match.group(1) + prefix, html)
    return _SRCSET_ATTRIBUTE.sub(srcset, html)
