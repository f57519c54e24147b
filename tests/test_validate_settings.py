"""Settings mistakes are reported when the build starts, by the setting's full name."""

from __future__ import annotations

import contextlib
import copy
import logging
import types

import pytest
from kp_validate.settings_schema import STUDIO_SCHEMA, check_settings, safe_url, validate

from pelicanconf import STUDIO
from tests.sitebuild import ROOT, build_site


def studio_with(path: tuple, value):
    studio = copy.deepcopy(STUDIO)
    target = studio
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return studio


CASES = [
    # The consultation's keys are kp_studio's to check (kp_studio.settings).
    (
        ("consultation", "url"),
        "javascript:alert(1)",
        'STUDIO["consultation"]["url"]',
        "not a site path",
    ),
    (
        ("consultation", "url"),
        "book-a-consultation",
        'STUDIO["consultation"]["url"]',
        "not a site path",
    ),
    (("consultation", "label"), KeyError, 'STUDIO["consultation"]["label"]', "is missing"),
    (("newsletter", "action"), "http//list-manage.com", 'STUDIO["newsletter"]["action"]', "safe"),
    (("url",), "/relative/", 'STUDIO["url"]', "not a safe link"),
    (("social", 1, "url"), "javascript:alert(1)", 'STUDIO["social"][1]["url"]', "safe link"),
    (("contact", "email"), "hello at kp", 'STUDIO["contact"]["email"]', "valid email"),
    (("contact", "phone"), "call us", 'STUDIO["contact"]["phone"]', "valid phone"),
    (("opening_hours", 0, "opens"), "9am", 'STUDIO["opening_hours"][0]["opens"]', "valid time"),
    (("opening_hours", 1, "days"), ["Samstag"], 'STUDIO["opening_hours"][1]["days"][0]', "day"),
    (("address",), "Portland", 'STUDIO["address"]', "should be a dict"),
    (("consultaton",), {"url": "/x/"}, 'STUDIO["consultaton"]', 'did you mean "consultation"'),
]


@pytest.mark.parametrize(("path", "value", "name", "problem"), CASES, ids=[c[2] for c in CASES])
def test_a_bad_studio_setting_is_reported_by_name(tmp_path, path, value, name, problem):
    result = build_site(tmp_path, STUDIO=studio_with(path, value))
    assert not result.ok
    matching = [p for p in result.problems if f"{name} " in p and problem in p]
    assert matching, result.problems
    assert all("How to fix:" in p for p in matching)


@contextlib.contextmanager
def logged_errors():
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append
    logging.getLogger("kp_studio").addHandler(handler)
    try:
        yield records
    finally:
        logging.getLogger("kp_studio").removeHandler(handler)


def test_a_missing_studio_dict_is_reported():
    with logged_errors() as records:
        check_settings(types.SimpleNamespace(settings={"SITEURL": ""}))
    assert any("STUDIO is missing" in r.getMessage() for r in records)


def test_a_publish_build_without_siteurl_is_reported_at_start(tmp_path):
    result = build_site(tmp_path, settings=ROOT / "publishconf.py", SITEURL="")
    assert not result.ok
    assert any("SITEURL is missing in a publish build" in p for p in result.problems)


def test_a_siteurl_that_is_not_http_is_reported(tmp_path):
    result = build_site(tmp_path, SITEURL="javascript:alert(1)")
    assert any(p.startswith("error: <settings>: SITEURL is ") for p in result.problems)


def test_a_menu_link_that_runs_code_is_reported(tmp_path):
    result = build_site(tmp_path, MENU_ITEMS=[("Blog", "/blog/"), ("Evil", "javascript:x()")])
    assert any("MENU_ITEMS[1] has the link 'javascript:x()'" in p for p in result.problems)


def test_the_real_settings_pass():
    with logged_errors() as records:
        validate(STUDIO, STUDIO_SCHEMA, "STUDIO")
    assert records == []


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
