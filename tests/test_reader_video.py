"""``/// video``: markup, author errors with file:line, and click-to-load in Chromium."""

from __future__ import annotations

import pytest
from kp_common.errors import AuthorError
from kp_studio.video import video_url

from tests.reader_site import FLAGSHIP_URL, make_content, soup
from tests.sitebuild import build_into

FLAGSHIP = FLAGSHIP_URL.strip("/") + "/index.html"


@pytest.mark.parametrize(
    ("url", "kind", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=4",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?",
        ),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://vimeo.com/76979871/abc123",
            "vimeo",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
    ],
)
def test_video_addresses(url, kind, embed):
    video = video_url(url)
    assert video["kind"] == kind and video["embed"].startswith(embed)
    if kind == "vimeo" and "abc123" in url:
        assert "h=abc123" in video["embed"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://cdn.example.com/clip.mp4",
        "javascript:alert(1)",
    ],
)
def test_bad_video_addresses_are_author_errors(url):
    with pytest.raises(AuthorError) as error:
        video_url(url)
    assert error.value.fix


def test_facade_markup_makes_no_host_request(reader_site):
    figure = soup(reader_site / FLAGSHIP).find("figure", class_="kp-video")
    frame = figure.find(attrs={"data-kp-video": True})
    assert frame["data-embed"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    button = frame.find("button")
    assert button.has_attr("hidden") and button["type"] == "button"
    assert "AI-generated Photoshop edits, <step> by step" in button.get_text()
    assert figure.find("iframe") is None
    for source in figure.find_all(["img", "source"]):
        for url in (source.get("src"), *source.get("srcset", "").split(",")):
            assert not url or url.strip().startswith("/images/r/"), url
    link = figure.find("p", class_="kp-video__link").a
    assert link["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_mp4_is_a_native_player_with_captions(reader_site):
    video = soup(reader_site / "blog/what-to-wear/index.html").find("video")
    assert video["preload"] == "none" and video.has_attr("controls")
    assert video["poster"].startswith("/images/r/poster-")
    assert video.source["src"] == "/video/outfits.mp4" and video.source["type"] == "video/mp4"
    assert video.track["kind"] == "captions" and video.track["src"] == "/video/outfits.en.vtt"
    assert (reader_site / "video" / "outfits.mp4").is_file()


BROKEN = """\
Title: Broken videos
Date: 2026-01-01

Intro.

/// video | No poster
url: https://vimeo.com/76979871
///

/// video | Bad address
url: https://example.com/clip
poster: images/video/poster.jpg
///

/// video | Lost poster
url: https://youtu.be/dQw4w9WgXcQ
poster: images/video/nope.jpg
///
"""


def test_bad_url_and_missing_poster_are_reported_with_file_and_line(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "blog" / "broken.md").write_text(BROKEN)
    result = build_into(tmp_path / "output", PATH=str(content))
    problems = "\n".join(result.problems)
    assert not result.ok
    assert "broken.md:6: A Vimeo video needs a 'poster'" in problems
    assert "broken.md:11:" in problems and "is not a YouTube, Vimeo or .mp4 address" in problems
    assert "broken.md:17: The poster file 'images/video/nope.jpg' does not exist." in problems
    assert problems.count("How to fix:") == 3


@pytest.mark.browser
def test_video_iframe_appears_only_after_the_click(page, server):
    page.goto(server + FLAGSHIP_URL, wait_until="networkidle")
    page.mouse.wheel(0, 3000)
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe").count() == 0
    assert [u for u in page.requests if not u.startswith(server)] == []

    play = page.get_by_role("button", name="Play video: AI-generated Photoshop edits")
    play.focus()
    page.keyboard.press("Enter")
    iframe = page.locator("iframe.kp-video__iframe")
    iframe.wait_for(state="attached")
    assert iframe.get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert iframe.get_attribute("title") == "AI-generated Photoshop edits, <step> by step"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.wait_for_timeout(300)
    outside = [u for u in page.requests if not u.startswith(server)]
    assert outside and all(u.startswith("https://www.youtube-nocookie.com/") for u in outside)
