"""map_forked: the same results, in order, whether workers or this process computed them."""

from __future__ import annotations

import os

from kp_common import forked


def square_with_pid(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def test_values_are_computed_by_workers_and_come_back_in_order():
    values = list(range(200))
    results = forked.map_forked(square_with_pid, values, workers=2, min_items=10)
    assert [square for square, _ in results] == [v * v for v in values]
    assert forked.last_in_workers == len(values)
    assert os.getpid() not in {pid for _, pid in results}, "computed here, not in workers"


def test_kp_build_workers_1_and_few_values_compute_here(monkeypatch):
    monkeypatch.setenv(forked.WORKERS_ENV, "1")
    results = forked.map_forked(square_with_pid, list(range(100)), min_items=10)
    assert {pid for _, pid in results} == {os.getpid()} and forked.last_in_workers == 0
    monkeypatch.setenv(forked.WORKERS_ENV, "2")
    results = forked.map_forked(square_with_pid, list(range(5)), min_items=10)
    assert {pid for _, pid in results} == {os.getpid()} and forked.last_in_workers == 0


def test_a_lost_worker_s_share_is_computed_here():
    parent = os.getpid()

    def dies_in_a_worker(value: int) -> int:
        if value == 7 and os.getpid() != parent:
            os._exit(1)  # the worker is gone, as after an out-of-memory kill
        return value + 1

    values = list(range(100))
    assert forked.map_forked(dies_in_a_worker, values, workers=2, min_items=10) == [
        v + 1 for v in values
    ]
    assert forked.last_in_workers < len(values)
