"""Reading time from the words of the rendered body.

230 words a minute is a common adult silent-reading rate for non-fiction; images and the
comparison block are not counted (their placeholders carry data in attributes, not text).
"""

from __future__ import annotations

import math
import re

from bs4 import BeautifulSoup

WORDS_PER_MINUTE = 230


def reading_minutes(html: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    text = BeautifulSoup(html or "", "html.parser").get_text(" ")
    words = len(re.findall(r"\w+(?:[’'-]\w+)*", text))
    return max(1, math.ceil(words / words_per_minute))


def add_reading_times(generator) -> None:
    rate = generator.settings.get("KP_READING_WPM", WORDS_PER_MINUTE)
    for article in generator.articles:
        article.reading_time = reading_minutes(article._content, rate)
