"""typeset() must give typogrify's bytes exactly: on generated posts, on hand-picked hard
cases, and on arbitrary tag soup (Hypothesis)."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import smartypants
from hypothesis import given, settings
from hypothesis import strategies as st
from kp_typography.typography import typeset
from typogrify.filters import typogrify

from benchmarks.corpus import write_corpus

IGNORE_TAGS = ["pre", "code", "script", "kbd", "time"]
HARD_CASES = Path(__file__).parent / "test_data" / "hard_cases.html"


@pytest.fixture(autouse=True)
def default_smartypants_attributes():
    """Pelican sets SmartyPants' global default per build; ours is the default one."""
    saved = smartypants.Attr.default
    smartypants.Attr.default = smartypants.Attr.set1
    yield
    smartypants.Attr.default = saved


def render(text: str) -> str:
    md = markdown.Markdown(
        extensions=["markdown.extensions.extra", "markdown.extensions.meta",
                    "markdown.extensions.toc"],
        output_format="html5",
    )  # fmt: skip
    return md.convert(text)


def test_generated_posts_are_typeset_exactly_like_typogrify(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", posts=80, seed=7)
    posts = sorted((corpus / "blog").glob("*.md")) + sorted((corpus / "pages").glob("*.md"))
    for post in posts:
        html = render(post.read_text(encoding="utf-8"))
        expected = typogrify(html, IGNORE_TAGS)
        assert expected != html  # typography did something to compare
        assert typeset(html, IGNORE_TAGS) == expected, post.name


@pytest.mark.parametrize("case", HARD_CASES.read_text(encoding="utf-8").split("\n\n"))
def test_hard_cases_are_typeset_exactly_like_typogrify(case):
    assert typeset(case, IGNORE_TAGS) == typogrify(case, IGNORE_TAGS)


def test_typography_is_applied():
    html = typeset("<p>\"Isn't it -- really... A&amp;B,\" she said of the '80s & NASA.</p>")
    assert "&#8220;" in html and "&#8221;" in html  # curly double quotes
    assert "&#8217;" in html  # apostrophe
    assert "&#8212;" in html  # em dash
    assert "&#8230;" in html  # ellipsis
    assert '<span class="caps">NASA</span>' in html
    assert '<span class="amp">&amp;</span>' in html
    assert typeset("<p>No widows at the end</p>") == "<p>No widows at the&nbsp;end</p>"


FRAGMENTS = [
    "word", "Words", "AI", "NASA", "U.S.A. ", "B2B", "it's", "'80s", " ", "  ", "\n", "\t",
    '"', "'", "--", "---", "...", ". . .", "`", "``", "''", "\\", "\\'", '\\"', "&", " & ",
    "&amp;", "&nbsp;", "&#8212;", "&mdash;", ",", ".", "!", "?", "(", ")", "[", "-", "s",
    "12", "<p>", "</p>", '<p class="x">', "<h2>", "</h2>", "<li>", "</li>", "<ul>",
    "</ul>", "<dt>", "</dd>", "<em>", "</em>", "<strong>", "</strong>", '<a href="/x?a=1&b=2">',
    "</a>", "<br>", '<img alt="A & B \'q\'" src="i.jpg">', "<code>", "</code>", "<pre>",
    "</pre>", "<kbd>", "</kbd>", "<time>", "</time>", "<script>", "</script>",
    "<!-- note -->", "<!-- a -- b -->", "<blockquote>", "</blockquote>", "<span>",
    "</span>", "<div>", "</div>", "<samp>", "</samp>", "<b>", "</b>", "<i>", "</i>",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_any_tag_soup_is_typeset_exactly_like_typogrify(fragments):
    html = "".join(fragments)
    assert typeset(html, IGNORE_TAGS) == typogrify(html, IGNORE_TAGS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["word", " ", "<p>", "</p>", "<em>", "</em>", "x" * 450]),
                max_size=30))  # fmt: skip
def test_long_last_words_are_found_like_typogrify(fragments):
    html = "".join(fragments)
    assert typeset(html, IGNORE_TAGS) == typogrify(html, IGNORE_TAGS)
