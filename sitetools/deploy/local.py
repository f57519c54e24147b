"""The ``local`` target: each deploy in ``releases/<id>/``, ``current`` switched to it with
one atomic rename; the last ``keep`` releases stay for a rollback.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from .common import DeployError, Summary, diff, manifest

# ---------------------------------------------------------------- local


def deploy_local(output_dir: Path, target: Mapping, *, dry_run: bool = False) -> Summary:
    base = Path(str(target["path"])).expanduser().resolve()
    current = base / "current"
    summary = Summary("local", str(current), dry_run)
    if current.exists() and not current.is_symlink():
        raise DeployError(
            f"{current} is a real folder, not the symlink this deploy switches",
            f"move it away (e.g. into {base / 'releases'}/) and deploy again",
        )
    diff(manifest(output_dir), manifest(current) if current.exists() else {}, summary)
    if dry_run:
        return summary
    releases = base / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    release_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = releases / f".{release_id}.partial"
    # A copy that dies half way stays a hidden .partial folder, never a release.
    shutil.copytree(output_dir, staging, symlinks=True)
    release = staging.rename(releases / release_id)
    link = base / f".current.{release_id}"
    link.symlink_to(release.relative_to(base))
    os.replace(link, current)  # rename(2): atomic switch from the old release to the new one
    for old in sorted(p for p in releases.iterdir() if not p.name.startswith("."))[
        : -int(target["keep"])
    ]:
        if old != release:
            shutil.rmtree(old)
    return summary
