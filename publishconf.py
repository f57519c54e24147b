"""Production settings: everything in pelicanconf.py, plus what a public site needs.

SITEURL is the site's public address. It comes from the ``SITEURL`` environment variable
or, failing that, from ``PUBLISH_SITEURL`` below; a publish build without one stops with
a message saying how to set it, because feeds, canonical URLs and share links would all
be wrong.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

# Set this to the studio's domain once it is live, or export SITEURL when building.
PUBLISH_SITEURL = "https://kpstudios.example"

SITEURL = os.environ.get("SITEURL", PUBLISH_SITEURL).rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py: SITEURL is missing or not an http(s) address "
        f"({SITEURL!r}). Set PUBLISH_SITEURL in publishconf.py or export "
        "SITEURL=https://your-domain before a publish build."
    )
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

# Content-hashed asset names, so servers may cache them forever.
ASSET_FINGERPRINT = True

DELETE_OUTPUT_DIRECTORY = True
