"""Which pages of a built site the gates check, and where each one lives.

A page is named by its URL path, as readers and authors see it: ``output/blog/x/index.html``
is ``/blog/x/``, ``output/404.html`` is ``/404.html``.
"""

from pathlib import Path


def url_path_for(output_dir: Path, html_file: Path) -> str:
    relative = html_file.relative_to(output_dir).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("index.html")
    return "/" + relative


def file_for(output_dir: Path, url_path: str) -> Path:
    relative = url_path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return output_dir / relative


def discover_pages(output_dir: Path) -> list[str]:
    """Every HTML page in the output, home first, then alphabetically by URL path."""
    files = (
        path
        for path in output_dir.rglob("*.html")
        if not any(part.startswith(".") for part in path.relative_to(output_dir).parts)
    )
    return sorted((url_path_for(output_dir, path) for path in files), key=lambda p: (p != "/", p))


def normalise_page(url_path: str) -> str:
    """Accept ``blog/x``, ``/blog/x`` or ``/blog/x/`` on the command line for ``/blog/x/``."""
    path = "/" + url_path.strip().lstrip("/")
    if not path.endswith("/") and not path.endswith(".html"):
        path += "/"
    return path
