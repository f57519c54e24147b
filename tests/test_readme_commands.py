"""Every command the README shows works: each is run, in a subprocess, in a copy of the project.

The commands are read from README.md itself: every line of its ``sh`` code blocks, every
inline ``invoke …``, ``python -m …``, ``pelican …``, ``.venv/bin/…`` and ``.ci/run`` span
(the commands table among them), and ``# or: python -m …`` comments in its Python blocks.
Each is matched to one rule in ``RULES`` that says how it is run:

* ``real``: as written, in the copy (builds, ``invoke new-post``, ``pelican content``,
  ``python -m sitetools.optimize``, the nginx config...);
* ``served``: a server or watcher (``invoke serve``, ``livereload``...) is started on a free
  port, must answer, and is stopped;
* ``help``: with ``--help``, for what would change the machine, deploy, or run for
  minutes (``invoke deploy``, ``invoke test``, ``.ci/run``, ``pre-commit install``);
* ``dry_run``: pip installs with ``--dry-run``; ``python -m sitetools.deploy`` with
  ``--dry-run`` against a real sshd on 127.0.0.1 configured through ``KP_DEPLOY_*``, and
  without any configuration, where it must fail with a message that says how to fix it.

A command no rule matches fails the first test: a new README command needs a rule. Nothing is
written into the checkout; ``.venv/bin/X`` is the X of the venv running the tests.
"""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from checkout import ROOT, copy_project, environment
from servers import free_port, sshd

README = ROOT / "README.md"
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 600

FENCE = re.compile(r"^[ \t]*```(\w*)[ \t]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
COMMAND = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:invoke\b|python3? -m |pelican |\.venv/bin/|\.ci/run)")
ENV_PREFIX = re.compile(r"^((?:[A-Z_]+=\S+\s+)*)(.*)$")


def readme_commands() -> list[str]:
    """Every command README.md shows, in order of appearance, each once."""
    text = README.read_text(encoding="utf-8")
    found: list[str] = []
    for block in FENCE.finditer(text):
        language, body = block.groups()
        if language in ("sh", "bash", "shell", "console"):
            for line in re.sub(r"\\\n\s*", " ", body).splitlines():
                line = re.sub(r"(^|\s+)#.*$", "", line).strip()
                found += [part.strip() for part in line.split("&&") if part.strip()]
        else:  # e.g. `optimize(output_dir)  # or: python -m sitetools.optimize output`
            found += re.findall(r"#\s*(?:or:\s*)?((?:invoke|python -m|pelican) [^#\n]*\S)", body)
    for span in re.findall(r"`([^`\n]+)`", FENCE.sub("", text)):
        if COMMAND.match(span) and "…" not in span:
            found.append(span.strip())
    commands: list[str] = []
    for command in found:
        command = " ".join(command.split())
        if command not in commands:
            commands.append(command)
    return commands


# --- how each command is run ------------------------------------------------------------------


