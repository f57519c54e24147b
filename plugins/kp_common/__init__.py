"""kp_common: the small library our Pelican plugins share. It is not a plugin.

* ``errors``: how an author's mistake is reported (file, line, problem, fix);
* ``text``: control characters in author text, found and described;
* ``files``: writing into the output folder by rename, linking from caches;
* ``pelican_compat``: every private Pelican API we rely on, in one place, each with a test
  that fails loudly when a Pelican upgrade changes it;
* ``memo``: per-post results kept between the runs of a livereload session;
* ``kept``: results kept for the next build beside Pelican's content cache (a pickle a file);
* ``redirects``: the authors' redirects file (``content/data/redirects.yaml``), read the same
  way by the kp_redirects plugin and by ``sitetools.headers`` (nginx).

It imports no plugin and no tooling (``sitetools``); plugins and tooling import it.
"""
