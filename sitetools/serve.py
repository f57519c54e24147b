"""A local HTTP server for the built site, behaving like the production server.

Clean URLs (``/blog/post/`` serves ``/blog/post/index.html``), the site's own 404 page
with status 404, and optional extra response headers (the quality gates send the
production Content-Security-Policy with every response, so a violation shows up locally).
Python's ``http.server`` is enough for one reader on 127.0.0.1; it is not a production
server.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

# Types Python's mimetypes may not know; with ``nosniff`` a wrong type breaks the asset.
EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **EXTRA_TYPES,
    }
    extra_headers: ClassVar[Mapping[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        # Local serving is for checking and previewing: a stale cached asset would hide a fix.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code == 404 and not_found_page.is_file():
            body = not_found_page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # quiet: tests and checks read their own logs
        pass


def make_server(
    root: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    headers: Mapping[str, str] | None = None,
) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (SiteRequestHandler,), {"extra_headers": dict(headers or {})})
    server = http.server.ThreadingHTTPServer(
        (host, port), functools.partial(handler, directory=str(root))
    )
    server.daemon_threads = True
    return server


@contextmanager
def running_server(
    root: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    headers: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Serve ``root`` in a background thread; yields the base URL (no trailing slash)."""
    server = make_server(root, host, port, headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def serve_forever(root: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(root, host, port)
    print(f"Serving {root} at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
