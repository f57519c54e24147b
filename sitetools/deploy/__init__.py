"""Deploy a built output folder to one of three targets, and say what changed.

``deploy(output_dir, target, dry_run=False) -> Summary`` (or ``python -m sitetools.deploy``).
One module per target (``rsync``, ``ghpages``, ``local``); ``common`` holds their settings,
errors and the summary of what changed.
Targets are configured in publishconf.py as ``DEPLOY = {"target": "rsync", "rsync": {...}}``
and/or by ``KP_DEPLOY_*`` environment variables (which win); see :data:`TARGETS` and
the project README ("Deploying").

Every target keeps the live site whole while a deploy runs or if it dies half way:

* ``rsync`` over SSH with ``--delay-updates`` (new files wait in ``.~tmp~/`` folders and are
  renamed into place only once everything has arrived) and ``--delete-after`` (nothing is
  removed before that). ``--checksum`` skips files whose content did not change, so a rebuild
  that only touched timestamps uploads nothing.
* ``gh-pages``: ghp-import writes one commit to a branch and pushes it; a push is atomic.
* ``local``: each deploy is copied into ``releases/<id>/`` and ``current`` is a symlink switched
  with one ``rename(2)``. Readers see the old or the new release, never a mix, and the previous
  release stays for a quick rollback. Point the web server's root at ``<path>/current``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from sitetools.config import read_settings_file

from .common import (
    ENV_PREFIX,
    TARGETS,
    AuthenticationFailed,
    DeployError,
    HostUnreachable,
    Summary,
    TargetNotConfigured,
    diff,
    manifest,
    resolve_target,
)
from .ghpages import deploy_gh_pages
from .local import deploy_local
from .rsync import deploy_rsync, parse_itemized, rsync_command

__all__ = [
    "ENV_PREFIX",
    "TARGETS",
    "AuthenticationFailed",
    "DeployError",
    "HostUnreachable",
    "Summary",
    "TargetNotConfigured",
    "deploy",
    "deploy_gh_pages",
    "deploy_local",
    "deploy_rsync",
    "diff",
    "main",
    "manifest",
    "parse_itemized",
    "resolve_target",
    "rsync_command",
]

# ---------------------------------------------------------------- entry points

_DEPLOYERS = {"rsync": deploy_rsync, "gh-pages": deploy_gh_pages, "local": deploy_local}


def deploy(
    output_dir: str | Path,
    target: str | Mapping | None = None,
    dry_run: bool = False,
    *,
    config: Mapping | None = None,
    env: Mapping[str, str] | None = None,
) -> Summary:
    """Deploy ``output_dir`` to a target (its name, or a settings dict with a ``type``).

    ``config`` is publishconf's ``DEPLOY`` dict; ``env`` defaults to ``os.environ``.
    """
    output_dir = Path(output_dir)
    if not output_dir.is_dir() or not any(output_dir.iterdir()):
        raise DeployError(
            f"the output folder {output_dir} is missing or empty",
            "build the site first: invoke build --prod",
        )
    if isinstance(target, Mapping):
        name = str(target.get("type", ""))
        settings = resolve_target(name, {"target": name, name: target}, env={})
    else:
        settings = resolve_target(target, config, env)
    return _DEPLOYERS[settings["type"]](output_dir, settings, dry_run=dry_run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitetools.deploy", description="Deploy a built site folder."
    )
    parser.add_argument("output_dir", nargs="?", default="output", type=Path)
    parser.add_argument("--target", choices=list(TARGETS), help="default: from settings/env")
    parser.add_argument("--dry-run", action="store_true", help="only list what would change")
    parser.add_argument("--settings", default="publishconf.py", help="settings file holding DEPLOY")
    args = parser.parse_args(argv)
    settings_path = Path(args.settings)
    config = read_settings_file(settings_path).get("DEPLOY") if settings_path.exists() else None
    try:
        summary = deploy(args.output_dir, args.target, args.dry_run, config=config)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 2
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
