"""The consultation call to action: a plain link, with optional phone and email.

* At the end of every article: ``article.cta`` is a dict (``settings.Consultation`` plus
  ``cta_headline``/``cta_text``/``cta_label`` metadata overrides), or None when the post
  says ``Cta: none``. The theme's ``article.html`` includes ``partials/consultation.html``
  when it is truthy.
* Inline, where the author wants it::

      /// consultation
      headline: Not sure what you need?     # all optional
      text: Tell us about your team.
      label: Ask us
      ///

No booking widget and nothing loaded from a third party: the link goes to
``STUDIO["consultation"]["url"]``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from kp_common.errors import report
from kp_common.settings import StudioSettings

from .blocks import Option, StudioBlock, register_block, text

OVERRIDES = {"cta_headline": "headline", "cta_text": "text", "cta_label": "label"}
OFF_VALUES = {"none", "off", "no", "false"}


@register_block
class ConsultationBlock(StudioBlock):
    NAME = "consultation"
    ARGUMENT = "none"
    SYNTAX = "/// consultation\nheadline: ...   # optional\n///"
    SCHEMA: ClassVar[dict[str, Option]] = {
        "headline": Option(text, default=None, example="headline: Not sure what you need?"),
        "text": Option(text, default=None, example="text: Tell us about your team."),
        "label": Option(text, default=None, example="label: Ask us"),
    }

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        if ctx.settings.consultation is None:
            return None  # the settings error has been reported already
        cta = ctx.settings.consultation.as_dict()
        cta.update({key: ctx.typography(value) for key, value in data.items() if value})
        cta["inline"] = True
        return {"cta": cta}


def metadata_line(source_path: str | None, key: str) -> int | None:
    """Line of ``Key: value`` in a Markdown file's metadata header."""
    if not source_path:
        return None
    pattern = re.compile(rf"^{re.escape(key)}\s*:", re.IGNORECASE)
    try:
        with open(source_path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    break  # the metadata header ends at the first blank line
                if pattern.match(line):
                    return number
    except OSError:
        return None
    return None


def article_cta(article: Any, settings: StudioSettings) -> dict[str, Any] | None:
    """The call to action at the end of ``article``, or None."""
    metadata = getattr(article, "metadata", {}) or {}
    source = getattr(article, "source_path", None)
    switch = metadata.get("cta")
    if switch is not None:
        if str(switch).strip().lower() in OFF_VALUES:
            return None
        report(
            source,
            metadata_line(source, "cta"),
            f"'Cta: {switch}' is not understood; the only value is 'none'.",
            "Write 'Cta: none' to remove the call to action, or use Cta_headline, "
            "Cta_text and Cta_label to change its wording.",
        )
    if settings.consultation is None:
        return None
    cta = settings.consultation.as_dict()
    for key, field in OVERRIDES.items():
        value = metadata.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            report(
                source,
                metadata_line(source, key),
                f"'{key.capitalize()}' is empty.",
                f"Write the {field} after the colon, or remove the line.",
            )
            continue
        cta[field] = value.strip()
    cta["inline"] = False
    return cta
