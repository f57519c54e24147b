"""kp_redirects: old addresses keep working on every host we deploy to.

Reads the authors' redirects file (``content/data/redirects.yaml``, see
``kp_common.redirects``), checks every entry against the pages the build writes, and
publishes it twice into the output folder:

* ``_redirects`` for Netlify and Cloudflare Pages (301s answered by the host);
* for GitHub Pages, which cannot answer a 301, one small HTML page at each old path with
  ``<link rel="canonical">`` and ``<meta http-equiv="refresh" content="0; url=...">`` (the
  form search engines treat as a permanent redirect), rendered from the theme's
  ``redirect.html``: no script, so it works under our Content-Security-Policy.

Our own nginx answers with a real 301 before either is read: ``sitetools.headers`` turns the
same file into a ``map`` in ``deploy/nginx-site.conf``.
"""

from pelican import signals

from .redirects import check_redirects, write_redirects


def register() -> None:
    signals.all_generators_finalized.connect(check_redirects)
    signals.finalized.connect(write_redirects)


__all__ = ["register"]
