"""The redirects file: its reading (kp_common.redirects) and the plugin's checks in a build."""

from __future__ import annotations

import shutil

import pytest
from kp_common import redirects

from tests.sitebuild import ROOT, build_into


def test_entries_are_normalised_and_give_every_form():
    found, errors = redirects.parse(
        "redirects:\n"
        "  - from: /2023/08/14/café//portrait/\n"
        "    to: /blog/cafe-portrait/\n"
        "  - from: https://old.example/?p=12\n"
        "    to: https://kpstudios.example/blog/x/\n"
    )
    assert errors == []
    first, second = found
    assert first.source == "/2023/08/14/caf%C3%A9/portrait/" and first.line == 2
    assert first.decoded_paths() == ["/2023/08/14/café/portrait/", "/2023/08/14/café/portrait"]
    assert first.stub_file() == "2023/08/14/café/portrait/index.html"
    assert second.query == ("p", "12") and second.stub_file() is None


@pytest.mark.parametrize(
    ("entry", "line", "words"),
    [
        ("  - from: blog/x/\n    to: /blog/x/\n", 2, "is not a path starting with '/'"),
        ('  - from: "/a$b/"\n    to: /blog/x/\n', 2, "cannot match safely"),
        ("  - from: /../etc/\n    to: /blog/x/\n", 2, "cannot match safely"),
        ("  - from: /old/\n    to: javascript:alert(1)\n", 2, "neither a path"),
        ("  - from: /old/\n    to: '/x;return 200'\n", 2, "cannot send safely"),
        ("  - from: /\n    to: /blog/\n", 2, "send the home page away"),
        ("  - from: /?p=1&q=2\n    to: /blog/\n", 2, "one name=value"),
        ("  - from: /old/\n    to: /old/\n", 2, "redirects to itself"),
        ("  - from: /old/\n    too: /new/\n", 2, "unknown: too"),
        ("  - from: /a/\n    to: /b/\n  - from: /a/\n    to: /c/\n", 4, "redirected twice"),
        ("  - from: [oops\n", 3, "not valid YAML"),
    ],
)
def test_mistakes_are_named_with_their_line(entry, line, words):
    _, errors = redirects.parse("redirects:\n" + entry)
    assert len(errors) == 1, errors
    assert errors[0].line == line and words in errors[0].problem, errors[0]


def test_a_build_refuses_a_redirect_that_leads_nowhere_or_hides_a_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "data" / "redirects.yaml").write_text(
        "redirects:\n"
        "  - from: /old-post/\n"
        "    to: /blog/no-such-post/\n"
        "  - from: /about/\n"
        "    to: /blog/\n",
        encoding="utf-8",
    )
    result = build_into(tmp_path / "output", PATH=str(content))
    assert not result.ok
    problems = "\n".join(result.problems)
    assert "redirects.yaml:2: The new address /blog/no-such-post/ is not a page" in problems
    assert "redirects.yaml:4: The old address /about/ is a page of this site" in problems
    assert not (tmp_path / "output").exists()  # nothing published
