"""The task names Pelican users type, and `invoke clean` removing every output folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("publish", "ship output/ to the target"),  # an alias of deploy: deploy's own help
        ("gh-pages", "gh-pages branch"),
        ("rebuild", "without the content cache"),
        ("regenerate", "without a server"),
        ("reserve", "then serve it"),
        ("preview", "production settings"),
    ],
)
def test_pelicans_task_names_are_ours_too(name: str, says: str):
    listing = invoke("--list").stdout
    assert "deploy (publish)" in listing
    shown = invoke(name, "--help")
    assert shown.returncode == 0, shown.stderr
    assert says in " ".join(shown.stdout.split()), shown.stdout


def test_clean_deletes_every_output_folder_and_nothing_else(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    outputs = ["output", "output-publish", "output-check", "output.building-123"]
    for name in outputs:
        (project / name / "blog").mkdir(parents=True)
        (project / name / "blog" / "index.html").write_text("x")
    for name in ("content", "outputs-notes", "theme"):
        (project / name).mkdir()
        (project / name / "keep.txt").write_text("keep")
    (project / "output-notes.txt").write_text("a file, not an output folder")

    result = invoke("clean", cwd=project)

    assert result.returncode == 0, result.stderr
    assert [name for name in outputs if (project / name).exists()] == []
    for name in ("content", "outputs-notes", "theme"):
        assert (project / name / "keep.txt").read_text() == "keep"
    assert (project / "output-notes.txt").is_file()
