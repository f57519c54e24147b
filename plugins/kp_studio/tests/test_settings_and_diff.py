"""Settings validation, the pixel difference and its fitting rule."""

from __future__ import annotations

import logging

import pytest
from kp_studio import diffimage
from kp_studio.settings import parse, tel_href
from PIL import Image, ImageDraw

CONSULTATION = {
    "url": "/book-a-consultation/",
    "label": "Book",
    "headline": "Hello",
    "text": "Text",
    "session_length": "free 15-minute consultation",
    "phone": "+1 503 555 0142",
    "email": "hello@example.com",
}


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_valid_settings(caplog, tmp_path):
    settings = parse({"STUDIO": {"consultation": CONSULTATION}, "CACHE_PATH": str(tmp_path)})
    assert not errors(caplog)
    assert settings.consultation.as_dict()["phone_href"] == "tel:+15035550142"
    assert settings.cache_dir == str(tmp_path / "kp_studio")
    assert settings.diff_threshold == 24


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"url": None}, 'STUDIO["consultation"]["url"] is missing'),
        ({"url": "javascript:alert(1)"}, 'STUDIO["consultation"]["url"]'),
        ({"label": ""}, 'STUDIO["consultation"]["label"] is missing or empty'),
        ({"email": "not an address"}, 'STUDIO["consultation"]["email"]'),
        ({"phone": "call us"}, 'STUDIO["consultation"]["phone"]'),
        ({"colour": "red"}, 'STUDIO["consultation"]["colour"] is not a known'),
    ],
)
def test_bad_consultation_setting_is_named(caplog, change, named):
    consultation = {**CONSULTATION, **change}
    consultation = {k: v for k, v in consultation.items() if v is not None}
    settings = parse({"STUDIO": {"consultation": consultation}})
    [message] = errors(caplog)
    assert named in message and "How to fix:" in message
    assert settings.consultation is None  # no call to action rather than a broken one


def test_bad_plugin_options_are_named(caplog):
    settings = parse(
        {
            "STUDIO": {"consultation": CONSULTATION},
            "KP_STUDIO": {"diff_threshold": 0, "diff_blur": "a lot", "speed": 1},
        }
    )
    messages = errors(caplog)
    assert len(messages) == 3
    assert any('KP_STUDIO["diff_threshold"]' in m for m in messages)
    assert any('KP_STUDIO["speed"] is not a known option' in m for m in messages)
    assert settings.diff_threshold == 24 and settings.diff_blur == 1.5  # defaults kept


def test_tel_href_keeps_only_dialable_characters():
    assert tel_href("+1 (503) 555-0142") == "tel:+15035550142"


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
    settings = parse({"STUDIO": {"consultation": CONSULTATION}, "CACHE_PATH": str(tmp_path)})
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
