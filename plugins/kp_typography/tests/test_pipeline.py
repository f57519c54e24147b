"""The whole site, built with Pelican's TYPOGRIFY and built with kp_typography instead,
is the same byte for byte: the switch changes the cost of typography, not its result."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from benchmarks.corpus import write_corpus

ROOT = Path(__file__).resolve().parents[3]


def build(corpus: Path, output: Path, plugin: bool) -> dict[str, bytes]:
    plugins = ["kp_theme", "kp_assets", "kp_studio"] + (["kp_typography"] if plugin else [])
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(corpus),
            "OUTPUT_PATH": str(output),
            "TYPOGRIFY": True,
            "PLUGINS": plugins,
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        },
    )
    Pelican(settings).run()
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*.html")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), posts=24, seed=11)


def test_site_is_identical_with_typogrify_and_with_kp_typography(corpus, tmp_path):
    with_typogrify = build(corpus, tmp_path / "typogrify", plugin=False)
    with_plugin = build(corpus, tmp_path / "kp_typography", plugin=True)
    assert len(with_typogrify) > 40
    assert with_plugin.keys() == with_typogrify.keys()
    for name, html in with_typogrify.items():
        assert with_plugin[name] == html, name
    post = with_plugin["blog/bench-post-0001/index.html"].decode()
    assert "&#8217;" in post and "&#8212;" in post  # it is typeset, not merely equal


def test_with_typogrify_off_the_site_is_not_typeset(corpus, tmp_path):
    """The comparison above means something: TYPOGRIFY off, the plugin typesets nothing."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(corpus), "OUTPUT_PATH": str(tmp_path), "TYPOGRIFY": False,
                  "PLUGINS": ["kp_theme", "kp_assets", "kp_studio", "kp_typography"]},
    )  # fmt: skip
    Pelican(settings).run()
    post = (tmp_path / "blog/bench-post-0001/index.html").read_text()
    assert "&#8217;" not in post and "--" in post
