"""Real local servers for the deploy tests: sshd and nginx on 127.0.0.1, plus small sample sites.

Each helper is a context manager that starts the real binary on a free port with everything
(keys, config, pid, logs) in a temporary folder, waits until it accepts connections, and stops
it afterwards. A missing binary raises, so the test fails instead of being skipped.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"
NGINX = "/usr/sbin/nginx"
BROTLI_STATIC_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s: {log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ssh_keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kp-test", "-f", str(path)],
        check=True,
    )
    return path


@dataclass
class SshServer:
    port: int
    user: str
    key: Path  # a private key the server accepts
    other_key: Path  # a private key the server does not accept
    known_hosts: Path  # holds the server's host key

    def target(self, path: Path, **overrides) -> dict:
        """Deploy target settings for an rsync deploy into ``path`` on this server."""
        settings = {
            "type": "rsync",
            "host": "127.0.0.1",
            "port": self.port,
            "user": self.user,
            "key": str(self.key),
            "known_hosts": str(self.known_hosts),
            "path": str(path),
        }
        return {**settings, **overrides}


@contextmanager
def sshd(folder: Path) -> Iterator[SshServer]:
    """openssh-server on 127.0.0.1:<free port>, accepting one temporary key for this user."""
    folder.mkdir(parents=True, exist_ok=True)
    host_key = ssh_keygen(folder / "host_key")
    client_key = ssh_keygen(folder / "client_key")
    other_key = ssh_keygen(folder / "other_key")
    authorized = folder / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
        "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\nUsePAM no\n"
        # The keys live under the world-writable /tmp, which StrictModes would refuse.
        "StrictModes no\nLogLevel VERBOSE\n"
    )
    known_hosts = folder / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {host_key.with_suffix('.pub').read_text()}")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    log = folder / "sshd.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, log)
        yield SshServer(port, getpass.getuser(), client_key, other_key, known_hosts)
    finally:
        _stop(process)


@dataclass
class NginxServer:
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_log(self) -> str:
        return (self.folder / "error.log").read_text()


@contextmanager
def nginx(folder: Path, site_conf: str, port: int) -> Iterator[NginxServer]:
    """nginx in the foreground with ``site_conf`` (a rendered server config) in its http block."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site_conf)
    # Workers run as nobody by default, who cannot enter pytest's private tmp folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"{kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"load_module {BROTLI_STATIC_MODULE};\n{user}daemon off;\nworker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "include /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n"
        f"access_log {folder / 'access.log'};\n{temp_paths}"
        f"include {folder / 'site.conf'};\n"
        "}\n"
    )
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx rejects the config:\n{checked.stderr}")
    log = folder / "nginx.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield NginxServer(port, folder)
    finally:
        _stop(process)


# ---------------------------------------------------------------- sample sites


def _page(title: str, body: str, css: str, js: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{title} | kp studios</title>
    <link rel="stylesheet" href="/{css}">
    <script src="/{js}" defer></script>
  </head>
  <body>
    <header>
      <nav aria-label="Main">
        <a href="/">Home</a>   <a href="/about/">About</a>   <a href="/blog/">Blog</a>
      </nav>
    </header>
    <main>
      <h1>{title}</h1>
      {body}
    </main>
  </body>
</html>
"""


def write_sample_site(root: Path, version: str, pages: tuple[str, ...] = ()) -> dict[str, str]:
    """Write a small built site into ``root``; return its pages' URL -> unique marker text.

    Every page carries ``version`` so a test can tell the old site from the new one.
    ``pages`` adds extra pages (slugs), e.g. one that only the new version has.
    """
    root.mkdir(parents=True, exist_ok=True)
    css_text = (
        ":root {\n  --ink: #1d1d1f;\n  --paper: #fffdf8;\n}\n\n"
        "body {\n  color: var(--ink);\n  background: var(--paper);\n  margin: 0px;\n}\n"
        f"/* {version} */\n" + "".join(f".c{i} {{ padding: {i}px; }}\n" for i in range(40))
    )
    js_text = (
        "// Progressive enhancement only.\n"
        "document.addEventListener('DOMContentLoaded', () => {\n"
        f"  const version = '{version}';\n"
        "  for (const link of document.querySelectorAll('a[href^=\"http\"]')) {\n"
        "    link.rel = 'noopener noreferrer';\n"
        "  }\n"
        "  document.documentElement.dataset.version = version;\n"
        "});\n"
    )
    assets = {}
    for folder, name, ext, text in (
        ("css", "site", "css", css_text),
        ("js", "site", "js", js_text),
    ):
        digest = hashlib.sha256(text.encode()).hexdigest()[:8]
        relative = f"theme/{folder}/{name}.{digest}.{ext}"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
        assets[ext] = relative
    paragraph = (
        "<p>Portraits and headshots made in a calm studio, with time to try, look and "
        "choose together. We light each face the way it deserves.</p>\n" * 6
    )
    slugs = {"": "Home", "about/": "About", "blog/": "Blog", "blog/first-post/": "First post"}
    slugs.update({f"{slug}/": slug.replace("-", " ").title() for slug in pages})
    markers = {}
    for slug, title in slugs.items():
        marker = f"{title} page, version {version}"
        body = f"<p class=marker>{marker}</p>\n{paragraph}<pre>  keep   this\n    spacing</pre>"
        (root / slug).mkdir(parents=True, exist_ok=True)
        (root / slug / "index.html").write_text(_page(title, body, assets["css"], assets["js"]))
        markers[f"/{slug}"] = marker
    (root / "404.html").write_text(
        _page("Page not found", "<p>We could not find that page.</p>", assets["css"], assets["js"])
    )
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>kp studios {version}</title></feed>\n"
    )
    (root / "theme/img").mkdir(parents=True, exist_ok=True)
    (root / "theme/img/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<circle cx="5" cy="5" r="4"/></svg>'
    )
    return markers


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> content), for comparing two trees."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }
