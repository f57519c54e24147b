"""Moving the studio's WordPress blog here (``invoke import-wordpress EXPORT.xml``).

Built on Pelican's own importer (``pelican.tools.pelican_import``: ``wp2fields`` reads the
export, ``decode_wp_content`` makes WordPress's paragraphs, pandoc writes the Markdown with
Pelican's options) and adapted to this site, so the result builds and passes the gates:

* ``export``: what the export says about each post, page and attachment;
* ``convert``: one post's HTML into our Markdown and blocks, noting what needs a person;
* ``media``: images from the uploads backup into ``content/images/wordpress/``;
* ``names``: slugs, file names and category names that fit any file system;
* ``importer``: front matter, files, the redirects file; ``report``: what is left to do.
"""

from .importer import import_wordpress
from .report import Report

__all__ = ["Report", "import_wordpress"]
