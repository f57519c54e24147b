"""One test per kind of content mistake: the build fails, and the message names the file,
the line where the mistake is, what is wrong and how to fix it."""

from __future__ import annotations

import pytest

from tests.sitebuild import AUTHOR_ERROR, build_site, post, problems_about

FRONT = "Title: A post\nDate: 2026-02-01\nCategory: Headshots"

SCENARIOS = {
    "missing title": (
        {"blog/x.md": post("Date: 2026-02-01\nCategory: Headshots")},
        1,
        "has no title",
    ),
    "empty title": (
        {"blog/x.md": post("Category: Headshots\nTitle:\nDate: 2026-02-01")},
        2,
        "The title of this post is empty",
    ),
    "missing date": (
        {"blog/x.md": post("Title: A post\nCategory: Headshots")},
        1,
        "has no date",
    ),
    "unparseable date": (
        {"blog/x.md": post("Title: A post\nCategory: Headshots\nDate: 2026-13-45")},
        3,
        "The date '2026-13-45' is not a date Pelican understands",
    ),
    "unparseable modified": (
        {"blog/x.md": post(f"{FRONT}\nModified: last tuesday-ish")},
        4,
        "The modified 'last tuesday-ish' is not a date",
    ),
    "category list": (
        {"blog/x.md": post("Title: A post\nDate: 2026-02-01\nCategory: Headshots, Tips")},
        3,
        "looks like a list; a post has exactly one category",
    ),
    "category yaml list": (
        {"blog/x.md": post("Title: A post\nDate: 2026-02-01\nCategory: [Headshots]")},
        3,
        "looks like a list",
    ),
    "tag without letters": (
        {"blog/x.md": post(f"{FRONT}\nTags: wardrobe, <!-->")},
        4,
        "The tag '<!-->' has no letters or digits",
    ),
    "category given twice": (
        {"blog/x.md": post(f"{FRONT}\nTags: a\nCategory: Tips")},
        5,
        '"Category:" is given 2 times (first on line 3)',
    ),
    "unknown status": (
        {"blog/x.md": post(f"{FRONT}\nStatus: publish")},
        4,
        "The status 'publish' is unknown",
    ),
    "empty post": (
        {"blog/x.md": f"{FRONT}\n\n\n"},
        5,
        "has no text after its front matter",
    ),
    "not utf-8": (
        {"blog/x.md": f"{FRONT}\n\nCaf".encode() + b"\xe9 au lait.\n"},
        5,
        "not saved as UTF-8 text (byte 0xE9",
    ),
    "duplicate slug": (
        {"blog/x.md": post(f"{FRONT}\nSlug: what-to-wear")},
        4,
        "get the same slug",
    ),
    "duplicate output path": (
        {"pages/x.md": post("Title: Clash\nSave_as: blog/what-to-wear/index.html")},
        2,
        "would both be published as blog/what-to-wear/index.html",
    ),
    "output path of a theme page": (
        {"pages/x.md": post("Title: Blog index clash\nSlug: blog")},
        2,
        "would be published as blog/index.html, where the site writes the index page",
    ),
    "missing lead image": (
        {"blog/x.md": post(f"{FRONT}\nImage: images/blog/nope.jpg\nImage_alt: A studio")},
        4,
        "The image 'images/blog/nope.jpg' does not exist",
    ),
    "lead image outside content": (
        {"blog/x.md": post(f"{FRONT}\nImage: ../../../../etc/passwd\nImage_alt: x")},
        4,
        "is not a path inside the content folder, so it is refused",
    ),
    "lead image not published": (
        {
            "blog/x.md": post(f"{FRONT}\nImage: drafts/secret.jpg\nImage_alt: A studio"),
            "drafts/secret.jpg": b"\xff\xd8\xff",
        },
        4,
        "is not in a folder the site publishes",
    ),
    "lead image without alt": (
        {"blog/x.md": post(f"{FRONT}\nImage: images/blog/portrait.jpg")},
        4,
        "has no alt text",
    ),
    "markdown image without alt": (
        {"blog/x.md": post(FRONT, "Intro.\n\nMore.\n\n![]({static}../images/blog/portrait.jpg)")},
        9,
        "The image 'portrait.jpg' has no alt text",
    ),
    "html image without alt attribute": (
        {"blog/x.md": post(FRONT, 'Intro.\n\n<img src="/images/blog/portrait.jpg">')},
        7,
        "has no alt text",
    ),
    "missing image": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![A studio](/images/blog/missing.jpg)")},
        7,
        "The image '/images/blog/missing.jpg' leads nowhere",
    ),
    # Pelican's file-stamp cache used to ask about the file first: "Cannot get modification
    # stamp for .../missing.jpg", no post named (issue 15).
    "missing static image": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![A face]({static}/images/missing.jpg)")},
        7,
        "The file '/images/missing.jpg' does not exist in the content folder",
    ),
    "missing static image, relative": (
        {"blog/x.md": post(FRONT, "Intro.\n\nMore.\n\n![A face]({static}../images/nope.png)")},
        9,
        "The file '../images/nope.png' does not exist",
    ),
    "missing attached file": (
        {"blog/x.md": post(FRONT, "[The price list]({attach}prices.pdf)")},
        5,
        "The file 'prices.pdf' does not exist",
    ),
    # Control characters (issue 15): refused with the line, wherever an author can write one.
    "control character in the title": (
        {"blog/x.md": post("Title: A \x07post\nDate: 2026-02-01\nCategory: Headshots")},
        1,
        "The Title contains the invisible control character U+0007",
    ),
    # A NUL in a field that becomes an address: reported, and the post left out of the run
    # (Pelican's writer used to stop on it with "embedded null byte", in no author's format).
    "NUL byte in a post's slug": (
        {"blog/x.md": post(f"{FRONT}\nSlug: a\x00b")},
        4,
        "The Slug contains the invisible control character U+0000",
    ),
    "NUL byte in a page's save_as": (
        {"pages/x.md": post("Title: A page\nSave_as: a\x00b/index.html")},
        2,
        "The Save_as contains the invisible control character U+0000",
    ),
    "control character as a reference in the summary": (
        {"blog/x.md": post(f"{FRONT}\nSummary: Hello &#x1b;[31m world")},
        4,
        "The Summary contains the invisible control character U+001B",
    ),
    "control character in an alt text": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![A \x0cface](/images/blog/portrait.jpg)")},
        7,
        "contains the invisible control character U+000C",
    ),
    "control character escaped in a block option": (
        {
            "blog/x.md": post(
                FRONT,
                "Intro.\n\n/// compare | Caption\nbefore: images/blog/portrait.jpg\n"
                'before_alt: "The \\a original"\nafter: images/blog/portrait-edited.jpg\n'
                "after_alt: After\n///",
            )
        },
        9,
        "The option 'before_alt' contains the invisible control character U+0007",
    ),
    "control character escaped in a data file": (
        {
            "data/testimonials.yaml": 'testimonials:\n  - quote: "Great \\x07 work"\n'
            "    name: Ann\n    role: CEO\n"
        },
        2,
        "'quote' contains the invisible control character U+0007",
    ),
    "unresolved filename link": (
        {"blog/x.md": post(FRONT, "Intro.\n\nSee [the other post]({filename}no-such-post.md).")},
        7,
        "The link to 'no-such-post.md' leads nowhere",
    ),
    "root-relative link to nowhere": (
        {"blog/x.md": post(FRONT, "Intro.\n\n[Prices](/prices/) and more.")},
        7,
        "The link '/prices/' leads nowhere",
    ),
    "siteurl link to nowhere": (
        {"blog/x.md": post(FRONT, "[Old](https://kpstudios.example/blog/old-post/)")},
        5,
        "leads nowhere",
    ),
    "static link outside content": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![Passwords]({static}../../../../../etc/passwd)")},
        7,
        "is outside the content folder, so it is refused",
    ),
    "relative image outside content": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![Passwords](../../../etc/passwd)")},
        7,
        "points outside the site's content folder",
    ),
    "filename used for an image": (
        {"blog/x.md": post(FRONT, "Intro.\n\n![A studio]({filename}../images/blog/portrait.jpg)")},
        7,
        "{filename} is used to link to the file",
    ),
    "javascript link": (
        {"blog/x.md": post(FRONT, "Intro.\n\n[Click](javascript:alert(1))")},
        7,
        "is not a web, e-mail or phone link",
    ),
    "inline script": (
        {"blog/x.md": post(FRONT, "Intro.\n\n<script>alert(1)</script>")},
        7,
        "It contains a <script>",
    ),
    "event handler attribute": (
        {"blog/x.md": post(FRONT, 'Intro.\n\n<p onmouseover="alert(1)">Hover</p>')},
        7,
        "onmouseover= attribute, which runs code",
    ),
    "style attribute": (
        {"blog/x.md": post(FRONT, 'Intro.\n\n<p style="color: red">Red</p>')},
        7,
        "style= attribute",
    ),
}

