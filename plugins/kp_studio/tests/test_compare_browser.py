"""The comparison in headless Chromium: slider, keyboard, no-JS fallback, diff, a11y."""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from sitetools.chromium import cancelled_by_moving_on

POST = "/blog/two-comparisons/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, valid_server):
    """The post with two comparisons, JS on, reduced motion (so styles settle at once).

    Fails the test on any console error, page error or failed request (CSP included).
    """
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1000, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: cancelled_by_moving_on(r) or problems.append(f"{r.url}: {r.failure}"),
    )
    page.goto(valid_server + POST)
    page.wait_for_selector(".kp-compare--slider")
    yield page
    assert not problems, problems
    context.close()


def settled_value(page, index: int = 0) -> int:
    """The slider's value, once the script has drawn it.

    Chromium aligns mouse moves with animation frames, so the range can already hold the last
    drag position while its ``input`` listener has not yet copied it into ``--kp-pos``;
    measuring then reads the previous frame (a flaky failure seen in CI).
    """
    value = page.locator(".kp-compare__range").nth(index).input_value()
    figure = page.locator("figure.kp-compare").nth(index)
    expect(figure).to_have_attribute("style", re.compile(rf"--kp-pos:\s*{value}(;|$)"))
    return int(value)


def divider_x(page, index: int = 0) -> float:
    """Where the divider is drawn, relative to the stage's left edge."""
    stage = page.locator(".kp-compare__stage").nth(index).bounding_box()
    handle = page.locator(".kp-compare__handle").nth(index).bounding_box()
    return handle["x"] + handle["width"] / 2 - stage["x"]


def expected_divider_x(width: float, percent: float) -> float:
    # The range thumb (2.75rem = 44px) travels inset by half its width.
    return 22 + (width - 44) * percent / 100


def edit_is_shown_at_the_square(page, index: int = 0) -> bool:
    """True if the pixel in the middle of the test images' green square shows the edit.

    The after image differs from the before image only by a green 40x40 square centred at
    (50%, 40%) of the photo; what the reader sees there tells which image is revealed.
    """
    png = page.locator(".kp-compare__stage").nth(index).screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    red, green, blue = image.getpixel((int(image.width * 0.5), int(image.height * 0.4)))
    return green > 150 and red < 110 and blue < 120


def test_script_turns_both_figures_into_sliders(page):
    assert page.locator(".kp-compare--slider").count() == 2
    slider = page.locator(".kp-compare__range").first
    assert slider.is_visible()
    assert slider.get_attribute("aria-label") == "Reveal the AI edit: percent of Original shown"
    box = page.locator(".kp-compare__stage").first.bounding_box()
    # start: 30 -> the divider sits 30% of the way along, the edit shows right of it.
    assert divider_x(page) == pytest.approx(expected_divider_x(box["width"], 30), abs=2)
    assert edit_is_shown_at_the_square(page)


def test_dragging_the_divider_changes_the_reveal(page):
    stage = page.locator(".kp-compare__stage").first
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    assert edit_is_shown_at_the_square(page)
    y = box["y"] + box["height"] * 0.6
    thumb_x = box["x"] + 22 + (box["width"] - 44) * 0.30
    page.mouse.move(thumb_x, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=8)
    page.mouse.up()
    value = settled_value(page)
    assert 70 <= value <= 90
    assert divider_x(page) == pytest.approx(expected_divider_x(box["width"], value), abs=2)
    assert not edit_is_shown_at_the_square(page), "the original now covers the square"


def test_arrow_keys_home_and_end_move_it(page):
    slider = page.locator(".kp-compare__range").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "31"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert slider.input_value() == "29"
    page.keyboard.press("Home")
    assert slider.input_value() == "0"
    assert settled_value(page) == 0
    assert edit_is_shown_at_the_square(page)
    page.keyboard.press("End")
    assert slider.input_value() == "100"
    assert settled_value(page) == 100
    assert not edit_is_shown_at_the_square(page)
    page.keyboard.press("PageDown")
    assert int(slider.input_value()) < 100


