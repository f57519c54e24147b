"""What every deploy target shares: its settings (``DEPLOY`` and ``KP_DEPLOY_*``), its
errors, and the summary of what changed (file manifests and their diff).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


# ---------------------------------------------------------------- ssh and git errors
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
