"""``/// faq``: questions and answers as ``<details>``, with ``FAQPage`` JSON-LD.

::

    /// faq
    questions:
      - question: What should I wear?
        answer: |
          Solid colours and clothes that fit. Read
          [what to wear]({filename}/blog/what-to-wear-for-headshots.md).
    ///

Why a block rather than Markdown definition lists: a ``<dl>`` would have to be turned
into ``<details>`` by rewriting HTML in Python (our markup lives in templates), nothing
would tell an FAQ apart from any other definition list, and there would be no place to
check the entries and report a missing answer with its line. The block keeps the
questions as data: ``partials/faq.html`` renders the ``<details>``/``<summary>`` elements
and the JSON-LD from the same list, so they cannot drift apart.

Answers are Markdown (links to posts with ``{filename}`` work). The JSON-LD carries each
answer as plain text and is escaped for a ``<script>`` element (``<``, ``>``, ``&`` as
``\\u003c`` ...). Google reads one ``FAQPage`` per page, so a second ``faq`` block on the
same page is an error.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import markdown
from bs4 import BeautifulSoup
from kp_common.errors import AuthorError
from markupsafe import Markup

from .blocks import Option, StudioBlock, register_block, text

ENTRY_FIELDS = ("question", "answer")


def dumps_for_script(data: dict) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def question_list(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or not all(isinstance(e, dict) for e in value):
        raise AuthorError(
            "must be a list of questions, each with 'question:' and 'answer:'.",
            "Start each with '- question: ...' and put 'answer: ...' on the next line, "
            "indented to match.",
        )
    return value


@register_block
class FaqBlock(StudioBlock):
    NAME = "faq"
    ARGUMENT = "none"
    SYNTAX = "/// faq\nquestions:\n  - question: What should I wear?\n    answer: ...\n///"
    SCHEMA: ClassVar[dict[str, Option]] = {
        "questions": Option(question_list, example="questions: [{question: ..., answer: ...}]"),
    }

    def check(self, data: dict[str, Any]):
        starts = self._entry_lines("questions")
        clean = []
        for index, entry in enumerate(data["questions"]):
            line = starts[index] if index < len(starts) else self._option_line("questions")
            number = f"Question {index + 1} of the FAQ"
            for key in entry:
                if key not in ENTRY_FIELDS:
                    yield AuthorError(
                        f"{number}: '{key}' is not a field of a question.",
                        "Use only 'question' and 'answer'.",
                        line,
                    )
            try:
                question = text(entry.get("question"))
            except AuthorError:
                yield AuthorError(
                    f"{number} has no 'question'.", "Add 'question: ...' to it.", line
                )
                continue
            try:
                answer = text(entry.get("answer"))
            except AuthorError:
                yield AuthorError(
                    f"{number} ({question!r}) has no answer.",
                    "Add 'answer: ...' below the question (use 'answer: |' for several "
                    "paragraphs).",
                    line,
                )
                continue
            clean.append({"question": question, "answer": answer})
        data["questions"] = clean

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        first = getattr(ctx.content, "_kp_faq_line", None)
        if first is not None:
            ctx.error(
                f"This page already has an FAQ (line {first}); search engines read only one.",
                "Move these questions into the first faq block.",
            )
            return None
        ctx.content._kp_faq_line = ctx.line
        settings = ctx.generator.settings
        items = []
        for entry in data["questions"]:
            answer_html = _answer_html(entry["answer"], settings)
            items.append(
                {
                    "question": ctx.typography(entry["question"]),
                    "answer_html": Markup(answer_html),  # noqa: S704 (the author's Markdown, as in the post)
                    "answer_text": _plain(answer_html),
                }
            )
        json_ld = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": item["answer_text"]},
                }
                for item in items
            ],
        }
        return {
            "faq": {
                "id": f"faq-{ctx.line or 0}",
                "items": items,
                "json_ld": Markup(dumps_for_script(json_ld)),  # noqa: S704 (escaped above)
            }
        }


def _answer_html(answer: str, settings: dict) -> str:
    """The answer's Markdown as HTML, typogrified like the rest of the page."""
    html = markdown.markdown(answer, extensions=["markdown.extensions.extra"], output_format="html")
    if settings.get("TYPOGRIFY"):
        from typogrify.filters import typogrify

        html = typogrify(html, settings.get("TYPOGRIFY_IGNORE_TAGS", []))
    return html


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text()).strip()
