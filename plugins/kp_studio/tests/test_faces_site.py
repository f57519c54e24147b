"""The face findings in a real site: caption text, face map, fallback, and the views in
headless Chromium (keyboard, no JavaScript, axe, strict CSP).

The content is written at test time: real portraits with known edits (``face_edits``),
camera-style JPEGs (one stored on its side with an EXIF orientation), in four comparisons:
the eyes enlarged, a new backdrop, the same with ``faces: false``, and a pair with no face.
"""

from __future__ import annotations

import logging
from pathlib import Path

import face_edits as edits
import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect
from test_compare_browser import AXE_TAGS, lies_on_the_after_image, wait_loaded

from sitetools.chromium import cancelled_by_moving_on
from sitetools.serve import running_server
from tests.sitebuild import CSP, build_scenario, soup, source_line

POST_SOURCE = """Title: Is it still you?
Date: 2026-01-03 10:00
Category: Tests
Slug: faces
Summary: What an app did to a face.

/// compare | The eyes, enlarged
before: images/original.jpg
before_alt: The original portrait
after: images/eyes.jpg
after_alt: The portrait with enlarged eyes
///

/// compare | A new backdrop
before: images/original.jpg
before_alt: The original portrait again
after: images/backdrop.jpg
after_alt: The portrait on a grey backdrop
///

/// compare | The backdrop, without the face analysis
before: images/original.jpg
before_alt: The original portrait once more
after: images/backdrop.jpg
after_alt: The portrait on a grey backdrop again
faces: false
///

/// compare | No face at all
before: images/wall.jpg
before_alt: A grey wall
after: images/wall-edited.jpg
after_alt: The grey wall with a dark square
///
"""
POST = "blog/faces/index.html"


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="session")
def faces_site(tmp_path_factory):
    """(output folder, the post's source, log records of the build)."""
    work = tmp_path_factory.mktemp("faces-site")
    images = work / "content/images"
    images.mkdir(parents=True)
    rgb = edits.hopper(2.5)
    marks = edits.landmarks(rgb)
    edits.save_jpeg(rgb, images / "original.jpg", quality=92)
    bigger = edits.enlarge(
        rgb, [marks.left_eye, marks.right_eye], 1.15, 0.75 * marks.eye_width, 1.5 * marks.eye_width
    )
    exif = Image.Exif()
    exif[0x0112] = 8  # stored on its side: the viewer turns it 90 degrees counter-clockwise
    edits.save_jpeg(np.ascontiguousarray(np.rot90(bigger, -1)), images / "eyes.jpg", exif=exif)
    edits.save_jpeg(edits.swap_backdrop(rgb, marks), images / "backdrop.jpg")
    wall = np.full((600, 800, 3), 150, np.uint8)
    edits.save_jpeg(wall, images / "wall.jpg")
    wall[200:300, 300:400] = 40
    edits.save_jpeg(wall, images / "wall-edited.jpg")
    post = work / "content/blog/faces.md"
    post.parent.mkdir()
    post.write_text(POST_SOURCE, encoding="utf-8")
    records = Records()
    logger = logging.getLogger("kp_studio")
    logger.addHandler(records)
    logger.setLevel(logging.INFO)  # the driver shows INFO only with --verbose
    try:
        result = build_scenario("valid", work, PATH=str(work / "content"))
    finally:
        logger.removeHandler(records)
        logger.setLevel(logging.NOTSET)
    assert result.ok, "\n".join(result.problems)
    return result.output, post, records.records


def figures(site: Path):
    return soup(site / POST).select("figure.kp-compare")


def test_findings_are_text_in_the_caption(faces_site):
    site, _, _ = faces_site
    eyes, backdrop, _, _ = figures(site)
    identity, shape, skin = [li.get_text() for li in eyes.select(".kp-compare__findings li")]
    assert identity.startswith("Face-recognition distance 0.")
    assert "(0.6 or more = a different person): the model still takes it" in identity
    # The eyes were enlarged by 15 % (linear): 32 % of area, give or take 4 points.
    assert shape.startswith("Reshaped: eyes ")
    assert 28 <= int(shape.split("eyes ")[1].split("%")[0]) <= 36
    assert "larger (area)" in shape and "jaw" not in shape
    assert skin == "Skin texture: kept (within 10%)."
    backdrop_findings = [li.get_text() for li in backdrop.select(".kp-compare__findings li")]
    assert backdrop_findings[1].startswith("Reshaping: none measured")
    # The pixel figure stays: a new backdrop changes many pixels.
    percent = int(backdrop.select_one(".kp-compare__measure").get_text().split("%")[0])
    assert percent >= 20


def test_the_face_map_is_published_in_the_before_box(faces_site):
    site, _, _ = faces_site
    eyes = figures(site)[0]
    facemap = eyes.select_one("img.kp-compare__overlay.kp-compare__facemap")
    photo = eyes.select(".kp-compare__pane img.kp-compare__img")[1]
    assert (facemap["width"], facemap["height"]) == (photo["width"], photo["height"])
    assert facemap["alt"].startswith("Face map of the AI edit: orange where the face was")
    assert facemap["loading"] == "lazy"
    published = site / facemap["src"].lstrip("/")
    assert published.name.endswith(".faces.png") and published.parent.name == "images"
    with Image.open(published) as image:
        assert image.format == "PNG"
        assert image.width / image.height == pytest.approx(
            int(photo["width"]) / int(photo["height"]), abs=0.01
        )
        transparent, opaque = image.convert("RGBA").getchannel("A").getextrema()
        assert transparent == 0 and opaque > 200
    views = [v["value"] for v in eyes.select(".kp-compare__views input[type=radio]")]
    assert views == ["photo", "diff", "faces"]
    assert "three times longer" in eyes.select_one(".kp-compare__legend").get_text()


def test_faces_false_and_a_pair_without_a_face_keep_the_pixel_figure(faces_site):
    site, post, records = faces_site
    _, _, off, wall = figures(site)
    for figure in (off, wall):
        assert figure.select_one(".kp-compare__measure")
        assert not figure.select(".kp-compare__findings, .kp-compare__facemap, [value=faces]")
    # One INFO line, for the pair without a face only (faces: false is silent), never a
    # warning: the build driver fails on warnings.
    skipped = [r for r in records if "face analysis skipped" in r.getMessage()]
    assert [r.levelno for r in skipped] == [logging.INFO]
    line = source_line(post, "/// compare | No face at all")
    message = skipped[0].getMessage()
    assert f"faces.md:{line}: " in message and "no face was found in the before image" in message
    assert not [r for r in records if r.levelno >= logging.WARNING]


# -- in the browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def faces_server(faces_site):
    with running_server(faces_site[0], headers={"Content-Security-Policy": CSP}) as url:
        yield url


@pytest.fixture
def faces_page(browser, faces_server, request):
    """The post in Chromium (JavaScript as the test's ``js`` marker says), failing on any
    console error, page error or refused request (CSP included)."""
    javascript = getattr(request, "param", True)
    context = browser.new_context(
        java_script_enabled=javascript,
        reduced_motion="reduce",
        viewport={"width": 1000, "height": 1000},
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: cancelled_by_moving_on(r) or problems.append(f"{r.url}: {r.failure}"),
    )
    page.goto(faces_server + "/blog/faces/")
    if javascript:
        page.wait_for_selector(".kp-compare--slider")
    yield page
    assert not problems, problems
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("faces_page", [True, False], indirect=True, ids=["js", "no-js"])
def test_the_keyboard_walks_the_views_and_the_face_map_lies_on_the_after_image(faces_page):
    page = faces_page
    figure = page.locator("figure.kp-compare").first
    photo = figure.get_by_role("radio", name="Just the photo")
    diff, facemap = figure.locator(".kp-compare__diff"), figure.locator(".kp-compare__facemap")
    photo.focus()
    assert photo.is_checked() and not diff.is_visible() and not facemap.is_visible()
    page.keyboard.press("ArrowRight")
    assert figure.get_by_role("radio", name="What changed").is_checked()
    assert diff.is_visible() and not facemap.is_visible()
    page.keyboard.press("ArrowRight")
    expect(figure.get_by_role("radio", name="Face map")).to_be_focused()
    assert facemap.is_visible() and not diff.is_visible()
    wait_loaded(page, facemap)
    lies_on_the_after_image(figure, facemap)
    # Keyboard focus is drawn (the browser's own ring on the radio button).
    outline = figure.get_by_role("radio", name="Face map").evaluate(
        "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 1
    page.keyboard.press("ArrowRight")  # round again, to the photo alone
    assert photo.is_checked() and not facemap.is_visible()


@pytest.mark.browser
def test_axe_finds_nothing_with_the_face_map_shown(faces_page):
    faces_page.locator("figure.kp-compare").first.get_by_role("radio", name="Face map").check()
    results = Axe().run(faces_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
