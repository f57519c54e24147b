"""The ``gh-pages`` target: ghp-import writes the site as one commit on a branch and
pushes it; a push lands whole or not at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .common import (
    DeployError,
    Manifest,
    Summary,
    _git_blob_id,
    _last_line,
    _ssh_failure,
    diff,
    manifest,
)

# ---------------------------------------------------------------- gh-pages


def _git(work: Path, *args: str, env: Mapping | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=work, capture_output=True, text=True, check=False, env=env
    )


def _remote_manifest(work: Path, ref: str) -> Manifest:
    listing = _git(work, "ls-tree", "-r", "-l", "-z", ref).stdout
    result = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        _mode, kind, blob, size = meta.split()
        if kind == "blob":
            result[path] = (int(size), blob)
    return result


def deploy_gh_pages(output_dir: Path, target: Mapping, *, dry_run: bool = False) -> Summary:
    remote, branch = str(target["remote"]), str(target["branch"])
    summary = Summary("gh-pages", f"{remote} (branch {branch})", dry_run)
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    configured_ssh = subprocess.run(
        ["git", "config", "core.sshCommand"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not configured_ssh:  # never wait for a password prompt nobody will answer
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=10")
    with tempfile.TemporaryDirectory(prefix="kp-gh-pages-") as tmp:
        work = Path(tmp)
        _git(work, "init", "--quiet")
        _git(work, "remote", "add", "origin", remote)
        fetched = _git(
            work,
            "fetch",
            "--quiet",
            "origin",
            f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
            env=env,
        )
        if fetched.returncode != 0 and "couldn't find remote ref" not in fetched.stderr:
            raise _ssh_failure(fetched.stderr, remote) or DeployError(
                f"git fetch from {remote} failed: {_last_line(fetched.stderr)}",
                "check KP_DEPLOY_REMOTE and your access to that repository",
            )
        old = (
            _remote_manifest(work, f"refs/remotes/origin/{branch}")
            if not fetched.returncode
            else {}
        )
        new = manifest(output_dir, _git_blob_id)
        new[".nojekyll"] = (0, _git_blob_id(b""))
        if target["cname"]:
            cname = str(target["cname"]).encode()
            new["CNAME"] = (len(cname), _git_blob_id(cname))
        diff(new, old, summary)
        if dry_run or not (summary.added or summary.changed or summary.removed):
            return summary
        for key, fallback in (
            ("user.name", "kp studios deploy"),
            ("user.email", "deploy@localhost"),
        ):
            configured = subprocess.run(
                ["git", "config", key], capture_output=True, text=True, check=False
            ).stdout.strip()
            _git(work, "config", key, configured or fallback)
        command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push", "--remote"]
        command += ["origin", "--branch", branch, "--message", str(target["message"])]
        if target["cname"]:
            command += ["--cname", str(target["cname"])]
        pushed = subprocess.run(
            [*command, str(Path(output_dir).resolve())],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if pushed.returncode != 0:
            raise _ssh_failure(pushed.stderr, remote) or DeployError(
                f"pushing {branch} to {remote} failed: {_last_line(pushed.stderr)}",
                "if someone else deployed meanwhile, run the deploy again",
            )
    return summary
