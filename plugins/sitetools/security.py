"""The site's Content-Security-Policy, built from the studio settings.

One function so every place that needs the policy (the `_headers` file, the nginx config, the
quality gates) agrees on it. The policy is strict: no inline script or style anywhere, frames
only from the two privacy-friendly video hosts, and forms may post only to ourselves and to
the newsletter provider named in ``STUDIO["newsletter"]["action"]``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

VIDEO_FRAME_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def content_security_policy(studio_settings: dict | None) -> str:
    """Return the CSP header value for the site described by ``studio_settings``."""
    form_action = ["'self'"]
    newsletter = (studio_settings or {}).get("newsletter") or {}
    newsletter_origin = _origin(newsletter.get("action") or "")
    if newsletter_origin:
        form_action.append(newsletter_origin)
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'wasm-unsafe-eval'"]),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("media-src", ["'self'"]),
        ("frame-src", list(VIDEO_FRAME_HOSTS)),
        ("form-action", form_action),
        ("base-uri", ["'self'"]),
        ("object-src", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)
