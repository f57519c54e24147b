"""``python -m sitetools.deploy OUTPUT [--target T] [--dry-run]``."""

from . import main

raise SystemExit(main())
