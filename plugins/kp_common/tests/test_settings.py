"""The settings layer: one parse, typed values, one rule per kind, mistakes named.

Fast: these parse settings dicts directly; ``tests/test_validate_settings.py`` shows the
same messages reach a real build's output.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import pytest

from kp_common.pelican_compat import let_repeated_warnings_through
from kp_common.settings import (
    IMAGE_KEEPABLE,
    Link,
    newsletter,
    parse,
    safe_url,
    site_settings,
    studio_settings,
    tel_href,
)
from pelicanconf import STUDIO

ROOT = Path(__file__).resolve().parents[3]
SCHEDULER = "https://calendly.com/kpstudios/consultation"


def studio_with(path: tuple, value) -> dict:
    studio = copy.deepcopy(STUDIO)
    target = studio
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return studio


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_real_settings_parse_with_no_mistake(caplog):
    parsed = parse({"STUDIO": STUDIO, "MENU_ITEMS": [("Blog", "/blog/")]})
    assert errors(caplog) == [] and parsed.problems == 0
    studio = parsed.studio
    assert studio.consultation.link == Link("/book-a-consultation/")
    assert not studio.consultation.link.external
    assert studio.phone.href == "tel:+15035550142"
    assert studio.email.href == "mailto:hello@kpstudios.example"
    assert studio.newsletter.origin == "https://kpstudios.us21.list-manage.com"
    assert [p.name for p in studio.social] == ["Instagram", "LinkedIn", "Facebook"]
    assert all(p.link.external for p in studio.social)
    assert studio.opening_hours[0].days[0] == "Monday"
    assert parsed.menu[0].title == "Blog" and parsed.menu[0].link.href == "/blog/"


def test_parsed_once_per_settings_dict(caplog):
    settings = {"STUDIO": studio_with(("url",), "/relative/")}
    first = site_settings(settings)
    assert site_settings(settings) is first
    assert len(errors(caplog)) == 1  # reported once, however many plugins ask


def test_an_external_scheduler_is_an_external_link(caplog):
    parsed = parse({"STUDIO": studio_with(("consultation", "url"), SCHEDULER)})
    assert errors(caplog) == []
    link = parsed.studio.consultation.link
    assert link.href == SCHEDULER and link.external
    assert parsed.studio.consultation.as_dict()["external"] is True


CASES = [
    (("consultation", "url"), "javascript:alert(1)", 'STUDIO["consultation"]["url"]', "not a site"),
    (("consultation", "url"), "book-a-consultation", 'STUDIO["consultation"]["url"]', "not a site"),
    (("consultation", "label"), KeyError, 'STUDIO["consultation"]["label"]', "is missing"),
    (("consultation", "email"), "not an address", 'STUDIO["consultation"]["email"]', "valid"),
    (("consultation", "phone"), "call us", 'STUDIO["consultation"]["phone"]', "valid phone"),
    (("consultation", "colour"), "red", 'STUDIO["consultation"]["colour"]', "not a known"),
    (("newsletter", "action"), "http//list-manage.com", 'STUDIO["newsletter"]["action"]', "safe"),
    (("newsletter", "action"), "http://x.example/", 'STUDIO["newsletter"]["action"]', "https"),
    (("newsletter", "honeypot"), "x", 'STUDIO["newsletter"]["honeypot"]', "b_<u>_<id>"),
    (("url",), "/relative/", 'STUDIO["url"]', "not a safe link"),
    (("social", 1, "url"), "javascript:alert(1)", 'STUDIO["social"][1]["url"]', "safe link"),
    (("contact", "email"), "hello at kp", 'STUDIO["contact"]["email"]', "valid email"),
    (("contact", "phone"), "call us", 'STUDIO["contact"]["phone"]', "valid phone"),
    (("opening_hours", 0, "opens"), "9am", 'STUDIO["opening_hours"][0]["opens"]', "valid time"),
    (("opening_hours", 1, "days"), ["Samstag"], 'STUDIO["opening_hours"][1]["days"][0]', "day"),
    (("address",), "Portland", 'STUDIO["address"]', "should be a dict"),
    (("name",), KeyError, 'STUDIO["name"]', "is missing"),
    (("consultaton",), {"url": "/x/"}, 'STUDIO["consultaton"]', 'did you mean "consultation"'),
]


@pytest.mark.parametrize(("path", "value", "name", "problem"), CASES, ids=[c[2] for c in CASES])
def test_a_bad_studio_setting_is_reported_by_name(caplog, path, value, name, problem):
    parse({"STUDIO": studio_with(path, value)})
    matching = [m for m in errors(caplog) if f"{name} " in m and problem in m]
    assert matching, errors(caplog)
    assert all("How to fix:" in m for m in matching)


def test_an_invalid_consultation_means_no_call_to_action(caplog):
    parsed = parse({"STUDIO": studio_with(("consultation", "url"), "javascript:x()")})
    assert parsed.studio.consultation is None and parsed.kp_studio.consultation is None


@pytest.mark.parametrize(
    "newsletter",
    [KeyError, None, "", {}, {"action": ""}, {"action": None, "honeypot": "b_1_2"}],
    ids=["absent", "None", "empty string", "empty dict", "empty action", "None action"],
)
def test_the_newsletter_is_off_the_same_way_however_it_is_spelt(caplog, newsletter):
    # Pelican's log filter drops a message this process logged before (another case did).
    let_repeated_warnings_through()
    with caplog.at_level(logging.INFO):
        parsed = parse({"STUDIO": studio_with(("newsletter",), newsletter)})
    assert parsed.studio.newsletter is None
    assert errors(caplog) == []
    notes = [r for r in caplog.records if "newsletter" in r.getMessage()]
    assert len(notes) == 1 and notes[0].levelno == logging.INFO


def test_no_phone_no_email_no_social_is_a_valid_studio(caplog):
    studio = studio_with(("contact",), KeyError)
    studio["social"] = []
    studio["consultation"] = {
        k: v for k, v in studio["consultation"].items() if k not in ("phone", "email")
    }
    parsed = parse({"STUDIO": studio})
    assert errors(caplog) == []
    assert parsed.studio.phone is None and parsed.studio.email is None
    assert parsed.studio.social == ()
    cta = parsed.studio.consultation.as_dict()
    assert cta["phone"] is None and cta["email_href"] is None


def test_a_missing_studio_dict_is_reported(caplog):
    parsed = parse({"SITEURL": ""})
    assert parsed.studio is None
    assert any(m.startswith("<settings>: STUDIO is missing") for m in errors(caplog))


@pytest.mark.parametrize(
    ("siteurl", "problem"),
    [
        ("javascript:alert(1)", "is 'javascript:alert(1)', which is not an http(s) address"),
        ("https://kpstudios.example/", "ends with a slash"),
        ("", "is missing in a publish build"),
    ],
)
def test_siteurl_rules(caplog, siteurl, problem):
    parse({"STUDIO": STUDIO, "SITEURL": siteurl, "KP_PUBLISH": True})
    assert any(m.startswith("<settings>: SITEURL ") and problem in m for m in errors(caplog))


def test_a_site_under_a_path_is_a_valid_siteurl(caplog):
    parsed = parse({"STUDIO": STUDIO, "SITEURL": "https://user.github.io/site", "KP_PUBLISH": 1})
    assert errors(caplog) == [] and parsed.siteurl == "https://user.github.io/site"


def test_a_menu_link_that_runs_code_is_reported(caplog):
    parsed = parse({"STUDIO": STUDIO, "MENU_ITEMS": [("Blog", "/blog/"), ("Evil", "javascript:")]})
    assert any("MENU_ITEMS[1] has the link 'javascript:'" in m for m in errors(caplog))
    assert [item.title for item in parsed.menu] == ["Blog"]


CONSULTATION = {
    "url": "/book-a-consultation/",
    "label": "Book",
    "headline": "Hello",
    "text": "Text",
    "session_length": "free 15-minute consultation",
    "phone": "+1 503 555 0142",
    "email": "hello@example.com",
}


def test_kp_studio_defaults_and_cache_folder(caplog, tmp_path):
    options = studio_settings({"STUDIO": {"consultation": CONSULTATION}, "CACHE_PATH": tmp_path})
    assert options.consultation.as_dict()["phone_href"] == "tel:+15035550142"
    assert options.cache_dir == str(tmp_path / "kp_studio")
    assert (options.diff_threshold, options.diff_blur, options.diff_max_size) == (24, 1.5, 1600)


def test_bad_kp_studio_options_are_named_and_defaults_kept(caplog):
    options = parse(
        {
            "STUDIO": STUDIO,
            "KP_STUDIO": {"diff_threshold": 0, "diff_blur": "a lot", "speed": 1},
        }
    ).kp_studio
    messages = errors(caplog)
    assert len(messages) == 3
    assert any('KP_STUDIO["diff_threshold"]' in m for m in messages)
    assert any('KP_STUDIO["diff_blur"] must be a number' in m for m in messages)
    assert any('KP_STUDIO["speed"] is not a known option' in m for m in messages)
    assert options.diff_threshold == 24 and options.diff_blur == 1.5


def test_kp_images_defaults_are_typed_and_frozen(caplog):
    images = parse({"STUDIO": STUDIO}).images
    assert errors(caplog) == []
    assert images.widths == (360, 720, 1080, 1440) and images.formats == ("avif", "webp", "jpeg")
    assert dict(images.quality) == {"avif": 55, "webp": 75, "jpeg": 80}
    assert images.max_edge == 2048 and images.max_pixels == 150_000_000
    assert images.keep == frozenset(IMAGE_KEEPABLE) and images.output_dir == "images/r"
    assert images.workers >= 1 and images.cache_dir is None and images.copyright is None
    with pytest.raises(AttributeError):
        images.max_edge = 4096  # frozen: no plugin changes what another one reads
    assert hash(images)  # every part immutable, so it can key a cache


def test_kp_images_values_given_are_kept(caplog, tmp_path):
    given = {
        "widths": [1080, 360, 720, 360],
        "quality": {"jpeg": 90},
        "keep": ["copyright"],
        "workers": 3,
        "cache_dir": tmp_path,
        "output_dir": "/photos/r/",
        "license": "/image-licence/",
        "acquire_license_page": "https://kpstudios.example/licensing/",
    }
    images = parse({"STUDIO": STUDIO, "KP_IMAGES": given}).images
    assert errors(caplog) == []
    assert images.widths == (360, 720, 1080)
    assert dict(images.quality) == {"avif": 55, "webp": 75, "jpeg": 90}
    assert images.keep == frozenset({"copyright"}) and images.workers == 3
    assert images.cache_dir == str(tmp_path) and images.output_dir == "photos/r"
    assert images.license == "/image-licence/"


IMAGE_CASES = [
    ("max_edge", 10, 'KP_IMAGES["max_edge"] must be a whole number from 64 to 8192, not 10'),
    ("max_edge", "2048", 'KP_IMAGES["max_edge"] must be a whole number from 64 to 8192'),
    ("widths", [360, 9000], 'KP_IMAGES["widths"] is [360, 9000]; it must list widths'),
    ("widths", "360", "KP_IMAGES[\"widths\"] is '360'; it must list widths"),
    ("formats", ["webp"], "KP_IMAGES[\"formats\"] is ['webp']; it must include 'jpeg'"),
    ("formats", ["jpeg", "gif"], "KP_IMAGES[\"formats\"] is ['jpeg', 'gif']"),
    ("quality", {"jpeg": 101}, 'KP_IMAGES["quality"]["jpeg"] must be a whole number from 1'),
    ("quality", {"png": 80}, 'KP_IMAGES["quality"]["png"] is not a format we encode'),
    ("quality", 80, 'KP_IMAGES["quality"] is 80, not a dict'),
    ("keep", ["gps"], "KP_IMAGES[\"keep\"] has ['gps'], which is not metadata"),
    ("avif_speed", True, 'KP_IMAGES["avif_speed"] must be a whole number from 0 to 10'),
    ("workers", 0, 'KP_IMAGES["workers"] must be a whole number from 1 to 256, not 0'),
    ("max_pixels", 10, 'KP_IMAGES["max_pixels"] must be a whole number from 1_000_000 to'),
    ("copyright", "  ", "KP_IMAGES[\"copyright\"] is '  ', which is empty"),
    ("copyright", 2026, 'KP_IMAGES["copyright"] is 2026, which is not text'),
    ("license", "javascript:alert(1)", "KP_IMAGES[\"license\"] is 'javascript:alert(1)', which"),
    ("output_dir", "../up", "KP_IMAGES[\"output_dir\"] is '../up', which is not a folder"),
    ("max_edg", 900, 'KP_IMAGES["max_edg"] is not a setting of kp_images'),
]


@pytest.mark.parametrize("key, value, message", IMAGE_CASES)
def test_a_bad_kp_images_value_is_named_and_its_default_kept(caplog, key, value, message):
    images = parse({"STUDIO": STUDIO, "KP_IMAGES": {key: value}}).images
    [reported] = errors(caplog)
    assert reported.startswith(f"<settings>: {message}"), reported
    assert "How to fix:" in reported
    defaults = parse({"STUDIO": STUDIO}).images
    assert images == defaults  # the setting's default is used in its place


def test_kp_images_must_be_a_dict(caplog):
    images = parse({"STUDIO": STUDIO, "KP_IMAGES": ["max_edge", 900]}).images
    [reported] = errors(caplog)
    assert "KP_IMAGES should be a dict of settings" in reported
    assert images.max_edge == 2048


def test_the_redirects_file_is_a_file_in_the_content_folder(caplog):
    assert parse({"STUDIO": STUDIO}).redirects_file == "data/redirects.yaml"
    given = {"STUDIO": STUDIO, "KP_REDIRECTS_FILE": "old/moved.yaml"}
    assert parse(given).redirects_file == "old/moved.yaml"
    assert errors(caplog) == []


@pytest.mark.parametrize("value", ["/etc/redirects.yaml", "../outside.yaml", "", 12, "a/../../b"])
def test_a_redirects_file_outside_the_content_folder_is_named(caplog, value):
    parsed = parse({"STUDIO": STUDIO, "KP_REDIRECTS_FILE": value})
    [reported] = errors(caplog)
    assert reported.startswith(f"<settings>: KP_REDIRECTS_FILE is {value!r}, which ")
    assert parsed.redirects_file == "data/redirects.yaml" and parsed.problems == 1


def test_the_newsletter_of_a_studio_dict_follows_the_same_rules_quietly(caplog):
    assert newsletter(STUDIO).origin == "https://kpstudios.us21.list-manage.com"
    assert newsletter(STUDIO) == parse({"STUDIO": STUDIO}).studio.newsletter
    caplog.clear()
    insecure = studio_with(("newsletter", "action"), "http://lists.example/subscribe")
    no_honeypot = studio_with(("newsletter", "honeypot"), KeyError)
    for studio in (insecure, no_honeypot, studio_with(("newsletter",), KeyError), None, "x"):
        assert newsletter(studio) is None
    assert caplog.records == []  # the build reports these; the tooling only leaves them out


@pytest.mark.parametrize("key", ["KP_SEARCH_PAGES_PER_BUNDLE", "KP_READING_WPM", "KP_RELATED_MAX"])
@pytest.mark.parametrize("value", [0, -3, "250", 2.5, True])
def test_numeric_settings_need_a_whole_number(caplog, key, value):
    parse({"STUDIO": STUDIO, key: value})
    [message] = errors(caplog)
    assert message.startswith(f"<settings>: {key} must be a whole number >= 1, not {value!r}")


def test_tel_href_keeps_only_dialable_characters():
    assert tel_href("+1 (503) 555-0142") == "tel:+15035550142"


@pytest.mark.parametrize(
    "url",
    [
        "https://kpstudios.example/",
        "http://example.com/a?b=c#d",
        "mailto:hello@kpstudios.example",
        "mailto:hello@kpstudios.example?subject=Headshots",
        "tel:+15035550142",
        "/book-a-consultation/",
        "#pricing",
        SCHEDULER,
    ],
)
def test_safe_url_allows_web_mail_phone_and_site_links(url):
    assert safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/\\evil.example/",
        "https:/evil.example",
        "https://",
        "ftp://example.com/",
        "mailto:",
        "tel:call-me",
        "",
        None,
        42,
        "book-a-consultation/",
    ],
)
def test_safe_url_refuses_everything_else(url):
    assert not safe_url(url)


def test_safe_url_can_require_an_absolute_address():
    assert not safe_url("/book-a-consultation/", allow_relative=False)
    assert safe_url("https://kpstudios.example/book/", allow_relative=False)


# -- photos named in the settings: the home page's hero and the default preview image --------

CONTENT = str(ROOT / "content")

PHOTO_CASES = [
    (("hero", "image"), "/images/portfolio/mei.jpg", 'STUDIO["hero"]["image"]', "not a photo"),
    (("hero", "image"), "../secret.jpg", 'STUDIO["hero"]["image"]', "not a photo"),
    (("hero", "image"), "images/portfolio/mei.txt", 'STUDIO["hero"]["image"]', "not a photo"),
    (("hero", "image"), KeyError, 'STUDIO["hero"]["image"]', "is missing"),
    (("hero", "alt"), KeyError, 'STUDIO["hero"]["alt"]', "is missing"),
    (("hero", "alt"), "   ", 'STUDIO["hero"]["alt"]', "is missing"),
    (("hero", "imagee"), "x", 'STUDIO["hero"]["imagee"]', 'did you mean "image"'),
    (("hero",), "images/portfolio/mei.jpg", 'STUDIO["hero"]', "should be a dict"),
    (("image",), 42, 'STUDIO["image"]', "not text"),
    (("image_alt",), KeyError, 'STUDIO["image_alt"]', "is missing"),
]


@pytest.mark.parametrize(
    ("path", "value", "name", "problem"), PHOTO_CASES, ids=[f"{c[2]}={c[1]!r}" for c in PHOTO_CASES]
)
def test_a_bad_settings_photo_is_reported_by_name_and_left_out(caplog, path, value, name, problem):
    parsed = parse({"STUDIO": studio_with(path, value), "PATH": CONTENT})
    matching = [m for m in errors(caplog) if f"{name} " in m and problem in m]
    assert matching, errors(caplog)
    assert all("How to fix:" in m for m in matching)
    photo = parsed.studio.hero if path[0] == "hero" else parsed.studio.image
    if "did you mean" not in problem:  # a typo beside a valid photo is reported, photo kept
        assert photo is None  # no broken image, no image without alt text


@pytest.mark.parametrize("path", [("hero", "image"), ("image",)])
def test_a_photo_missing_from_the_content_folder_is_an_error_naming_the_setting(caplog, path):
    parsed = parse({"STUDIO": studio_with(path, "images/nobody.jpg"), "PATH": CONTENT})
    name = 'STUDIO["hero"]["image"]' if path[0] == "hero" else 'STUDIO["image"]'
    said = [m for m in errors(caplog) if m.startswith(f"<settings>: {name} ")]
    assert len(said) == 1 and parsed.problems == 1, errors(caplog)
    assert "'images/nobody.jpg', which names no file in the content folder" in said[0]
    assert "How to fix: put the photo at content/images/nobody.jpg" in said[0]
    assert f"or leave {name} out" in said[0]
    assert (parsed.studio.hero if path[0] == "hero" else parsed.studio.image) is None


@pytest.mark.parametrize(
    ("portfolio", "problem"),
    [
        ({"url": "https://elsewhere.example/work/"}, "is not a page of this site"),
        ({"url": "/portfolio/", "photos": 0}, "must be a whole number >= 1"),
        ({"url": "/portfolio/", "photo": 4}, "did you mean"),
        ({"photos": 4}, '["url"] is missing'),
    ],
)
def test_a_bad_portfolio_strip_setting_is_reported_by_name(caplog, portfolio, problem):
    parse({"STUDIO": {**STUDIO, "portfolio": portfolio}, "PATH": CONTENT})
    said = [m for m in errors(caplog) if 'STUDIO["portfolio"]' in m and problem in m]
    assert said and all("How to fix:" in m for m in said), errors(caplog)


def test_the_portfolio_strip_setting_is_parsed(caplog):
    parsed = parse({"STUDIO": STUDIO, "PATH": CONTENT})
    assert errors(caplog) == []
    assert parsed.studio.portfolio.link.href == "/portfolio/"
    assert parsed.studio.portfolio.photos == 4


def test_the_real_hero_and_preview_image_are_photos_with_alt_text(caplog):
    parsed = parse({"STUDIO": STUDIO, "PATH": CONTENT})
    assert errors(caplog) == []
    for photo in (parsed.studio.hero, parsed.studio.image):
        assert (ROOT / "content" / photo.path).is_file() and len(photo.alt) > 20


def test_no_hero_and_no_preview_image_is_a_valid_studio(caplog):
    studio = {k: v for k, v in STUDIO.items() if k not in ("hero", "image", "image_alt")}
    parsed = parse({"STUDIO": studio, "PATH": CONTENT})
    assert errors(caplog) == [] and parsed.studio.hero is None and parsed.studio.image is None
