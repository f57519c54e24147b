"""kp_common.kept: a value kept for the next build, and nothing when it cannot be read."""

from __future__ import annotations

from kp_common import kept


def test_a_value_comes_back_and_a_missing_or_damaged_file_reads_as_the_default(tmp_path):
    path = tmp_path / "cache" / "results"
    assert kept.read(path, {}) == {}
    assert kept.write(path, {"post": (1, "two")})
    assert kept.read(path) == {"post": (1, "two")}
    path.write_bytes(path.read_bytes()[:5])  # cut short, as by a crash of another tool
    assert kept.read(path, "default") == "default"
    assert kept.read(None, "default") == "default"


def test_a_value_that_cannot_be_kept_leaves_no_file(tmp_path):
    path = tmp_path / "results"
    assert not kept.write(path, lambda: None)  # a function does not pickle
    assert not path.exists()


def test_kept_only_with_the_content_cache(tmp_path):
    on = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path)}
    assert kept.with_content_cache(on, "x") == tmp_path / "x"
    assert kept.with_content_cache({**on, "LOAD_CONTENT_CACHE": False}, "x") is None
    assert kept.with_content_cache({**on, "CACHE_CONTENT": False}, "x") is None
