"""plain_text reads markup without BeautifulSoup's tree; its answers are BeautifulSoup's."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from kp_seo.seo import plain_text

# Pieces of what summaries and titles hold after Markdown and typography, and of what
# they should never hold but might: odd references, comments, scripts, broken tags.
PIECES = [
    "<p>", "</p>", "<em>", "</em>", "<span class=\"caps\">", "</span>", "<a href='x&amp;y'>",
    "</a>", "<br/>", "</br>", "<abbr title='a'>", "</abbr>", "&amp;", "&#8217;", "&#8220;",
    "&nbsp;", "&quot;", "&#39;", "&#x27;", "&lt;b&gt;", "&#150;", "&#0;", "&#xD800;",
    "&#1114112;", "&amp", "&copy", "&notin;", "&notit;", "&foo;", "&", "<", ">", "a=b>", "<b",
    "<!-- a comment -->", "<![CDATA[x]]>", "<!doctype html>", "<?pi x?>",
    "<script>x<p>y</p></script>", "<style>s</style>", "<template>t</template>",
    "<textarea>a<b>c</textarea>", "Headshots", "don't", "é", " ", "\n", "\t",
]  # fmt: skip


def reference(html: str, limit: int) -> str:
    """The function as it was, with BeautifulSoup."""
    text = re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text()).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ") + "…"


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16), st.sampled_from([12, 40, 160]))
def test_plain_text_is_beautifulsoups_text(pieces, limit):
    html = "".join(pieces)
    assert plain_text(html, limit) == reference(html, limit)


def test_plain_text_of_a_typeset_title():
    title = 'Don&#8217;t <em>fear</em> the&nbsp;<span class="caps">AI</span> &amp; you'
    assert plain_text(title) == "Don’t fear the AI & you"  # \s takes in the no-break space
