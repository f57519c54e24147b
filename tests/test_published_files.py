"""What content/ may publish (kp_validate.published): no file that runs as the site.

An SVG with a script or handler, or an HTML page dropped into content/, would be copied
byte for byte and run from our address (GitHub Pages sends no CSP). Each SVG is read and
refused with its line when active; other active types need the KP_VALIDATE_ACTIVE_FILES
setting. Clean drawings and listed files are published as they are.
"""

from __future__ import annotations

import pytest
from kp_validate.published import svg_problem

from tests.sitebuild import AUTHOR_ERROR, ROOT, build_site, post, problems_about

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
CLEAN_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
{SVG} viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#b55"/></linearGradient></defs>
  <style>.a {{ fill: url(#g); }}</style>
  <circle class="a" cx="5" cy="5" r="4"/>
  <use xlink:href="#g"/>
  <image width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/>
</svg>
"""
ACTIVE_SVGS = {
    "script": (f"{SVG}>\n<script>alert(1)</script>\n</svg>", 2, "contains <script>"),
    "handler": (f'{SVG}>\n\n<rect onclick="alert(1)"/></svg>', 3, "event handler (onclick=)"),
    "root handler": (f'{SVG} onload="alert(1)"></svg>', 1, "event handler (onload=)"),
    "foreignObject": (
        f"{SVG}>\n<foreignObject><p>x</p></foreignObject></svg>",
        2,
        "contains <foreignObject>",
    ),
    "external image": (
        f'{SVG}>\n<image href="https://evil.example/x.png"/></svg>',
        2,
        "refers to something outside itself",
    ),
    "external use": (
        f'{SVG}>\n<use xlink:href="other.svg#a"/></svg>',
        2,
        "refers to something outside itself",
    ),
    "javascript link": (
        f'{SVG}>\n<a href="javascript:alert(1)"><text>x</text></a></svg>',
        2,
        "refers to something outside itself",
    ),
    "style import": (
        f"{SVG}>\n<style>\n@import url(https://evil.example/a.css);\n</style></svg>",
        3,
        "in its <style>",
    ),
    "style attribute": (
        f"{SVG}>\n<rect style=\"fill: url('https://evil.example/x')\"/></svg>",
        2,
        "style= attribute",
    ),
    "stylesheet instruction": (
        f'<?xml-stylesheet href="https://evil.example/a.css"?>\n{SVG}/>',
        1,
        "loads a stylesheet",
    ),
    "animated link": (
        f'{SVG}>\n<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
        2,
        "animation that rewrites a link",
    ),
    "entities": (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        f"{SVG}><text>&b;</text></svg>",
        None,
        "declares XML entities",
    ),
    "not xml": (f"{SVG}>\n<rect></svg>", 2, "is not well-formed XML"),
}


def test_a_clean_drawing_passes(tmp_path):
    path = tmp_path / "clean.svg"
    path.write_text(CLEAN_SVG, encoding="utf-8")
    assert svg_problem(str(path)) is None


def test_the_themes_own_favicon_would_pass():
    assert svg_problem(str(ROOT / "theme" / "static" / "img" / "favicon.svg")) is None


@pytest.mark.parametrize("scenario", list(ACTIVE_SVGS))
def test_an_active_svg_is_found_with_its_line(tmp_path, scenario):
    text, line, what = ACTIVE_SVGS[scenario]
    path = tmp_path / "drawing.svg"
    path.write_text(text, encoding="utf-8")
    found = svg_problem(str(path))
    assert found is not None, scenario
    assert found[0] == line and what in found[1], found


FRONT = "Title: A post\nDate: 2026-02-01\nCategory: Headshots"


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_active_files_stop_the_build_naming_each_file(tmp_path, settings):
    files = {
        "images/drawing.svg": ACTIVE_SVGS["handler"][0],
        "images/logo.svg": CLEAN_SVG,
        "extra/landing.html": "<!doctype html><script>document.cookie</script>",
        "extra/app.js": "alert(1)",
        "blog/x.md": post(FRONT, "Intro.\n\n![The drawing]({static}/images/drawing.svg)"),
    }
    result = build_site(tmp_path, files, settings=ROOT / settings)
    assert not result.ok
    assert not (tmp_path / "output").exists()
    for problem in result.problems:
        assert AUTHOR_ERROR.match(problem), problem
    drawing = problems_about(result, "images/drawing.svg")
    assert [int(m.group("line")) for m in drawing] == [3]
    assert "event handler (onclick=)" in drawing[0].group("problem")
    for name in ("extra/landing.html", "extra/app.js"):
        (problem,) = problems_about(result, name)
        assert "KP_VALIDATE_ACTIVE_FILES" in problem.group(0), problem.group(0)
    assert not problems_about(result, "images/logo.svg")
    # The post that shows the drawing is not blamed a second time ("leads nowhere").
    assert not problems_about(result, "blog/x.md"), result.problems


def test_a_listed_active_file_and_a_clean_svg_are_published_as_they_are(tmp_path):
    page = "<!doctype html><title>google-site-verification</title>"
    files = {"extra/google1234.html": page, "images/logo.svg": CLEAN_SVG}
    result = build_site(tmp_path, files, KP_VALIDATE_ACTIVE_FILES=["extra/google1234.html"])
    assert result.ok, result.problems
    assert (tmp_path / "output" / "extra" / "google1234.html").read_text() == page
    assert (tmp_path / "output" / "images" / "logo.svg").read_text() == CLEAN_SVG


def test_a_wrong_setting_is_named(tmp_path):
    result = build_site(tmp_path, KP_VALIDATE_ACTIVE_FILES="extra/google1234.html")
    assert not result.ok
    assert any("KP_VALIDATE_ACTIVE_FILES must be a list" in p for p in result.problems)
