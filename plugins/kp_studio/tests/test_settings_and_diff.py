"""The pixel difference and its fitting rule (settings: kp_common/tests/test_settings.py)."""

from __future__ import annotations

import pytest
from kp_common.settings import studio_settings
from kp_studio import diffimage
from PIL import Image, ImageDraw


def _photo(size, colour=(120, 110, 100)) -> Image.Image:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], "red")
    return image


def test_identical_images_and_jpeg_noise_do_not_count(tmp_path):
    _photo((200, 250)).save(tmp_path / "a.png")
    _photo((200, 250)).save(tmp_path / "b.jpg", quality=70)
    percent, overlay = diffimage.compute_diff(tmp_path / "a.png", tmp_path / "b.jpg", 24, 1.5, 1600)
    assert percent < 0.5
    assert overlay.size == (200, 250) and overlay.mode == "RGBA"


def test_changed_area_is_measured(tmp_path):
    before = _photo((200, 200))
    after = before.copy()
    ImageDraw.Draw(after).rectangle([100, 100, 199, 199], fill=(0, 200, 0))  # a quarter
    before.save(tmp_path / "a.png")
    after.save(tmp_path / "b.png")
    percent, overlay = diffimage.compute_diff(tmp_path / "a.png", tmp_path / "b.png", 24, 0, 1600)
    assert percent == pytest.approx(25, abs=0.5)
    assert overlay.getpixel((150, 150))[3] > 0 and overlay.getpixel((20, 20))[3] == 0


def test_after_of_another_shape_is_fitted_like_object_fit_cover():
    wide = Image.new("RGB", (300, 100), "blue")
    ImageDraw.Draw(wide).rectangle([100, 0, 199, 99], fill="red")  # the centre third
    fitted = diffimage.fit_to(wide, (100, 100))
    assert fitted.size == (100, 100)
    assert fitted.getpixel((5, 50))[0] > 200 and fitted.getpixel((95, 50))[0] > 200


def test_same_pair_with_another_threshold_gets_another_cache_key(tmp_path):
    from dataclasses import replace

    _photo((50, 50)).save(tmp_path / "a.png")
    _photo((50, 50), (10, 10, 10)).save(tmp_path / "b.png")
    settings = studio_settings({"CACHE_PATH": str(tmp_path)})
    key = diffimage.cache_key(tmp_path / "a.png", tmp_path / "b.png", settings)
    assert key == diffimage.cache_key(tmp_path / "a.png", tmp_path / "b.png", settings)
    other = replace(settings, diff_threshold=40)
    assert key != diffimage.cache_key(tmp_path / "a.png", tmp_path / "b.png", other)


@pytest.mark.parametrize(
    ("percent", "text"),
    [(0, "0%"), (0.3, "less than 1%"), (23.4, "23%"), (99.6, "more than 99%"), (100, "100%")],
)
def test_percent_text_never_rounds_a_change_away(percent, text):
    assert diffimage.percent_text(percent) == text
