"""The ``rsync`` target: our own server over SSH, with ``--delay-updates`` and
``--delete-after`` so the live site stays whole if a deploy dies half way.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .common import DeployError, HostUnreachable, Summary, _last_line, _ssh_failure

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
