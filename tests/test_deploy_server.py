"""rsync over a real sshd, served by a real nginx with the generated config.

Everything runs on 127.0.0.1 with temporary keys. The last test kills a deploy half way and
checks that nginx still serves the complete old site.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import brotli
import httpx
import pytest

from sitetools import headers, optimize
from sitetools.deploy import AuthenticationFailed, HostUnreachable, deploy
from tests.servers import free_port, nginx, sshd, tree, write_sample_site

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent
# A newsletter the settings layer accepts (an https action and its honeypot), so its host
# is in the policy's form-action.
STUDIO = {
    "newsletter": {
        "action": "https://kpstudios.us21.list-manage.com/subscribe/post",
        "honeypot": "b_1_2",
    }
}


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory):
    with sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


def production_site(root: Path, version: str, pages: tuple[str, ...] = ()) -> dict[str, str]:
    markers = write_sample_site(root, version, pages)
    optimize.optimize(root)
    headers.write_headers_file(root, STUDIO)
    return markers


def expected_change(old: dict, new: dict) -> tuple[set, set, set]:
    changed = {p for p in set(old) & set(new) if old[p] != new[p]}
    return set(new) - set(old), changed, set(old) - set(new)


# ---------------------------------------------------------------- rsync


def test_rsync_deploy_mirrors_the_tree_and_uploads_only_real_changes(tmp_path, ssh_server):
    v1, v2, www = tmp_path / "v1", tmp_path / "v2", tmp_path / "www"
    production_site(v1, "v1")
    production_site(v2, "v2", pages=("prices",))
    shutil.rmtree(v2 / "about")
    www.mkdir()
    target = ssh_server.target(www)

    first = deploy(v1, target)
    assert tree(www) == tree(v1)
    assert set(first.added) == set(tree(v1))
    assert first.bytes == sum(len(data) for data in tree(v1).values())

    for path in v1.rglob("*"):  # a rebuild touches every file without changing it
        os.utime(path, (time.time() + 60, time.time() + 60))
    again = deploy(v1, target)
    assert (again.added, again.changed, again.removed) == ([], [], [])

    planned = deploy(v2, target, dry_run=True)
    assert tree(www) == tree(v1), "a dry run changes nothing"
    added, changed, removed = expected_change(tree(v1), tree(v2))
    assert (set(planned.added), set(planned.changed), set(planned.removed)) == (
        added,
        changed,
        removed,
    )
    assert "would deploy" in str(planned)

    done = deploy(v2, target)
    assert tree(www) == tree(v2)
    assert (set(done.added), set(done.changed), set(done.removed)) == (added, changed, removed)
    assert f"{len(added)} added, {len(changed)} changed, {len(removed)} removed" in str(done)


def test_unreachable_host_is_a_clear_error(tmp_path, ssh_server):
    write_sample_site(tmp_path / "site", "v1")
    closed_port = free_port()
    with pytest.raises(HostUnreachable) as caught:
        deploy(tmp_path / "site", ssh_server.target(tmp_path / "www", port=closed_port))
    message = str(caught.value)
    assert f"cannot reach 127.0.0.1:{closed_port}" in message
    assert "Connection refused" in message
    assert "KP_DEPLOY_PORT" in message


def test_wrong_key_is_a_clear_authentication_error(tmp_path, ssh_server):
    write_sample_site(tmp_path / "site", "v1")
    (tmp_path / "www").mkdir()
    target = ssh_server.target(tmp_path / "www", key=str(ssh_server.other_key))
    with pytest.raises(AuthenticationFailed) as caught:
        deploy(tmp_path / "site", target)
    assert "refused our login" in str(caught.value)
    assert "authorized_keys" in str(caught.value)
    assert not any((tmp_path / "www").iterdir())


def test_unknown_host_key_is_refused(tmp_path, ssh_server):
    write_sample_site(tmp_path / "site", "v1")
    (tmp_path / "empty_known_hosts").write_text("")
    target = ssh_server.target(tmp_path / "www", known_hosts=str(tmp_path / "empty_known_hosts"))
    with pytest.raises(AuthenticationFailed, match="host key"):
        deploy(tmp_path / "site", target)


# ---------------------------------------------------------------- nginx


@pytest.fixture(scope="module")
def served(tmp_path_factory, ssh_server):
    """A production v1 site, deployed by rsync, served by nginx with the generated config."""
    root = tmp_path_factory.mktemp("served")
    markers = production_site(root / "build", "v1")
    (root / "www").mkdir()
    deploy(root / "build", ssh_server.target(root / "www"))
    port = free_port()
    conf = headers.render_nginx_conf(
        root / "www", listen=f"127.0.0.1:{port}", studio_settings=STUDIO
    )
    with nginx(root / "nginx", conf, port) as server, httpx.Client(base_url=server.url) as client:
        yield client, root / "www", markers


def get(client: httpx.Client, path: str, encoding: str = "identity") -> httpx.Response:
    """GET with one Accept-Encoding; ``raw_body`` holds the bytes exactly as nginx sent them."""
    if encoding == "identity":
        response = client.get(path, headers={"Accept-Encoding": encoding})
        response.raw_body = response.content
        return response
    # Stream so httpx does not decode gzip and hide what nginx sent.
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        response.raw_body = b"".join(response.iter_raw())
    return response


def test_every_response_carries_the_security_headers(served):
    client, www, _ = served
    fingerprinted = headers.fingerprinted_assets(www)
    for path in ["/", "/blog/first-post/", "/no-such-page/", fingerprinted[0], "/feed.xml"]:
        response = get(client, path)
        for name, value in headers.security_headers(STUDIO).items():
            assert response.headers[name] == value, (path, name)
    assert (
        "form-action 'self' https://kpstudios.us21.list-manage.com"
        in response.headers["Content-Security-Policy"]
    )


def test_fingerprinted_assets_are_immutable_and_html_is_short_lived(served):
    client, www, _ = served
    fingerprinted = headers.fingerprinted_assets(www)
    assert len(fingerprinted) == 2
    for path in fingerprinted:
        response = get(client, path, "br")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    page = get(client, "/about/")
    assert page.headers["Cache-Control"] == "public, max-age=300, must-revalidate"
    assert get(client, "/theme/img/logo.svg").headers["Cache-Control"] == "public, max-age=3600"


def test_brotli_and_gzip_are_served_from_the_precompressed_files(served):
    client, www, _ = served
    original = (www / "blog/first-post/index.html").read_bytes()
    br = get(client, "/blog/first-post/", "br, gzip")
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert br.raw_body == (www / "blog/first-post/index.html.br").read_bytes()
    assert brotli.decompress(br.raw_body) == original
    gz = get(client, "/blog/first-post/", "gzip")
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.raw_body) == original
    plain = get(client, "/blog/first-post/")
    assert "Content-Encoding" not in plain.headers
    assert plain.raw_body == original


def test_missing_page_gets_the_custom_404_page_with_status_404(served):
    client, www, _ = served
    response = get(client, "/no-such-page/")
    assert response.status_code == 404
    assert response.raw_body == (www / "404.html").read_bytes()
    assert "We could not find that page" in response.text
    assert get(client, "/.~tmp~/index.html").status_code == 404, "rsync staging is never served"
    assert get(client, "/_headers").status_code == 200  # harmless, and proves the root is right


def test_clean_urls(served):
    client, _, markers = served
    redirect = get(client, "/about")
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == "/about/"
    assert markers["/about/"] in get(client, "/about/").text


# ---------------------------------------------------------------- a deploy killed half way


def test_killed_deploy_leaves_the_old_site_served_whole(tmp_path, ssh_server):
    old_markers = production_site(tmp_path / "v1", "v1")
    new_markers = production_site(tmp_path / "v2", "v2", pages=("prices",))
    (tmp_path / "v2/media").mkdir()
    (tmp_path / "v2/media/studio-tour.bin").write_bytes(os.urandom(6 * 1024 * 1024))
    www = tmp_path / "www"
    www.mkdir()
    deploy(tmp_path / "v1", ssh_server.target(www))
    old_tree = tree(www)

    # The slow deploy runs as a separate process group, configured only through the
    # environment, the way CI would run it; then it is killed like a cancelled CI job.
    settings = ssh_server.target(www, bwlimit=1024)  # KiB/s: the big file takes ~6 s
    env = {key: value for key, value in os.environ.items() if not key.startswith("KP_DEPLOY_")}
    env.update({f"KP_DEPLOY_{key.upper()}": str(value) for key, value in settings.items()})
    env.update({"KP_DEPLOY_TARGET": "rsync", "PYTHONPATH": str(ROOT)})
    command = [sys.executable, "-m", "sitetools.deploy", str(tmp_path / "v2")]
    process = subprocess.Popen(
        [*command, "--settings", "none"], env=env, cwd=tmp_path, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        partial = [p for p in www.rglob("*studio-tour*") if p.is_file()]
        if partial and partial[0].stat().st_size >= 512 * 1024:
            break
        assert process.poll() is None, "the deploy finished before it could be killed"
        time.sleep(0.05)
    else:
        pytest.fail("the big file never started arriving")
    staged = [p for p in www.rglob(".~tmp~/*") if p.is_file()]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # The new versions of the pages had arrived, and were held back:
    assert any(p.name == "index.html" for p in staged)

    assert {path: data for path, data in tree(www).items() if path in old_tree} == old_tree
    port = free_port()
    conf = headers.render_nginx_conf(www, listen=f"127.0.0.1:{port}", studio_settings=STUDIO)
    with (
        nginx(tmp_path / "nginx", conf, port) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        for url, marker in old_markers.items():
            for encoding in ("identity", "br"):
                response = client.get(url, headers={"Accept-Encoding": encoding})
                assert response.status_code == 200, url
                assert marker in response.text, (url, encoding)
        for asset in headers.fingerprinted_assets(tmp_path / "v2"):
            assert client.get(asset).status_code == 404, asset
        prices = client.get("/prices/")
        assert prices.status_code != 200
        assert new_markers["/prices/"] not in prices.text
        assert client.get("/media/studio-tour.bin").status_code == 404

        # Deploying again finishes the job; the staging folders are cleaned up.
        summary = deploy(tmp_path / "v2", ssh_server.target(www))
        assert "media/studio-tour.bin" in summary.added
        assert tree(www) == tree(tmp_path / "v2")
        for url, marker in new_markers.items():
            assert marker in client.get(url).text, url
