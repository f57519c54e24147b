"""Sites built with the real theme: the comparison's HTML, the CTA, escaping, errors."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.sitebuild import SCENARIOS as DATA
from tests.sitebuild import build_scenario, soup, source_line

POST = "blog/two-comparisons/index.html"


def test_comparison_is_a_figure_with_caption_sizes_and_a_named_range(valid_site: Path):
    figures = soup(valid_site / POST).select("figure.kp-compare")
    assert len(figures) == 2
    first, second = figures
    assert first.figcaption.get_text(" ", strip=True).startswith("The first comparison")
    before, after = first.select(".kp-compare__pane picture > img.kp-compare__img")
    with Image.open(DATA / "valid/content/images/before.jpg") as image:
        size = image.size
    # Both images share the before image's box: explicit, identical width/height.
    assert (int(before["width"]), int(before["height"])) == size
    assert (int(after["width"]), int(after["height"])) == size
    assert before["alt"] == "The original test portrait"
    assert after["alt"] == "The edited test portrait with a green square"
    assert before["loading"] == after["loading"] == "lazy"
    assert [s.get_text() for s in first.select(".kp-compare__label")] == ["Original", "AI edit"]
    slider = first.select_one("input[type=range].kp-compare__range")
    assert slider.has_attr("hidden"), "the control appears only when compare.js runs"
    assert (slider["min"], slider["max"], slider["value"]) == ("0", "100", "30")
    assert slider["aria-label"] == "Reveal the AI edit: percent of Original shown"
    # The square after image of the second comparison is fitted into the before's box.
    square = second.select(".kp-compare__pane picture > img.kp-compare__img")[1]
    assert (int(square["width"]), int(square["height"])) == size
    assert [s.get_text() for s in second.select(".kp-compare__label")] == ["Before", "After"]


def test_diff_overlay_is_published_and_measured_in_the_caption(valid_site: Path):
    first, second = soup(valid_site / POST).select("figure.kp-compare")
    overlay = first.select_one("img.kp-compare__overlay.kp-compare__diff")
    published = valid_site / overlay["src"].lstrip("/")
    assert published.is_file()
    with Image.open(published) as image:
        assert image.mode == "RGBA"
        alpha = image.getchannel("A")
        changed = sum(alpha.histogram()[1:]) / (image.width * image.height)
    # The test images differ by a 40x40 square in a 160x200 photo: 5%, give or take
    # the blur at its edges.
    assert 0.04 < changed < 0.08
    measure = first.select_one(".kp-compare__measure").get_text()
    assert measure in {"5% of this photo was changed.", "6% of this photo was changed."}
    # The views are a radio group (CSS shows the chosen overlay): the photo alone first.
    views = first.select("fieldset.kp-compare__views input[type=radio]")
    assert [(v["value"], v.has_attr("checked")) for v in views] == [
        ("photo", True),
        ("diff", False),
    ], "no face in these test images: no face map"
    assert len({v["name"] for v in views}) == 1
    assert (
        first.select_one("fieldset.kp-compare__views legend").get_text() == "Show on the AI edit:"
    )
    labels = [v.parent.get_text(strip=True) for v in views]
    assert labels == ["Just the photo", "What changed"]
    # diff: false turns the overlay, the figure and the views off (and there is no face).
    assert not second.select(".kp-compare__overlay, .kp-compare__measure, .kp-compare__views")


def test_component_assets_load_only_where_a_comparison_is(valid_site: Path):
    with_compare = soup(valid_site / POST)
    assert with_compare.select_one("link[rel=stylesheet][href$='/css/compare.css']")
    script = with_compare.select_one("script[src$='/js/compare.js']")
    assert script is not None and script.has_attr("defer")
    for page in ["blog/no-cta/index.html", "about/index.html", "index.html"]:
        html = soup(valid_site / page)
        assert not html.select("[href*=compare], [src*=compare]"), page
    assert (valid_site / "theme/js/compare.js").is_file()
    assert (valid_site / "theme/css/compare.css").is_file()


def test_no_inline_style_or_script_in_component_output(valid_site: Path):
    html = soup(valid_site / POST)
    assert not html.find_all(style=True)
    assert not html.find_all("style")
    assert all(
        script.get("src") or script.get("type") == "application/ld+json"
        for script in html.find_all("script")
    )
    assert "kp-block" not in (valid_site / POST).read_text(), "a placeholder was left"


def test_call_to_action_at_the_end_with_metadata_overrides(valid_site: Path):
    html = soup(valid_site / POST)
    end = html.select_one("section.cta")
    assert end.h2.get_text() == "A custom headline for this post"
    link = end.select_one("a.button")
    assert link["href"] == "/book-a-consultation/" and link.get_text() == "Ask us anything"
    assert "15-minute consultation" in end.get_text()
    assert end.select_one("a[href^='tel:+1']") and end.select_one("a[href^='mailto:']")
    inline = html.select_one(".prose .cta--inline")
    assert inline.select_one(".cta__headline").get_text() == "An inline headline"
    assert inline.select_one("a.button").get_text() == "Schedule a free consultation"


def test_cta_none_removes_the_call_to_action(valid_site: Path):
    assert not soup(valid_site / "blog/no-cta/index.html").select(".cta")


def test_every_author_value_is_escaped(hostile_site: Path):
    page = hostile_site / "blog/hostile/index.html"
    html = soup(page)
    raw = page.read_text()
    assert not html.select("main script, main svg, .prose b, figure img[onerror]")
    assert not any(
        el.has_attr("onerror") or el.has_attr("onfocus") or el.has_attr("onload")
        for el in html.find_all(True)
    )
    figure = html.select_one("figure.kp-compare")
    caption = figure.figcaption.get_text().replace("\u201c", '"').replace("\u201d", '"')
    assert '<script>alert("caption")</script> & "quotes"' in caption, "shown as text"
    assert "{{ 7*7 }}" in figure.figcaption.get_text(), "author text is not a template"
    before, after = figure.select(".kp-compare__pane picture > img.kp-compare__img")
    assert before["alt"] == '" onerror="alert(1)" <img src=x>'
    assert after["alt"] == "</figure><script>alert('alt')</script>"
    labels = [s.get_text() for s in figure.select(".kp-compare__label")]
    assert labels[0] == "<b>bold</b>"
    assert labels[1] in {'" autofocus onfocus="alert(2)', "\u201d autofocus onfocus=\u201dalert(2)"}
    cta = html.select_one(".cta--inline")
    assert "<script>alert(" in cta.get_text() and "<svg" in cta.select_one("a.button").get_text()
    assert "<script>alert(" not in raw.split("<main", 1)[1]


def test_every_error_of_a_build_is_reported_with_file_line_and_fix(tmp_path: Path):
    result = build_scenario("errors", tmp_path)
    assert not result.ok and not (tmp_path / "output").exists(), "nothing may be published"
    post = DATA / "errors/content/blog/broken.md"
    expected = {
        "before: images/no-such-photo.jpg": "does not exist",
        'before_alt: ""': "is empty",
        "/// compare | Missing alt": "missing its 'after_alt' option",
        "colour: red": "'colour' is not an option",
        "start: 150": "outside 0-100",
        "after: images/./before.jpg": "are the same file",
        "before: images/not-an-image.jpg": "cannot be read as an image",
        "after: images/truncated.jpg": "cannot be read as an image",
        "before: images/scan.bmp": "BMP",
        "before: ../../secret.jpg": "outside the content folder",
        "before_alt: Dana: smiling": "not valid YAML",
        "before_alt: No caption": "has no caption",
        "/// compare | Never closed": "never closed",
        "Cta: nope": "'Cta: nope' is not understood",
    }
    for marker, problem in expected.items():
        line = source_line(post, marker)
        if marker == "before_alt: No caption":
            line -= 2  # reported at the block's header
        location = f"broken.md:{line}: "
        matching = [p for p in result.problems if location in p and problem in p]
        assert matching, f"no {problem!r} at {location}:\n" + "\n".join(result.problems)
        assert all("How to fix: " in p for p in matching)
    ours = [p for p in result.problems if "broken.md:" in p]
    assert len(ours) == len(expected), "\n".join(ours)


def test_unchanged_pairs_are_not_recomputed(tmp_path: Path, monkeypatch):
    from kp_studio import diffimage

    calls = []
    original = diffimage.compute_diff
    monkeypatch.setattr(
        diffimage, "compute_diff", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    first = build_scenario("valid", tmp_path)
    assert first.ok and len(calls) == 1  # one comparison has diff: true
    overlay = next((tmp_path / "output/images").glob("after.*.diff.png"))
    overlay.unlink()
    second = build_scenario("valid", tmp_path)
    assert second.ok and len(calls) == 1, "the cached result was not reused"
    assert overlay.is_file(), "a cached overlay is still published"
    third = build_scenario("valid", tmp_path, KP_STUDIO={"diff_threshold": 60})
    assert third.ok and len(calls) == 2, "another threshold must recompute"
