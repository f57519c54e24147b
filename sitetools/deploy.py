"""Deploy a built output folder to one of three targets, and say what changed.

``deploy(output_dir, target, dry_run=False) -> Summary`` (or ``python -m sitetools.deploy``).
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
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitetools.config import read_settings_file

ENV_PREFIX = "KP_DEPLOY_"

# Per target: its settings with defaults; None marks a required setting.
# Environment variable for a setting: KP_DEPLOY_<SETTING upper-cased>.
TARGETS: dict[str, dict[str, object]] = {
    "rsync": {
        "host": None,
        "path": None,
        "user": "",
        "port": 22,
        "key": "",  # private key file for ssh -i
        "known_hosts": "",  # known_hosts file holding the server's host key
        "bwlimit": "",  # KiB/s, for slow links
        "ssh_options": "",  # extra ssh options, shell-quoted
    },
    "gh-pages": {
        "remote": None,  # git URL or path of the repository to push to
        "branch": "gh-pages",
        "cname": "",  # custom domain written to CNAME
        "message": "Deploy the kp studios site",
    },
    "local": {
        "path": None,  # the web server serves <path>/current
        "keep": 3,  # releases kept for rollback
    },
}


class DeployError(Exception):
    """A deploy that cannot go ahead; the message tells the deployer what to do."""

    def __init__(self, problem: str, fix: str):
        super().__init__(f"{problem}\n    How to fix: {fix}")
        self.problem = problem
        self.fix = fix


class TargetNotConfigured(DeployError):
    pass


class HostUnreachable(DeployError):
    pass


class AuthenticationFailed(DeployError):
    pass


@dataclass
class Summary:
    target: str
    destination: str
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    bytes: int = 0  # size of the added and changed files

    def __str__(self) -> str:
        verb = "would deploy" if self.dry_run else "deployed"
        lines = [
            f"{self.target}: {verb} to {self.destination}: {len(self.added)} added, "
            f"{len(self.changed)} changed, {len(self.removed)} removed, "
            f"{_human(self.bytes)} of new content"
        ]
        for sign, paths in (("+", self.added), ("~", self.changed), ("-", self.removed)):
            lines += [f"  {sign} {path}" for path in paths]
        return "\n".join(lines)


def _human(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError


# ---------------------------------------------------------------- settings


def resolve_target(
    name: str | None, config: Mapping | None = None, env: Mapping[str, str] | None = None
) -> dict:
    """The settings of one target: defaults, then ``DEPLOY[name]``, then KP_DEPLOY_* vars."""
    config = config or {}
    env = os.environ if env is None else env
    name = name or env.get(f"{ENV_PREFIX}TARGET") or config.get("target")
    choices = ", ".join(TARGETS)
    if not name:
        raise TargetNotConfigured(
            "no deploy target is chosen",
            f"pass --target ({choices}), set {ENV_PREFIX}TARGET, or set "
            'DEPLOY = {"target": "rsync", "rsync": {...}} in publishconf.py',
        )
    if name not in TARGETS:
        raise TargetNotConfigured(f"unknown deploy target {name!r}", f"use one of: {choices}")
    settings = dict(TARGETS[name])
    settings.update(config.get(name) or {})
    for key in TARGETS[name]:
        value = env.get(f"{ENV_PREFIX}{key.upper()}")
        if value:
            settings[key] = value
    missing = [key for key, value in settings.items() if value is None or value == ""]
    missing = [key for key in missing if TARGETS[name][key] is None]
    if missing:
        key = missing[0]
        raise TargetNotConfigured(
            f"the {name} deploy target has no {key!r} setting",
            f'set DEPLOY["{name}"]["{key}"] in publishconf.py or the environment variable '
            f"{ENV_PREFIX}{key.upper()}",
        )
    settings["type"] = name
    return settings


# ---------------------------------------------------------------- diffs

Manifest = dict[str, tuple[int, str]]  # relative path -> (size, content digest)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def manifest(root: Path, digest: Callable[[bytes], str] = _sha256) -> Manifest:
    root = Path(root)
    result = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            result[path.relative_to(root).as_posix()] = (len(data), digest(data))
    return result


def diff(new: Manifest, old: Manifest, summary: Summary) -> Summary:
    summary.added = sorted(set(new) - set(old))
    summary.removed = sorted(set(old) - set(new))
    summary.changed = sorted(p for p in set(new) & set(old) if new[p][1] != old[p][1])
    summary.bytes = sum(new[p][0] for p in summary.added + summary.changed)
    return summary


# ---------------------------------------------------------------- rsync

_ITEM = re.compile(r"^(?P<flags>[<>ch.*][fdLDS][^ ]*|\*deleting) +(?P<size>\d+) (?P<path>.+)$")


def rsync_command(output_dir: Path, target: Mapping, *, dry_run: bool = False) -> list[str]:
    ssh = ["ssh", "-p", str(target["port"]), "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]
    if target["key"]:
        ssh += ["-i", str(target["key"]), "-o", "IdentitiesOnly=yes"]
    if target["known_hosts"]:
        ssh += ["-o", f"UserKnownHostsFile={target['known_hosts']}"]
        ssh += ["-o", "StrictHostKeyChecking=yes"]
    ssh += shlex.split(str(target["ssh_options"]))
    login = f"{target['user']}@{target['host']}" if target["user"] else str(target["host"])
    command = [
        "rsync",
        "--archive",
        "--delete-after",
        "--delay-updates",
        "--checksum",
        "--itemize-changes",
        "--out-format=%i %l %n",
        "--chmod=Du=rwx,Dgo=rx,Fu=rw,Fgo=r",  # readable by the web server, whatever our umask
        "-e",
        shlex.join(ssh),
    ]
    if target["bwlimit"]:
        command.append(f"--bwlimit={target['bwlimit']}")
    if dry_run:
        command.append("--dry-run")
    return [*command, f"{Path(output_dir)}/", f"{login}:{str(target['path']).rstrip('/')}/"]


def parse_itemized(output: str, summary: Summary) -> Summary:
    """Fill a summary from rsync's ``--out-format='%i %l %n'`` lines (files only)."""
    for line in output.splitlines():
        match = _ITEM.match(line)
        if not match or match["path"].endswith("/"):
            continue  # a stats line, or a directory
        flags, path = match["flags"], match["path"]
        if flags == "*deleting":
            summary.removed.append(path)
        elif flags[1] != "f" or flags[0] not in "<>":
            continue  # attributes only (e.g. a new mtime with the same content)
        elif flags[2:].startswith("+"):
            summary.added.append(path)
            summary.bytes += int(match["size"])
        else:
            summary.changed.append(path)
            summary.bytes += int(match["size"])
    return summary


