"""Reading a Pelican settings file (``pelicanconf.py``, ``publishconf.py``): the one place the
tooling does it.

Everything goes through Pelican's own ``read_settings``, so the build, the gates, the headers
and the deploy all see the same dict Pelican renders with (defaults applied, paths made
absolute). ``publishconf.py`` may stop with ``SystemExit`` when a publish build has no
``SITEURL``; callers let that message through to the person.
"""

from __future__ import annotations

import os


def read_settings_file(settings_file: str | os.PathLike, overrides: dict | None = None) -> dict:
    """Pelican's settings from ``settings_file``, with ``overrides`` applied."""
    from pelican.settings import read_settings

    return read_settings(os.fspath(settings_file), override=overrides or {})


def studio_and_site_url(settings_file: str | os.PathLike | None) -> tuple[dict | None, str | None]:
    """The ``STUDIO`` dict and the absolute ``SITEURL`` (None if relative) of a settings file;
    what the quality gates need to serve pages with the production headers."""
    if not settings_file:
        return None, None
    settings = read_settings_file(settings_file)
    site_url = settings.get("SITEURL") or ""
    return settings.get("STUDIO"), site_url if site_url.startswith(
        ("http://", "https://")
    ) else None
