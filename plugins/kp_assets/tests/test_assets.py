"""Fingerprinted theme assets: the hashed copy is written, and the plain copy Pelican also
writes is dropped unless another theme file names it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kp_assets.assets import Assets, fingerprinted_name


@pytest.fixture
def theme(tmp_path: Path) -> dict:
    static = tmp_path / "theme" / "static"
    files = {
        # site.css names its font and its background by plain relative names, and pulls in
        # print.css by its plain name: all three must stay.
        "css/site.css": "@import url(print.css);\nbody{background:url(../img/paper.png)}\n"
        "@font-face{src:url(../fonts/body.woff2)}\n",
        "css/print.css": "@media print{nav{display:none}}\n",
        "js/share.js": "// Share links (see gallery.js)\n/* also site.css */\n"
        "document.documentElement.dataset.share = '1';\n",
        "js/lazy.js": "import('./chunk.js');\n",
        "js/chunk.js": "export const chunk = 1;\n",
        # Named only in comments, so loaded by nothing: dropped.
        "js/gallery.js": "// used by no page of this site\n",
        "css/compare.css": "/* Before/after slider (js/compare.js, js/gallery.js). */\n"
        ".compare{display:grid}\n",
        "img/paper.png": "PNG",
        "fonts/body.woff2": "WOFF2",
    }
    for name, text in files.items():
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    # What Pelican's theme-static step does before the plugin runs: every file, plain name.
    shutil.copytree(static, output / "theme")
    settings = {
        "THEME": str(tmp_path / "theme"),
        "THEME_STATIC_DIR": "theme",
        "SITEURL": "https://kpstudios.example",
        "OUTPUT_PATH": str(output),
        "ASSET_FINGERPRINT": True,
    }
    return {"settings": settings, "static": static, "out": output / "theme", "files": files}


def test_pages_get_hashed_urls_and_only_unreferenced_plain_copies_are_dropped(theme):
    assets = Assets(theme["settings"])
    urls = {name: assets(name) for name in ("css/site.css", "css/compare.css", "js/share.js")}
    urls["js/lazy.js"] = assets("js/lazy.js")
    assets.write_fingerprinted()
    dropped = assets.drop_plain_copies()

    out = theme["out"]
    for name, url in urls.items():
        hashed = fingerprinted_name(name, (theme["static"] / name).read_bytes())
        # A site path: templates write it through the url filter (kp_common.urls).
        assert url == f"theme/{hashed}"
        assert (out / hashed).read_bytes() == (theme["static"] / name).read_bytes()
    # Nothing names these by their plain names any more (gallery.js: nothing at all): gone.
    assert dropped == [
        "css/compare.css",
        "css/site.css",
        "js/gallery.js",
        "js/lazy.js",
        "js/share.js",
    ]
    for name in dropped:
        assert not (out / name).exists()
    # Named by the hashed site.css (print.css, the image, the font) or by the hashed lazy.js
    # (chunk.js): kept, so the fingerprinted files' plain relative references still resolve.
    for name in ("css/print.css", "img/paper.png", "fonts/body.woff2", "js/chunk.js"):
        assert (out / name).is_file(), name


def test_a_plain_copy_named_by_a_kept_file_stays(theme):
    # print.css is used by a page too (fingerprinted) and named by site.css: both names stay.
    assets = Assets(theme["settings"])
    assets("css/site.css")
    assets("css/print.css")
    assets.write_fingerprinted()
    dropped = assets.drop_plain_copies()
    assert "css/site.css" in dropped and "css/print.css" not in dropped
    assert (theme["out"] / "css/print.css").is_file()


def test_development_build_keeps_plain_names(theme):
    settings = {**theme["settings"], "ASSET_FINGERPRINT": False}
    assets = Assets(settings)
    assert assets("css/site.css") == "theme/css/site.css"
    assets.write_fingerprinted()
    assert assets.drop_plain_copies() == []
    assert sorted(p.name for p in (theme["out"] / "css").iterdir()) == sorted(
        Path(name).name for name in theme["files"] if name.startswith("css/")
    )
