"""Deploy settings, and the local and gh-pages targets (real folders, a real bare git repo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitetools.deploy import (
    DeployError,
    HostUnreachable,
    Summary,
    TargetNotConfigured,
    deploy,
    main,
    parse_itemized,
    resolve_target,
)
from tests.servers import tree, write_sample_site

# ---------------------------------------------------------------- settings


def test_no_target_chosen_is_a_clear_error():
    with pytest.raises(TargetNotConfigured) as caught:
        resolve_target(None, config={}, env={})
    assert "no deploy target is chosen" in str(caught.value)
    assert "KP_DEPLOY_TARGET" in str(caught.value)
    assert "How to fix:" in str(caught.value)


def test_missing_target_setting_names_the_setting_and_the_variable():
    with pytest.raises(TargetNotConfigured) as caught:
        resolve_target("rsync", config={"rsync": {"path": "/srv/www"}}, env={})
    assert "no 'host' setting" in str(caught.value)
    assert 'DEPLOY["rsync"]["host"]' in str(caught.value)
    assert "KP_DEPLOY_HOST" in str(caught.value)


def test_unknown_target_lists_the_choices():
    with pytest.raises(TargetNotConfigured, match="rsync, gh-pages, local"):
        resolve_target("ftp", config={}, env={})


def test_environment_wins_over_publishconf():
    config = {
        "target": "local",
        "local": {"path": "/srv/a"},
        "rsync": {"host": "old.example", "path": "/srv/www"},
    }
    env = {"KP_DEPLOY_TARGET": "rsync", "KP_DEPLOY_HOST": "new.example", "KP_DEPLOY_PORT": "2222"}
    settings = resolve_target(None, config=config, env=env)
    assert settings["type"] == "rsync"
    assert settings["host"] == "new.example"
    assert settings["port"] == "2222"
    assert settings["path"] == "/srv/www"


def test_missing_output_folder_says_to_build_first(tmp_path):
    with pytest.raises(DeployError, match="invoke build --prod"):
        deploy(tmp_path / "output", {"type": "local", "path": str(tmp_path / "www")})


def test_itemized_rsync_output_becomes_a_summary():
    output = "\n".join(
        [
            ".d..t...... 4096 ./",
            ".f..t...... 120 same.html",  # new mtime, same content: not a change
            ">fcs....... 2048 index.html",
            "cd+++++++++ 4096 blog/new/",
            ">f+++++++++ 512 blog/new/index.html",
            "*deleting   0 old/index.html",
            "*deleting   0 old/",
            "Number of files: 9",
        ]
    )
    summary = parse_itemized(output, Summary("rsync", "x"))
    assert summary.added == ["blog/new/index.html"]
    assert summary.changed == ["index.html"]
    assert summary.removed == ["old/index.html"]
    assert summary.bytes == 2048 + 512


# ---------------------------------------------------------------- sites


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    """Two versions of a site: v2 changes every page, adds /prices/ and drops /about/."""
    root = tmp_path_factory.mktemp("sites")
    write_sample_site(root / "v1", "v1")
    write_sample_site(root / "v2", "v2", pages=("prices",))
    for path in (root / "v2/about").iterdir():
        path.unlink()
    (root / "v2/about").rmdir()
    return root / "v1", root / "v2"


def expected_change(old: Path, new: Path) -> tuple[set, set, set]:
    old_tree, new_tree = tree(old), tree(new)
    added = set(new_tree) - set(old_tree)
    removed = set(old_tree) - set(new_tree)
    changed = {p for p in set(new_tree) & set(old_tree) if old_tree[p] != new_tree[p]}
    return added, changed, removed


def assert_summary(summary: Summary, added: set, changed: set, removed: set) -> None:
    assert (set(summary.added), set(summary.changed), set(summary.removed)) == (
        added,
        changed,
        removed,
    )


# ---------------------------------------------------------------- local


def test_local_deploy_switches_releases_atomically(tmp_path, sites):
    v1, v2 = sites
    target = {"type": "local", "path": str(tmp_path / "www"), "keep": 2}
    first = deploy(v1, target)
    current = tmp_path / "www/current"
    assert current.is_symlink()
    assert tree(current) == tree(v1)
    assert set(first.added) == set(tree(v1))
    old_release = current.resolve()

    planned = deploy(v2, target, dry_run=True)
    assert tree(current) == tree(v1), "a dry run changes nothing"
    assert_summary(planned, *expected_change(v1, v2))
    assert planned.bytes == sum(len(tree(v2)[p]) for p in planned.added + planned.changed)

    done = deploy(v2, target)
    assert tree(current) == tree(v2)
    assert_summary(done, *expected_change(v1, v2))
    assert tree(old_release) == tree(v1), "the previous release stays for a rollback"

    deploy(v1, target)
    releases = sorted(p.name for p in (tmp_path / "www/releases").iterdir())
    assert len(releases) == 2, "only `keep` releases are kept"
    assert current.resolve().name == releases[-1]


def test_local_deploy_refuses_to_replace_a_real_folder(tmp_path, sites):
    (tmp_path / "www/current").mkdir(parents=True)
    (tmp_path / "www/current/index.html").write_text("hand-made")
    with pytest.raises(DeployError, match="real folder"):
        deploy(sites[0], {"type": "local", "path": str(tmp_path / "www")})
    assert (tmp_path / "www/current/index.html").read_text() == "hand-made"


# ---------------------------------------------------------------- gh-pages


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def branch_tree(repo: Path, branch: str) -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "--name-only", "-z", branch).split("\0")
    return {
        name: subprocess.run(
            ["git", "-C", str(repo), "show", f"{branch}:{name}"], capture_output=True, check=True
        ).stdout
        for name in names
        if name
    }


@pytest.fixture
def bare_repo(tmp_path) -> Path:
    repo = tmp_path / "site.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    return repo


def test_gh_pages_branch_holds_the_site_with_nojekyll_and_cname(bare_repo, sites):
    v1, v2 = sites
    target = {"type": "gh-pages", "remote": str(bare_repo), "cname": "www.kpstudios.example"}
    first = deploy(v1, target)
    expected = {**tree(v1), ".nojekyll": b"", "CNAME": b"www.kpstudios.example"}
    assert branch_tree(bare_repo, "gh-pages") == expected
    assert set(first.added) == set(expected)

    planned = deploy(v2, target, dry_run=True)
    assert git(bare_repo, "rev-list", "--count", "gh-pages").strip() == "1"
    assert_summary(planned, *expected_change(v1, v2))

    done = deploy(v2, target)
    assert_summary(done, *expected_change(v1, v2))
    assert branch_tree(bare_repo, "gh-pages") == {
        **tree(v2),
        ".nojekyll": b"",
        "CNAME": b"www.kpstudios.example",
    }
    assert git(bare_repo, "rev-list", "--count", "gh-pages").strip() == "2"

    unchanged = deploy(v2, target)
    assert (unchanged.added, unchanged.changed, unchanged.removed) == ([], [], [])
    assert git(bare_repo, "rev-list", "--count", "gh-pages").strip() == "2", "no empty commits"


def test_gh_pages_missing_remote_is_a_clear_error(tmp_path, sites):
    with pytest.raises(HostUnreachable) as caught:
        deploy(sites[0], {"type": "gh-pages", "remote": str(tmp_path / "nowhere.git")})
    assert "KP_DEPLOY_REMOTE" in str(caught.value)


# ---------------------------------------------------------------- command line


def test_cli_reads_deploy_settings_and_reports_errors(tmp_path, sites, capsys):
    settings = tmp_path / "publishconf.py"
    settings.write_text(
        f"DEPLOY = {{'target': 'local', 'local': {{'path': {str(tmp_path / 'www')!r}}}}}\n"
    )
    assert main([str(sites[0]), "--settings", str(settings), "--dry-run"]) == 0
    assert "local: would deploy" in capsys.readouterr().out
    assert not (tmp_path / "www/current").exists()

    env = {k: v for k, v in os.environ.items() if not k.startswith("KP_DEPLOY_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    failed = subprocess.run(
        [sys.executable, "-m", "sitetools.deploy", str(sites[0]), "--settings", "none.py"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert failed.returncode == 2
    assert "no deploy target is chosen" in failed.stderr
