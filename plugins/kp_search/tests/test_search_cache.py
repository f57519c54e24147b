"""The search index is reused only when every HTML file is byte for byte the same."""

from __future__ import annotations

from types import SimpleNamespace

from kp_search import search

PAGE = (
    "<!doctype html><html lang='en'><head><title>{title}</title></head>"
    "<body><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>"
)


def write_site(output, text="Soft window light for headshots."):
    for slug, title in (("light", "Light"), ("wardrobe", "Wardrobe")):
        page = output / "blog" / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(title=title, text=f"{title}: {text}"), encoding="utf-8")


def bundle(output):
    folder = output / search.BUNDLE_DIR
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_unchanged_html_reuses_the_index_and_changed_html_indexes_again(tmp_path, monkeypatch):
    output, cache = tmp_path / "output", tmp_path / "cache"
    write_site(output)
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)})
    runs = []
    real_index = search.index_site
    monkeypatch.setattr(search, "index_site", lambda out: runs.append(out) or real_index(out))

    search.build_index(pelican)
    first = bundle(output)
    assert "pagefind.js" in first and "pagefind-ui.js" not in first
    assert len(runs) == 1

    # A fresh output folder with the same HTML (the atomic build's case): no indexing,
    # and the very same bundle.
    second_output = tmp_path / "output2"
    write_site(second_output)
    search.build_index(
        SimpleNamespace(settings={"OUTPUT_PATH": str(second_output), "CACHE_PATH": str(cache)})
    )
    assert len(runs) == 1
    assert bundle(second_output) == first

    # One changed sentence: Pagefind runs again and the bundle changes.
    write_site(output, text="Bring three shirts to the studio.")
    search.build_index(pelican)
    assert len(runs) == 2
    assert bundle(output) != first
    assert len(list((cache / search.CACHE_DIR).iterdir())) == 1  # only the latest is kept
