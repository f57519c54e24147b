"""What a build keeps for the next one beside Pelican's content cache: one pickled value a file.

kp_validate keeps its checks' results for each post, kp_images its ``<picture>`` rewrites,
the build driver its record of the last output (``sitetools.reuse``). Each is only worth
time: a missing, damaged or older file reads as nothing and is computed again, and a file
that cannot be written only costs the next build that time. Files are replaced by rename
(``kp_common.files.replace_file``), so a reader never sees half of one.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

from .files import replace_file

logger = logging.getLogger(__name__)


def with_content_cache(settings: dict, name: str) -> Path | None:
    """``CACHE_PATH/name`` when this build keeps Pelican's content cache (the build driver
    turns it on, and drops these files with it), else None."""
    if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")):
        return None
    return Path(settings.get("CACHE_PATH") or "cache") / name


def read(path: str | os.PathLike | None, default=None):
    """The value kept in ``path``, or ``default`` (no file, or one that does not unpickle)."""
    if path is None:
        return default
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)  # noqa: S301  (our own cache, as Pelican's is)
    except FileNotFoundError:
        return default
    except Exception as error:  # a damaged or older file: computed again, then replaced
        logger.debug("ignoring %s: %s", path, error)
        return default


def write(path: str | os.PathLike, value) -> bool:
    """Keep ``value`` in ``path``; False (and an INFO line) if it could not be."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        replace_file(Path(path), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
        logger.info("could not keep %s for the next build (%s)", path, error)
        return False
    return True
