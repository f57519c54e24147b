"""Hugo as the yardstick: the benchmark corpus as a Hugo site, and Hugo's own timings.

``write_hugo_site`` turns a corpus written by ``corpus.py`` into a Hugo site with the same
posts, pages, front matter and images, and the minimal theme in ``hugo_site/`` (a list
page with pagination, a single page, the home page's latest posts, tag, category and
author listings, and a ``compare`` shortcode for the ``/// compare`` blocks), so Hugo
renders what our build renders, no more. Feeds are off on both sides (our development build writes
none); Hugo's Goldmark typographer curls quotes and dashes as our typography does.

Debian's ``hugo`` package is the one measured (``apt-get install hugo``); without it every
benchmark that compares with Hugo stops and says so (``require_hugo``).

    python benchmarks/hugo.py CORPUS SITE     # write the Hugo site only
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HUGO = "hugo"
INSTALL = "Hugo is not installed; install it: apt-get install hugo"


def require_hugo() -> str:
    """The path of the ``hugo`` program and its version, or stop (exit status 2)."""
    program = shutil.which(HUGO)
    if program is None:
        print(INSTALL, file=sys.stderr)
        raise SystemExit(2)
    version = subprocess.run([program, "version"], capture_output=True, text=True, check=True)
    return version.stdout.split()[1] if version.stdout.split()[1:] else version.stdout.strip()


TEMPLATE = Path(__file__).resolve().parent / "hugo_site"  # hugo.toml and layouts/

FILENAME_LINK = re.compile(r"\{filename\}/(blog|pages)/([\w-]+)\.md")
STATIC_LINK = re.compile(r"\{static\}/")
COMPARE_BLOCK = re.compile(
    r"^/// compare \| (?P<caption>.*)\n(?P<options>(?:\w+: .*\n)+)///$", re.M
)


def _front_matter(lines: list[str], page: bool) -> dict:
    fields = dict(line.split(": ", 1) for line in lines)
    matter = {"title": fields["Title"], "slug": fields["Slug"], "summary": fields["Summary"]}
    if page:
        matter["url"] = f"/{fields['Slug']}/"
        return matter
    matter["date"] = fields["Date"].replace(" ", "T") + ":00"
    matter["categories"] = [fields["Category"]]
    matter["tags"] = [tag.strip() for tag in fields["Tags"].split(",")]
    matter["authors"] = [fields["Author"]]
    matter["image"] = fields["Image"]
    matter["image_alt"] = fields["Image_alt"]
    return matter


def _body(text: str) -> str:
    def link(match: re.Match) -> str:
        return f"/blog/{match[2]}/" if match[1] == "blog" else f"/{match[2]}/"

    def compare(match: re.Match) -> str:
        options = dict(line.split(": ", 1) for line in match["options"].splitlines())
        options["caption"] = match["caption"]
        arguments = " ".join(f"{key}={json.dumps(value)}" for key, value in options.items())
        return "{{< compare " + arguments + " >}}"

    text = FILENAME_LINK.sub(link, text)
    text = STATIC_LINK.sub("/", text)
    return COMPARE_BLOCK.sub(compare, text)


def hugo_post(source: str, page: bool = False) -> str:
    """One corpus file (Pelican's ``Key: value`` front matter) as a Hugo content file."""
    head, _, body = source.partition("\n\n")
    matter = _front_matter(head.splitlines(), page)
    yaml = "\n".join(f"{key}: {json.dumps(value)}" for key, value in matter.items())
    return f"---\n{yaml}\n---\n\n{_body(body)}"


def write_hugo_site(corpus: Path, site: Path) -> Path:
    """The corpus at ``corpus`` as a Hugo site in ``site`` (replaced if present)."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(TEMPLATE, site)
    (site / "content" / "blog").mkdir(parents=True)
    (site / "content" / "pages").mkdir()
    (site / "content" / "blog" / "_index.md").write_text("---\ntitle: Blog\n---\n")
    for kind in ("blog", "pages"):
        for source in sorted((corpus / kind).glob("*.md")):
            text = hugo_post(source.read_text(encoding="utf-8"), page=kind == "pages")
            (site / "content" / kind / source.name).write_text(text, encoding="utf-8")
    shutil.copytree(corpus / "images", site / "static" / "images")
    return site


def set_hugo_title(post: Path, title: str) -> None:
    """Change a Hugo post's title, as ``edit_loop.set_title`` does a Pelican post's."""
    text = post.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", f"title: {json.dumps(title)}", text, count=1, flags=re.M)
    post.write_text(text, encoding="utf-8")


def cold_build_command(site: Path, output: Path) -> list[str]:
    """A cold Hugo build: no resource cache reused (``--ignoreCache``), a fresh output."""
    return [HUGO, "--source", str(site), "--destination", str(output), "--ignoreCache", "--quiet"]


def server_command(site: Path, output: Path, port: int, fast_render: bool) -> list[str]:
    """``hugo server`` writing to ``output`` on disk (so the page on disk can be timed, as
    ours is), with or without fast render."""
    command = [HUGO, "server", "--source", str(site), "--destination", str(output)]
    command += ["--renderToDisk", "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--disableFastRender"] if not fast_render else []
    return command


def main(argv: list[str] | None = None) -> int:
    corpus, site = (Path(arg) for arg in (argv or sys.argv[1:]))
    require_hugo()
    write_hugo_site(corpus, site)
    print(f"Wrote the Hugo site {site}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
