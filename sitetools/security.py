"""The site's HTTP security headers, defined once.

Every place that serves the site uses these functions, so the policy the quality gates check
against (``sitetools.check`` serves the built output with it) is the policy production sends
(nginx config / ``_headers`` file written by the deploy tooling):

    content_security_policy(studio_settings: dict | None) -> str
        The Content-Security-Policy header value. ``studio_settings`` is the ``STUDIO`` dict
        from pelicanconf.py (or None); its newsletter, parsed by the settings layer
        (``kp_common.settings.newsletter``), adds its ``origin`` to ``form-action`` so the
        signup form may post to the mailing-list host.

    security_headers(studio_settings: dict | None) -> dict[str, str]
        Every security response header, name -> value: the CSP, HSTS, nosniff, framing,
        referrer and permissions policies. ``sitetools.headers`` renders them for nginx and
        the ``_headers`` file; the quality gates' local server sends them too.

The policy is strict on purpose: no ``unsafe-inline`` anywhere, scripts and styles from our own
origin only. ``'wasm-unsafe-eval'`` lets the search index (Pagefind, WebAssembly) run without
allowing JavaScript ``eval``. The only frames allowed are the privacy-friendly video hosts, and
those load only after the reader asks for the video.
"""

from __future__ import annotations

from collections.abc import Mapping

from kp_common import settings

VIDEO_FRAME_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def content_security_policy(studio_settings: dict | None = None) -> str:
    """Return the Content-Security-Policy header value for the site."""
    form_action = ["'self'"]
    # The settings layer's rules: only a valid https action (with its honeypot) is a
    # newsletter; anything else is left out of the policy rather than widening it (the
    # build reports the mistake to the author).
    newsletter = settings.newsletter(studio_settings)
    if newsletter is not None:
        form_action.append(newsletter.origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": list(VIDEO_FRAME_ORIGINS),
        "form-action": form_action,
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


# Features no page of ours uses; denying them costs nothing and limits what injected code could do.
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "camera": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "interest-cohort": "()",
    "browsing-topics": "()",
    "magnetometer": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}


def security_headers(studio_settings: Mapping | None = None) -> dict[str, str]:
    """Return every security response header the site is served with."""
    return {
        "Content-Security-Policy": content_security_policy(
            dict(studio_settings) if studio_settings else None
        ),
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": ", ".join(f"{k}={v}" for k, v in PERMISSIONS_POLICY.items()),
        "Cross-Origin-Opener-Policy": "same-origin",
    }
