"""Settings mistakes reach a real build's output, by the setting's full name, and stop it.

The rules themselves are tested fast, at parse level, in
``plugins/kp_common/tests/test_settings.py``.
"""

from __future__ import annotations

import copy

from pelicanconf import STUDIO
from tests.sitebuild import ROOT, build_site


def test_a_bad_studio_setting_stops_the_build_by_name(tmp_path):
    studio = copy.deepcopy(STUDIO)
    studio["social"][1]["url"] = "javascript:alert(1)"
    studio["consultation"]["url"] = "book-a-consultation"
    result = build_site(tmp_path, STUDIO=studio)
    assert not result.ok
    named = [p for p in result.problems if p.startswith("error: <settings>: STUDIO[")]
    assert any('STUDIO["social"][1]["url"] ' in p for p in named), result.problems
    assert any('STUDIO["consultation"]["url"] ' in p for p in named), result.problems
    assert all("How to fix:" in p for p in named)
    assert not (tmp_path / "output").exists()  # nothing published


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