def _line_with(stderr: str, phrases: tuple[str, ...]) -> str:
    """The line of an error output that says what went wrong (rsync adds generic ones)."""
    for line in stderr.splitlines():
        if any(phrase in line for phrase in phrases):
            return line.strip()
    return _last_line(stderr)


def _ssh_failure(stderr: str, where: str) -> DeployError | None:
    denied = ("Permission denied", "Authentication failed")
    if any(phrase in stderr for phrase in denied):
        return AuthenticationFailed(
            f"{where} refused our login: {_line_with(stderr, denied)}",
            "check the user and the key (KP_DEPLOY_USER, KP_DEPLOY_KEY), and that the key's "
            "public half is in the server's ~/.ssh/authorized_keys",
        )
    if "Host key verification failed" in stderr or "REMOTE HOST IDENTIFICATION" in stderr:
        return AuthenticationFailed(
            f"{where} sent a host key we do not know or that changed",
            "add the server's host key to the known_hosts file (KP_DEPLOY_KNOWN_HOSTS); if it "
            "changed, ask the host why before trusting it",
        )
    unreachable = (
        "Connection refused",
        "Connection timed out",
        "No route to host",
        "Could not resolve",
        "Name or service not known",
        "Network is unreachable",
        "Connection closed",
        "Connection reset",
        "unable to access",
        "Could not read from remote repository",
        "does not appear to be a git repository",
    )
    if any(text in stderr for text in unreachable):
        return HostUnreachable(
            f"cannot reach {where}: {_line_with(stderr, unreachable)}",
            "check the host name and port (KP_DEPLOY_HOST, KP_DEPLOY_PORT / KP_DEPLOY_REMOTE), "
            "that the server is up and that this machine is allowed to connect",
        )
    return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def deploy_rsync(output_dir: Path, target: Mapping, *, dry_run: bool = False) -> Summary:
    destination = rsync_command(output_dir, target)[-1]
    result = subprocess.run(
        rsync_command(output_dir, target, dry_run=dry_run),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        where = f"{target['host']}:{target['port']}"
        error = _ssh_failure(result.stderr, where)
        if error is None and result.returncode == 255:
            error = HostUnreachable(
                f"ssh to {where} failed: {_last_line(result.stderr)}",
                "check the host, port and that sshd is running",
            )
        raise error or DeployError(
            f"rsync to {destination} failed (exit {result.returncode}): "
            f"{_last_line(result.stderr)}",
            "the live site was left as it was (--delay-updates); fix the cause above "
            "(e.g. the remote folder must exist and be writable) and deploy again",
        )
    return parse_itemized(result.stdout, Summary("rsync", destination, dry_run))


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
