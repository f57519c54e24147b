"""Reading time from the words of the rendered body.

230 words a minute is a common adult silent-reading rate for non-fiction; images and the
comparison block are not counted (their placeholders carry data in attributes, not text).

The words are counted in the text between tags, found with one regular expression rather
than an HTML parser: building a parse tree for every post cost more than rendering it
(about 9 s of a 1,000-post build). Tags become spaces, so words on either side of one stay
apart, as ``BeautifulSoup(...).get_text(" ")`` kept them; comments and scripts are not text.

The count depends on the HTML alone, so it is remembered by the HTML's digest (hashing is
a tenth of the cost of counting): a long-lived Pelican (livereload) counts only the posts
that changed.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import math
import re

from kp_common.pelican_compat import html_source
from kp_common.settings import READING_WPM, site_settings

WORDS_PER_MINUTE = READING_WPM  # KP_READING_WPM's default

# A comment, a script or style element (JSON-LD is data, not prose), or a tag: ``<`` then
# a letter, ``/``, ``!`` or ``?`` (a bare ``<`` in text is text), up to the ``>`` outside
# quoted attribute values.
MARKUP = re.compile(
    r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[a-zA-Z/!?](?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S | re.I,
)
WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def reading_minutes(html: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    return max(1, math.ceil(word_count(html or "") / words_per_minute))


_word_counts: dict[bytes, int] = {}  # HTML digest -> words
MAX_REMEMBERED = 10_000


def word_count(html: str) -> int:
    digest = hashlib.blake2b(html.encode(), digest_size=16).digest()
    words = _word_counts.get(digest)
    if words is None:
        if len(_word_counts) >= MAX_REMEMBERED:
            _word_counts.clear()
        words = len(WORD.findall(html_lib.unescape(MARKUP.sub(" ", html))))
        _word_counts[digest] = words
    return words


def add_reading_times(generator) -> None:
    rate = site_settings(generator.settings).reading_wpm
    for article in generator.articles:
        article.reading_time = reading_minutes(html_source(article), rate)
