"""kp_common.memo: what is remembered, for how long."""

from __future__ import annotations

import os

from kp_common import memo


def test_paths_are_remembered_for_one_run_only(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    link = tmp_path / "lead.jpg"
    link.symlink_to(photo)
    assert memo.realpath(link) == str(photo)
    other = tmp_path / "other.jpg"
    other.write_bytes(b"jpeg")
    link.unlink()
    link.symlink_to(other)
    assert memo.realpath(link) == str(other), "outside a run nothing is remembered"

    with memo.paths_remembered():
        assert memo.realpath(link) == str(other)
        assert memo.is_file(link)
        link.unlink()
        link.symlink_to(photo)
        # During the run the first answer stands (nothing changes while a build reads).
        assert memo.realpath(link) == str(other)
        os.unlink(link)
        assert memo.is_file(link)
    assert not memo.is_file(link) and not memo.kept()
    link.symlink_to(photo)
    with memo.paths_remembered():  # the next run starts afresh
        assert memo.realpath(link) == str(photo)
