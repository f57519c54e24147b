"""``invoke livereload``: rebuild on every change and tell the browser to reload.

Watches content, theme, plugins and settings. Each change rebuilds through the same
atomic build driver as ``invoke build`` (a mistake shows its errors in the terminal and
the browser keeps showing the last good page). python-livereload serves the output and
injects its reload script from the same origin, in development only.
"""

from __future__ import annotations

from pathlib import Path

WATCHED = ["content", "theme", "plugins", "pelicanconf.py"]


def watch_and_serve(root: Path, settings: str, output: Path, host: str, port: int) -> None:
    from livereload import Server

    from sitetools.build import build, report

    def rebuild() -> None:
        report(build(settings, output))

    rebuild()
    server = Server()
    for name in WATCHED:
        # Python caches are written by the build itself; watching them would loop.
        server.watch(str(root / name), rebuild, ignore=lambda path: "__pycache__" in path)
    server.serve(host=host, port=port, root=str(output))
