"""The header source of truth and its two renderings (_headers, nginx)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitetools import headers
from sitetools.config import read_settings_file
from sitetools.security import content_security_policy
from tests.servers import free_port, nginx, write_sample_site

STUDIO = {
    "name": "kp studios",
    "newsletter": {
        "action": "https://kpstudios.us21.list-manage.com/subscribe/post?u=abc&id=def",
        "honeypot": "b_abc_def",
    },
}
REPO = Path(__file__).resolve().parent.parent


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def test_csp_is_strict_and_allows_only_the_video_hosts_and_newsletter():
    policy = directives(content_security_policy(STUDIO))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-src"] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
    assert policy["form-action"] == ["'self'", "https://kpstudios.us21.list-manage.com"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in content_security_policy(STUDIO)


def test_csp_without_newsletter_posts_forms_only_to_self():
    assert directives(content_security_policy(None))["form-action"] == ["'self'"]
    javascript_action = {"newsletter": {"action": "javascript:alert(1)"}}
    assert directives(content_security_policy(javascript_action))["form-action"] == ["'self'"]


def test_security_headers_cover_the_issue_list():
    sent = headers.security_headers(STUDIO)
    assert sent["Strict-Transport-Security"].startswith("max-age=31536000")
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Referrer-Policy"] == "strict-origin-when-cross-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in sent["Permissions-Policy"]
    assert sent["Content-Security-Policy"] == content_security_policy(STUDIO)


@pytest.mark.parametrize(
    ("url", "content_type", "expected"),
    [
        ("/theme/css/site.3f9a1c2b.css", "text/css", "immutable"),
        ("/theme/fonts/inter.0123456789abcdef.woff2", "font/woff2", "immutable"),
        ("/theme/css/site.css", "text/css", "max-age=3600"),  # no hash: may change
        ("/images/site.3f9a1c2b.css", "text/css", "max-age=3600"),  # not a theme asset
        ("/blog/first-post/", "text/html; charset=utf-8", "max-age=300, must-revalidate"),
        ("/feed.xml", "application/xml", "max-age=3600"),
    ],
)
def test_cache_rules(url, content_type, expected):
    assert expected in headers.cache_control_for(url, content_type)


def netlify_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            rules.append((line, {}))
        else:
            name, value = line.strip().split(": ", 1)
            assert name not in rules[-1][1], f"{name} twice in {rules[-1][0]}"
            rules[-1][1][name] = value
    return rules


def test_headers_file_lists_fingerprinted_assets_and_never_doubles_a_header(tmp_path):
    write_sample_site(tmp_path, "v1")
    written = headers.write_headers_file(tmp_path, STUDIO)
    rules = netlify_rules(written.read_text())
    patterns = [pattern for pattern, _ in rules]
    assert patterns[0] == "/*"
    assert rules[0][1] == headers.security_headers(STUDIO)
    fingerprinted = sorted(
        "/" + p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("theme/*/site.*.*")
    )
    assert len(fingerprinted) == 2
    assert patterns[1:] == fingerprinted
    # Cloudflare joins a header set by two matching rules with a comma: every URL must get
    # each header from exactly one rule.
    for url in [*fingerprinted, "/", "/about/", "/theme/img/logo.svg"]:
        seen: dict[str, int] = {}
        for pattern, values in rules:
            if re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), url):
                for name in values:
                    seen[name] = seen.get(name, 0) + 1
        assert set(seen.values()) == {1}, url
        assert ("Cache-Control" in seen) == (url in fingerprinted)


def test_nginx_conf_sets_headers_only_at_server_level():
    conf = headers.render_nginx_conf("/srv/www/kp/current", studio_settings=STUDIO)
    # An add_header inside a location would silently drop all server-level headers there.
    for location in re.findall(r"location [^{]*\{[^}]*\}", conf):
        assert "add_header" not in location
    for name in headers.security_headers(STUDIO):
        assert re.search(rf"^    add_header {name} \".+\" always;$", conf, re.MULTILINE)
    assert "brotli_static on;" in conf
    assert "gzip_static on;" in conf
    assert "error_page 404 /404.html;" in conf
    assert "try_files $uri $uri/ $uri.html =404;" in conf
    assert "root /srv/www/kp/current;" in conf


def test_nginx_conf_with_tls_redirects_plain_http():
    conf = headers.render_nginx_conf(
        "/srv/www/kp/current",
        server_name="kpstudios.example",
        tls_certificate="/etc/ssl/kp/fullchain.pem",
        tls_certificate_key="/etc/ssl/kp/privkey.pem",
    )
    assert "listen 443 ssl http2;" in conf
    assert "return 301 https://$host$request_uri;" in conf
    assert "ssl_certificate_key /etc/ssl/kp/privkey.pem;" in conf


@pytest.mark.server
def test_nginx_accepts_the_generated_config(tmp_path):
    site = tmp_path / "site"
    write_sample_site(site, "v1")
    port = free_port()
    conf = headers.render_nginx_conf(site, listen=f"127.0.0.1:{port}", studio_settings=STUDIO)
    with nginx(tmp_path / "nginx", conf, port) as server:
        assert "emerg" not in server.error_log()


EXAMPLE_ARGS = ["--root", "/srv/www/kpstudios/current", "--server-name", "kpstudios.example"]
EXAMPLE_TLS = [
    "--tls-certificate",
    "/etc/letsencrypt/live/kpstudios.example/fullchain.pem",
    "--tls-certificate-key",
    "/etc/letsencrypt/live/kpstudios.example/privkey.pem",
]


def test_committed_nginx_example_is_what_the_source_of_truth_renders():
    """deploy/nginx-site.conf must be regenerated whenever the headers change."""
    settings = REPO / "publishconf.py"
    studio = read_settings_file(settings).get("STUDIO") if settings.exists() else None
    expected = headers.render_nginx_conf(
        "/srv/www/kpstudios/current",
        server_name="kpstudios.example",
        studio_settings=studio,
        tls_certificate=EXAMPLE_TLS[1],
        tls_certificate_key=EXAMPLE_TLS[3],
        redirects=headers.read_redirects(settings),
    )
    assert (REPO / "deploy/nginx-site.conf").read_text() == expected, (
        "regenerate: python -m sitetools.headers --settings publishconf.py nginx "
        + " ".join(EXAMPLE_ARGS + EXAMPLE_TLS)
        + " > deploy/nginx-site.conf"
    )


def test_headers_cli_writes_the_netlify_file(tmp_path):
    write_sample_site(tmp_path, "v1")
    subprocess.run(
        [sys.executable, "-m", "sitetools.headers", "netlify", str(tmp_path)],
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": f"{REPO}:{REPO / 'plugins'}", "PATH": "/usr/bin:/bin"},
    )
    assert (tmp_path / "_headers").read_text() == headers.render_headers_file(tmp_path)