def test_keyboard_focus_draws_a_visible_ring(page):
    page.locator("figure.kp-compare").first.scroll_into_view_if_needed()
    page.locator(".kp-compare__range").first.focus()
    page.keyboard.press("ArrowRight")  # keyboard modality: :focus-visible applies
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.kp-compare__stage'));"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] == "solid" and outline[1] >= 2


def wait_loaded(page, image) -> None:
    """Polled from here: wait_for_function evaluates a string in the page, which our CSP
    (no 'unsafe-eval') refuses as soon as it has to poll."""
    for _ in range(200):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        page.wait_for_timeout(25)
    raise AssertionError("the overlay never loaded")


def lies_on_the_after_image(figure, overlay) -> None:
    after_box = figure.locator(".kp-compare__pane--after img.kp-compare__img").bounding_box()
    overlay_box = overlay.bounding_box()
    for key in ("x", "y", "width", "height"):
        assert overlay_box[key] == pytest.approx(after_box[key], abs=1), key


def test_what_changed_lays_the_overlay_on_the_after_image(page):
    figure = page.locator("figure.kp-compare").first
    overlay = figure.locator(".kp-compare__diff")
    choice = figure.get_by_role("radio", name="What changed")
    assert figure.get_by_role("radio", name="Just the photo").is_checked()
    assert choice.is_visible() and not overlay.is_visible()
    choice.check()
    overlay.scroll_into_view_if_needed()
    wait_loaded(page, overlay)
    lies_on_the_after_image(figure, overlay)
    figure.get_by_role("radio", name="Just the photo").check()
    assert not overlay.is_visible()
    # The second comparison has diff: false (and no face): no views at all.
    assert page.locator("figure.kp-compare").nth(1).locator(".kp-compare__views").count() == 0


def test_vertical_swipes_still_scroll_the_page(page):
    for selector in ("figure.kp-compare", ".kp-compare__range"):
        touch_action = page.eval_on_selector(selector, "e => getComputedStyle(e).touchAction")
        assert "pan-y" in touch_action, (selector, touch_action)


def test_motion_only_when_the_reader_allows_it(browser, valid_server, page):
    durations = "e => getComputedStyle(e).transitionDuration.split(',').map(parseFloat)"
    assert max(page.eval_on_selector(".kp-compare__pane--after", durations)) < 0.001
    context = browser.new_context(reduced_motion="no-preference")
    moving = context.new_page()
    moving.goto(valid_server + POST)
    assert min(moving.eval_on_selector(".kp-compare__pane--after", durations)) >= 0.1
    context.close()


@pytest.mark.parametrize(("width", "side_by_side"), [(1000, True), (360, False)])
def test_without_javascript_both_images_show_labelled(browser, valid_server, width, side_by_side):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(valid_server + POST)
    figure = page.locator("figure.kp-compare").first
    figure.scroll_into_view_if_needed()
    images = figure.locator(".kp-compare__pane picture > img.kp-compare__img")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.kp-compare__img')].every(i => i.complete)"
    )
    before, after = images.nth(0).bounding_box(), images.nth(1).bounding_box()
    assert before["width"] > 100 and after["width"] > 100
    assert before["height"] == pytest.approx(after["height"], abs=1)
    if side_by_side:
        assert after["x"] >= before["x"] + before["width"] and after["y"] == before["y"]
    else:
        assert after["y"] >= before["y"] + before["height"]
    assert all(label.is_visible() for label in figure.locator(".kp-compare__label").all())
    assert not figure.locator(".kp-compare__range").is_visible()
    # The views need no script: "What changed" works without JavaScript too.
    figure.get_by_role("radio", name="What changed").check()
    overlay = figure.locator(".kp-compare__diff")
    wait_loaded(page, overlay)
    lies_on_the_after_image(figure, overlay)
    context.close()


def test_axe_finds_nothing_on_a_page_with_two_comparisons(page):
    page.get_by_role("radio", name="What changed").first.check()  # the overlay state too
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