SETTINGS_FOR = {"siteurl link to nowhere": {"SITEURL": "https://kpstudios.example"}}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_mistake_fails_the_build_with_file_line_and_fix(tmp_path, scenario):
    files, line, problem = SCENARIOS[scenario]
    source = next(iter(files))
    result = build_site(tmp_path, files, **SETTINGS_FOR.get(scenario, {}))

    assert not result.ok
    assert not (tmp_path / "output").exists(), "a failed build must not publish anything"
    ours = problems_about(result, source)
    assert ours, f"no message names {source}:\n" + "\n".join(result.problems)
    matching = [m for m in ours if problem in m.group("problem")]
    assert matching, f"expected {problem!r} about {source}, got:\n" + "\n".join(result.problems)
    assert [int(m.group("line")) for m in matching if m.group("line")] == [line]
    assert "Traceback" not in "\n".join(result.problems)
    assert not [p for p in result.problems if not AUTHOR_ERROR.match(p)], (
        "every problem must be in the authors' format (file:line, fix):\n"
        + "\n".join(result.problems)
    )


def test_a_good_site_builds_without_a_single_problem(tmp_path):
    result = build_site(tmp_path)
    assert result.ok, result.problems
    assert (tmp_path / "output" / "blog" / "what-to-wear" / "index.html").is_file()


def test_pelicans_own_messages_about_the_same_file_are_not_repeated(tmp_path):
    result = build_site(tmp_path, {"blog/x.md": post("Title: A\nDate: 2026-13-45")})
    about_x = [p for p in result.problems if "x.md" in p]
    assert len(about_x) == 1, about_x
    assert not any("Could not process" in p for p in result.problems)


def test_every_mistake_in_one_build_is_reported_together(tmp_path):
    result = build_site(
        tmp_path,
        {
            "blog/a.md": post("Title: A\nDate: 2026-13-45"),
            "blog/b.md": post("Date: 2026-01-01"),
            "blog/c.md": post(FRONT, "![](/images/none.jpg)"),
        },
    )
    assert problems_about(result, "blog/a.md")
    assert problems_about(result, "blog/b.md")
    assert len(problems_about(result, "blog/c.md")) == 2  # no alt, no file


def test_an_outside_file_is_never_copied_into_the_site(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    content_files = {"blog/x.md": post(FRONT, "[Secret]({static}../../secret.txt)")}
    result = build_site(tmp_path, content_files)
    assert not result.ok
    staging = list(tmp_path.glob("output*"))
    assert staging == [], staging  # nothing left behind, nothing published
