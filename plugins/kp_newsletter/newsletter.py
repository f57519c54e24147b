"""The newsletter signup: validates ``STUDIO["newsletter"]`` once and hands the form data to
``partials/newsletter.html`` through the Jinja global ``newsletter_form`` (None when off).

The form follows Mailchimp's embedded-form contract (POST to the list's ``action`` URL, field
``EMAIL``, optional ``FNAME``, and a honeypot text field named ``b_<u>_<id>`` that people never
see and bots fill in), so it works without JavaScript and without loading Mailchimp's script.

No action configured: the partial renders nothing and the build logs one INFO note. Our build
driver fails on any WARNING, and turning the newsletter off is a legitimate studio decision, so
it must not block a deploy; an action that is *set but wrong* (not https, no honeypot name) is an
author error and fails the build, because it would publish a form that loses sign-ups.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from kp_common.errors import report
from pelican import signals

logger = logging.getLogger(__name__)

HONEYPOT = re.compile(r"^b_[A-Za-z0-9]+_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class NewsletterForm:
    action: str
    honeypot: str
    privacy_url: str
    heading: str
    text: str


def newsletter_form(settings: dict) -> NewsletterForm | None:
    """The validated form data, or None (logged) when the signup is off or misconfigured."""
    options = (settings.get("STUDIO") or {}).get("newsletter") or {}
    action = (options.get("action") or "").strip()
    if not action:
        logger.info(
            "kp_newsletter: STUDIO['newsletter']['action'] is not set, so no signup form is "
            "shown. Set it to the Mailchimp embedded-form action URL to turn the signup on."
        )
        return None
    honeypot = (options.get("honeypot") or "").strip()
    parsed = urlparse(action)
    problems = []
    if parsed.scheme != "https" or not parsed.netloc:
        problems.append(
            (
                f"The newsletter form action '{action}' is not an https:// URL.",
                "Copy the action URL from Mailchimp's embedded form code "
                "(Audience > Signup forms > Embedded forms).",
            )
        )
    if not HONEYPOT.match(honeypot):
        problems.append(
            (
                f"The newsletter honeypot field name '{honeypot}' is not like b_<u>_<id>.",
                "Copy the name of the hidden field (it starts with b_) from Mailchimp's "
                "embedded form code into STUDIO['newsletter']['honeypot'].",
            )
        )
    for problem, fix in problems:
        report("pelicanconf.py", None, problem, fix)
    if problems:
        return None
    return NewsletterForm(
        action=action,
        honeypot=honeypot,
        privacy_url=options.get("privacy_url", "/privacy/"),
        heading=options.get("heading", "Stay connected"),
        text=options.get(
            "text", "Helpful tips on portraits and headshots, about once a month. No spam, ever."
        ),
    )


_form: NewsletterForm | None = None


def check_settings(pelican) -> None:
    global _form
    _form = newsletter_form(pelican.settings)


def add_template_global(generator) -> None:
    generator.env.globals["newsletter_form"] = _form


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.generator_init.connect(add_template_global)
