"""A local HTTP server for the built site, sending the production security headers.

The gates look at the site the way a reader's browser gets it: over HTTP, with root-relative
URLs resolved against the server, ``/x/`` answered by ``/x/index.html``, unknown paths answered
by the site's own ``404.html`` with status 404, and the strict Content-Security-Policy from
``sitetools.security`` on every response, so an inline script or style is refused here exactly
as it would be in production.
"""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from sitetools.security import security_headers

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


class SiteRequestHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        **EXTRA_TYPES,
    }

    def __init__(self, *args, headers: dict[str, str], **kwargs):
        self.site_headers = headers
        super().__init__(*args, **kwargs)

    def end_headers(self):
        for name, value in self.site_headers.items():
            self.send_header(name, value)
        # The checker reloads pages often; a stale cached asset would hide a fix.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found_page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        """Stay quiet: findings go to the report, not to a request log."""


class SiteServer:
    """Serve ``root`` on 127.0.0.1 at a free port, in a background thread.

    Use as a context manager; ``url`` is the base URL without a trailing slash.
    """

    def __init__(self, root: Path | str, studio_settings: dict | None = None):
        self.root = Path(root).resolve()
        handler = functools.partial(
            SiteRequestHandler, directory=str(self.root), headers=security_headers(studio_settings)
        )
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
