"""Parsing ``/// name`` blocks: options, every parse-time error, and source lines."""

from __future__ import annotations

import html
import json
import re

import markdown
import pytest
from kp_studio.blocks import REGISTRY, StudioBlocksExtension
from kp_studio.source import find_headers, reading

GOOD = """\
/// compare | A caption
before: images/before.jpg
before_alt: Before
after: {static}/images/after.jpg
after_alt: After
///
"""


def convert(text: str, path: str = "content/blog/post.md") -> tuple[str, list[dict]]:
    """HTML and the placeholders' attributes (data/errors decoded)."""
    with reading(path, text, REGISTRY) as source:
        md = markdown.Markdown(extensions=[StudioBlocksExtension(), "extra", "meta"])
        out = md.convert(text)
    placeholders = []
    for attrs in re.findall(r'<div class="kp-block"([^>]*)>', out):
        found = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)}
        for key in ("data-kp-data", "data-kp-errors", "data-kp-lines"):
            if key in found:
                found[key] = json.loads(found[key])
        placeholders.append(found)
    problems = [p.line for _, p in source.problems()]
    return out, placeholders + [{"reader-problem": line} for line in problems]


def errors_of(text: str) -> list[dict]:
    _, placeholders = convert(text)
    return [e for p in placeholders for e in p.get("data-kp-errors", [])]


def test_valid_block_becomes_placeholder_with_defaults():
    out, [block] = convert(GOOD)
    assert block["data-kp-block"] == "compare"
    assert block["data-kp-line"] == "1"
    assert block["data-kp-data"] == {
        "caption": "A caption",
        "before": "images/before.jpg",
        "before_alt": "Before",
        "after": "images/after.jpg",  # {static}/ prefix accepted and removed
        "after_alt": "After",
        "labels": ["Original", "AI edit"],
        "start": 50,
        "diff": True,
        "faces": True,
    }
    assert block["data-kp-lines"]["after_alt"] == 5
    assert "before:" not in out  # the options are not rendered as text


def test_indented_pymdownx_options_are_validated_too():
    text = GOOD.replace("before_alt: Before\n", "").replace(
        "/// compare | A caption\n",
        "/// compare | A caption\n    before_alt: Before\n    bogus: 1\n",
    )
    errors = errors_of(text)
    assert [e["problem"] for e in errors] == ["'bogus' is not an option of the 'compare' block."]


def test_line_numbers_follow_document_order_and_skip_fenced_code():
    text = (
        "Intro\n\n```\n/// compare | in code\n```\n\n"
        + GOOD
        + "\n"
        + GOOD.replace("start", "x").replace("after_alt: After", "after_alt: After\nstart: 101")
    )
    _, blocks = convert(text)
    assert [b["data-kp-line"] for b in blocks] == ["7", "14"]
    assert blocks[1]["data-kp-errors"][0]["line"] == 19
    assert find_headers(text, ["compare"]) == {"compare": [7, 14]}


@pytest.mark.parametrize(
    ("change", "line", "problem", "fix"),
    [
        ("before_alt:", 3, "Option 'before_alt' of the 'compare' block is empty", "Write the text"),
        ("before_alt: ''", 3, "is empty", "Write the text"),
        ("before_alt: 12", 3, "must be text", "quotes"),
        ("start: 101", 6, "is 101, outside 0-100", "from 0 to 100"),
        ("start: -1", 6, "outside 0-100", "from 0 to 100"),
        ("start: 50%", 6, "must be a whole number", "no % sign"),
        ("diff: maybe", 6, "must be true or false", "true or false"),
        ("labels: [Only one]", 6, "must be a list of two labels", "[Original, AI edit]"),
        ("labels: [A, '']", 6, "has a label that is empty", "Write the text"),
        ("colur: red", 6, "'colur' is not an option", "Known options"),
        ("lables: [a, b]", 6, "'lables' is not an option", "Did you mean 'labels'?"),
        ("after: https://example.com/x.jpg", 4, "is a web address", "content/images/"),
        ("after: ../../etc/passwd", 4, "points outside the content folder", "inside content/"),
        ("after: images/before.jpg", 4, "are the same file", "edited image"),
        ("after: images/./before.jpg", 4, "are the same file", "edited image"),
        ("before_alt: Dana: smiling", 3, "not valid YAML", "double quotes"),
    ],
)
def test_every_option_error_names_its_line_and_a_fix(change, line, problem, fix):
    key = change.split(":")[0]
    lines = GOOD.splitlines()
    replaced = [change if ln.startswith(key + ":") else ln for ln in lines]
    if replaced == lines:  # a new option: add it before the closing ///
        replaced = [*lines[:-1], change, lines[-1]]
    [error] = errors_of("\n".join(replaced) + "\n")
    assert error["line"] == line
    assert problem in error["problem"]
    assert fix in error["fix"]


def test_missing_required_option_is_reported_at_the_header():
    [error] = errors_of(GOOD.replace("after_alt: After\n", ""))
    assert error == {
        "line": 1,
        "problem": "The 'compare' block is missing its 'after_alt' option.",
        "fix": "Add a line such as 'after_alt: The same portrait after the app' before the "
        "closing '///'.",
    }


def test_all_errors_of_a_block_are_reported_not_just_the_first():
    text = GOOD.replace("start", "").replace("after_alt: After", "after_alt: ''\nstart: 900\nx: 1")
    assert len(errors_of(text)) == 3


def test_caption_is_required_and_consultation_takes_none():
    [error] = errors_of(GOOD.replace(" | A caption", ""))
    assert "has no caption" in error["problem"] and "/// compare | Your caption" in error["fix"]
    [error] = errors_of("/// consultation | nope\n///\n")
    assert "takes nothing after the bar" in error["problem"]


def test_body_that_is_not_options_is_an_error():
    [error] = errors_of("/// compare | Caption\njust some prose\n///\n")
    assert "must be 'name: value' options" in error["problem"]


def test_unclosed_block_and_unreadable_header_options_are_found_by_the_reader():
    _, blocks = convert("Intro\n\n/// compare | Never closed\nbefore: x.jpg\n")
    assert {"reader-problem": 3} in blocks
    _, blocks = convert("/// compare | Bad header\n    before: [unclosed\n\n///\n")
    assert {"reader-problem": 1} in blocks


def test_consultation_overrides_are_optional():
    _, [block] = convert("/// consultation\nlabel: Ask us\n///\n")
    assert block["data-kp-data"] == {"headline": None, "text": None, "label": "Ask us"}
