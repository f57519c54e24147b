"""The quality gates' local server: the built site with the production security headers.

The gates look at the site the way a reader's browser gets it: over HTTP, with root-relative
URLs resolved against the server, ``/x/`` answered by ``/x/index.html``, unknown paths answered
by the site's own ``404.html`` with status 404 (``sitetools.serve``), and the strict
Content-Security-Policy from ``sitetools.security`` on every response, so an inline script or
style is refused here exactly as it would be in production.
"""

import threading
from pathlib import Path

from sitetools.security import security_headers
from sitetools.serve import make_server


class SiteServer:
    """Serve ``root`` on 127.0.0.1 at a free port, in a background thread.

    Use as a context manager; ``url`` is the base URL without a trailing slash.
    """

    def __init__(self, root: Path | str, studio_settings: dict | None = None):
        self.root = Path(root).resolve()
        self.httpd = make_server(self.root, headers=security_headers(studio_settings))
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