@dataclass
class Project:
    """The copy of the project the commands run in, built once by ``invoke build``."""

    root: Path
    tmp: Path

    def run(self, command: str, timeout: float = TIMEOUT, **env: str):
        """Run ``command`` with bash in the copy; fail with its output if it fails."""
        done = self.shell(command, timeout, **env)
        assert done.returncode == 0, report(command, done)
        return done

    def shell(self, command: str, timeout: float = TIMEOUT, **env: str):
        command = re.sub(r"(^|\s)\.venv/bin/", rf"\g<1>{VENV_BIN}/", command)
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.root,
            env=environment(self.root, **env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def report(command: str, done: subprocess.CompletedProcess) -> str:
    return (
        f"README command failed: {command}\nexit status {done.returncode}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )


def real(project: Project, command: str) -> None:
    project.run(command)


def built_site(project: Project, command: str) -> None:
    project.run(command)
    assert (project.root / "output" / "index.html").is_file(), f"{command}: no output/index.html"


def pelican_alone(project: Project, command: str) -> None:
    """Plain Pelican, with the tooling out of reach: a plugin importing it fails here."""
    blocker = project.tmp / "no-tooling" / "sitetools"
    blocker.mkdir(parents=True, exist_ok=True)
    (blocker / "__init__.py").write_text(
        'raise ImportError("pelican content must not need the tooling (sitetools)")\n'
    )
    shutil.rmtree(project.root / "output", ignore_errors=True)
    pythonpath = f"{blocker.parent}:{project.root / 'plugins'}"
    done = project.shell(command, PYTHONPATH=pythonpath)
    assert done.returncode == 0, report(command, done)
    assert (project.root / "output" / "index.html").is_file(), report(command, done)


def new_post(project: Project, command: str) -> None:
    project.run(command)
    title = shlex.split(command)[-1]
    post = project.root / "content" / "blog" / f"{title.lower()}.md"
    assert post.read_text(encoding="utf-8").startswith(f"Title: {title}\n")


def clean(project: Project, command: str) -> None:
    other = Project(copy_project(project.tmp / "clean"), project.tmp)
    for name in ("output", "output-publish", "output-check", "output.building-1"):
        (other.root / name).mkdir()
    other.run(command)
    assert sorted(p.name for p in other.root.glob("output*")) == []
    assert (other.root / "content").is_dir()


def optimize(project: Project, command: str) -> None:
    done = project.run(command)
    assert "minified" in done.stdout and list((project.root / "output").rglob("*.html.br"))


def nginx_config(project: Project, command: str) -> None:
    project.run(command)
    written = (project.root / "deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    committed = (ROOT / "deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    assert written == committed, "deploy/nginx-site.conf is stale: run the README's command"


def listing(project: Project, command: str) -> None:
    done = project.run(command)
    assert "build" in done.stdout and "deploy (publish)" in done.stdout, done.stdout


def help_for_task(project: Project, command: str) -> None:
    """``invoke --help TASK``: the placeholder filled in with each task's name."""
    for task in ("build", "deploy", "livereload"):
        done = project.run(command.replace("TASK", task))
        assert f"[--core-opts] {task} " in done.stdout, done.stdout


def with_help(project: Project, command: str) -> None:
    env, words = split_env(command)
    # The command up to its first option: `invoke deploy --target gh-pages` is shown as
    # `invoke deploy --help`, `pre-commit install` as `pre-commit install --help`.
    first_option = next((i for i, word in enumerate(words) if word.startswith("-")), len(words))
    done = project.run(shlex.join([*words[:first_option], "--help"]), **env)
    assert done.stdout.strip(), report(command, done)


def split_env(command: str) -> tuple[dict[str, str], list[str]]:
    prefix, rest = ENV_PREFIX.match(command).groups()
    env = dict(item.split("=", 1) for item in prefix.split())
    rest = re.sub(r"^\.venv/bin/", f"{VENV_BIN}/", rest)
    return env, shlex.split(rest)


def served(project: Project, command: str) -> None:
    """Start the server or watcher on a free port, wait for it to answer, stop it."""
    port = free_port()
    watcher = " regenerate" in command
    line = command if watcher else f"{command} --port {port}"
    log = (project.tmp / f"served-{port}.log").open("w+")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {line}"],
        cwd=project.root,
        env=environment(project.root),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            log.seek(0)
            output = log.read()
            if process.poll() is not None:
                pytest.fail(f"README command exited ({process.returncode}): {line}\n{output}")
            if watcher and "Watching" in output:
                break
            if not watcher and _page(f"http://127.0.0.1:{port}/"):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"README command never answered: {line}\n{output}")
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _page(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and b"<html" in response.read()
    except OSError:
        return False


def pip_dry_run(project: Project, command: str) -> None:
    """A pip install, dry: against the lock, the venv running the tests must need nothing
    (it was installed from the lock); the project itself must be installable."""
    offline = " --no-index" if "-r requirements/lock.txt" in command else ""
    done = project.run(f"{command} --dry-run{offline}")
    would = re.findall(r"^Would install (.*)$", done.stdout, re.M)
    if offline:
        assert would == [], f"the venv is not what the lock pins, it would install {would}"
    else:
        assert would and would[0].startswith("kp-studios-site"), report(command, done)


def fresh_venv(project: Project, command: str) -> None:
    project.run(command)
    assert (project.root / ".venv" / "bin" / "python").exists()


def deploy_dry_run(project: Project, command: str) -> None:
    """Unconfigured, a clear error; configured (a real sshd, a local folder), a dry run that
    lists what it would upload and changes nothing."""
    dry = command if "--dry-run" in command else f"{command} --dry-run"
    unconfigured = project.shell(dry)
    assert unconfigured.returncode == 2, report(dry, unconfigured)
    assert "How to fix" in unconfigured.stderr and "KP_DEPLOY_HOST" in unconfigured.stderr
    run = Path(tempfile.mkdtemp(prefix="deploy-", dir=project.tmp))
    www = run / "www"
    www.mkdir()
    with sshd(run / "sshd") as server:
        settings = server.target(www)
        env = {f"KP_DEPLOY_{key.upper()}": str(value) for key, value in settings.items()}
        env.pop("KP_DEPLOY_TYPE")
        done = project.run(dry, **env)
    assert "would deploy" in done.stdout and "+ index.html" in done.stdout, done.stdout
    assert list(www.iterdir()) == [], "a dry run changed the target"


# The first rule whose pattern matches (re.fullmatch) the command runs it.
RULES: list[tuple[str, Callable[[Project, str], None]]] = [
    (r"python3 -m venv \.venv", fresh_venv),
    (r"\.venv/bin/pip install .*", pip_dry_run),
    (r"(\.venv/bin/)?invoke (build|rebuild)( --prod| --verbose)?", built_site),
    (r"invoke (serve|reserve|livereload|regenerate)", served),
    (r"invoke new-post \"\w+\"", new_post),
    (r"invoke clean", clean),
    (r"invoke --list", listing),
    (r"invoke --help TASK", help_for_task),
    # Would deploy, or run the whole suite or every gate in Chromium for minutes.
    (r"(KP_DEPLOY_\w+=\S+ )*invoke (deploy|publish|gh-pages)( .*)?", with_help),
    (r"(\.venv/bin/)?invoke (test|bench|check|preview)( .*)?", with_help),
    (r"\.ci/run", with_help),  # installs system packages: as root, on a fresh machine
    # Writes posts into content/ (tests/test_wordpress_import.py runs it on real exports).
    (r"invoke import-wordpress .*", with_help),
    (r"\.venv/bin/pre-commit install", with_help),  # would write .git/hooks
    (r"\.venv/bin/uv pip compile .*", with_help),  # asks the index for the newest releases
    (r"python -m sitetools\.deploy output --target rsync( --dry-run)?", deploy_dry_run),
    (r"python -m sitetools\.optimize output", optimize),
    (r"python -m sitetools\.headers .* > deploy/nginx-site\.conf", nginx_config),
    (r"pelican content -s pelicanconf\.py", pelican_alone),
]


def rule_for(command: str) -> Callable[[Project, str], None] | None:
    return next((run for pattern, run in RULES if re.fullmatch(pattern, command)), None)


COMMANDS = readme_commands()


def test_every_readme_command_has_a_rule():
    assert len(COMMANDS) >= 30, COMMANDS
    for expected in (
        "invoke build",
        "invoke livereload",
        "invoke publish",
        "pelican content -s pelicanconf.py",
        "python -m sitetools.deploy output --target rsync --dry-run",
        "python -m sitetools.optimize output",
    ):
        assert expected in COMMANDS, f"{expected!r} is no longer read from the README"
    missing = [command for command in COMMANDS if rule_for(command) is None]
    assert missing == [], f"README commands no rule in {__name__}.RULES runs: {missing}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    tmp = tmp_path_factory.mktemp("readme")
    built = Project(copy_project(tmp / "project"), tmp)
    built.run("invoke build")
    return built


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_works(project: Project, command: str):
    run = rule_for(command)
    assert run is not None, f"no rule runs {command!r}"
    run(project, command)
