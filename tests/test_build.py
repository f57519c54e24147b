"""The build driver and the tasks around it: atomic output, clear failures, safe clean."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tests.sitebuild import ROOT, build_into, build_ok


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_post(folder: Path, name: str, front_matter: str, body: str = "Some text.") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(front_matter.strip() + "\n\n" + body + "\n", encoding="utf-8")
    return path


def small_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_post(
        content / "blog", "first.md", "Title: First\nDate: 2026-01-01\nCategory: Tips\nSlug: first"
    )
    for slug in ["about", "headshots", "book-a-consultation", "privacy"]:
        write_post(content / "pages", f"{slug}.md", f"Title: {slug}\nSlug: {slug}")
    return content


def test_build_prints_no_warnings(tmp_path: Path):
    result = build_ok("pelicanconf.py", tmp_path / "out", CACHE_PATH=str(tmp_path / "cache"))
    assert result.problems == []


def test_a_failed_build_leaves_the_last_good_output_byte_identical(tmp_path: Path):
    content = small_content(tmp_path)
    output = tmp_path / "output"
    build_ok("pelicanconf.py", output, PATH=str(content))
    before = tree_digest(output)
    assert "blog/first/index.html" in before

    write_post(content / "blog", "broken.md", "Title: Broken\nDate: 2026-13-45\nSlug: broken")
    result = build_into(output, PATH=str(content))

    assert not result.ok
    assert any("broken.md" in problem for problem in result.problems), result.problems
    assert tree_digest(output) == before
    assert not list(tmp_path.glob("output.*")), "the half-built folder was left behind"


def test_a_good_build_replaces_the_output(tmp_path: Path):
    content = small_content(tmp_path)
    output = tmp_path / "output"
    build_ok("pelicanconf.py", output, PATH=str(content))
    write_post(
        content / "blog",
        "second.md",
        "Title: Second\nDate: 2026-02-01\nCategory: Tips\nSlug: second",
    )
    build_ok("pelicanconf.py", output, PATH=str(content))
    assert (output / "blog" / "second" / "index.html").is_file()


def test_publish_build_without_siteurl_fails_with_a_clear_message(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SITEURL", "")
    result = build_into(tmp_path / "output", settings="publishconf.py")
    assert not result.ok
    assert "SITEURL" in result.problems[0] and "export" in result.problems[0]
    assert not (tmp_path / "output").exists()


def invoke(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_task_says_what_it_does():
    listing = invoke("--list").stdout
    for name in ["build", "preview", "serve", "livereload", "new-post", "clean", "test"]:
        # A task's own line is indented by two spaces; wrapped descriptions by more.
        line = next((line for line in listing.splitlines() if line.startswith(f"  {name} ")), "")
        assert len(line.split(maxsplit=1)) == 2, f"`invoke --list` has no description for {name}"
        summary = line.split(maxsplit=1)[1][:20]
        for help_call in [("--help", name), (name, "--help")]:
            shown = invoke(*help_call)
            assert shown.returncode == 0 and summary in shown.stdout, (help_call, shown.stderr)


def test_clean_deletes_only_output_folders(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    (project / "output" / "blog").mkdir(parents=True)
    (project / "output" / "blog" / "index.html").write_text("x")
    (project / "content").mkdir()
    (project / "content" / "keep.md").write_text("keep")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (project / "output.old").symlink_to(outside, target_is_directory=True)

    result = invoke("clean", cwd=project)

    assert result.returncode == 0, result.stderr
    assert not (project / "output").exists()
    assert (project / "content" / "keep.md").read_text() == "keep"
    assert (outside / "precious.txt").read_text() == "keep me", "clean followed a symlink out"


def test_new_post_writes_full_front_matter(tmp_path: Path):
    project = tmp_path / "project"
    (project / "content" / "blog").mkdir(parents=True)
    (project / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    result = invoke("new-post", "What to bring: a checklist", cwd=project)
    assert result.returncode == 0, result.stderr
    post = project / "content" / "blog" / "what-to-bring-a-checklist.md"
    front = post.read_text().split("\n\n")[0]
    for key in [
        "Title: What to bring: a checklist",
        "Date: ",
        "Category: ",
        "Tags: ",
        "Slug: ",
        "Summary: ",
        "Image: ",
        "Image_alt: ",
        "Status: draft",
    ]:
        assert key in front
    again = invoke("new-post", "What to bring: a checklist", cwd=project)
    assert again.returncode != 0 and "already exists" in again.stderr


def test_a_failing_after_build_step_publishes_nothing(tmp_path: Path):
    """The production steps (and the gates before a deploy) run on the staged build."""
    content = small_content(tmp_path)
    output = tmp_path / "output"
    build_ok("pelicanconf.py", output, PATH=str(content))
    before = tree_digest(output)
    staged = []

    def failing_gate(folder: Path) -> list[str]:
        staged.append(folder)
        return ["quality gate: /blog/first/ [a11y] img: missing alt"]

    result = build_into(output, PATH=str(content), after_build=[failing_gate])

    assert result.problems == ["quality gate: /blog/first/ [a11y] img: missing alt"]
    assert staged and staged[0] != output, "the step must see the staged build, not output/"
    assert not staged[0].exists(), "the rejected build was left behind"
    assert tree_digest(output) == before


def test_a_build_with_nothing_changed_leaves_the_output_as_it_is(tmp_path: Path):
    content = small_content(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(cache))
    first = (output.stat().st_ino, tree_digest(output))

    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(cache))
    # Not rebuilt: the very same folder (a build swaps a new one into place), same files.
    assert (output.stat().st_ino, tree_digest(output)) == first

    write_post(
        content / "blog",
        "first.md",
        "Title: First, edited\nDate: 2026-01-01\nCategory: Tips\nSlug: first",
    )
    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(cache))
    assert output.stat().st_ino != first[0]
    assert "First, edited" in (output / "blog" / "first" / "index.html").read_text("utf-8")


def test_another_build_into_the_same_output_is_not_taken_for_ours(tmp_path: Path):
    content = small_content(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(cache))
    # A build with other steps (a production-like build) replaces the folder...
    marker = lambda folder: (folder / "marker.txt").write_text("step", "utf-8") and []  # noqa: E731
    build_ok("pelicanconf.py", output, [marker], PATH=str(content), CACHE_PATH=str(cache))
    assert (output / "marker.txt").is_file()
    # ...so the next plain build must build again rather than trust the old fingerprint.
    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(cache))
    assert not (output / "marker.txt").exists()


def test_a_one_off_build_reads_each_template_once_and_a_session_watches_them(tmp_path):
    """The driver turns Jinja's auto_reload off (a stat per include); livereload keeps it."""
    from pelican import signals

    from sitetools.incremental import SiteSession

    seen = []

    def note(generator):
        if hasattr(generator, "env"):
            seen.append(generator.env.auto_reload)

    signals.generator_init.connect(note)
    try:
        result = build_into(tmp_path / "output")
        assert result.ok, "\n".join(result.problems)
        assert seen and not any(seen)
        seen.clear()
        overrides = {"CACHE_PATH": str(tmp_path / "session-cache")}
        SiteSession(ROOT / "pelicanconf.py", tmp_path / "session", overrides=overrides).build()
        assert seen and all(seen)
    finally:
        signals.generator_init.disconnect(note)
