"""map_forked: the same results, in order, whether workers or this process computed them;
ahead_in_workers: what workers could do without a problem, None where the caller must."""

from __future__ import annotations

import contextlib
import logging
import os

import pytest

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


def test_ahead_in_workers_leaves_to_the_caller_what_logged_or_raised_or_was_lost():
    parent, changed = os.getpid(), []

    def work(value: int) -> tuple[int, int]:
        changed.append(value)  # lost with the worker: nothing runs here
        if value == 3:
            logging.getLogger("kp_test").warning("photo %d cannot be published", value)
        if value == 5:
            raise ValueError("no such photo")
        if value == 70 and os.getpid() != parent:
            os._exit(1)  # its worker is gone: its whole share is the caller's
        return value * 2, os.getpid()

    values = list(range(100))
    results = forked.ahead_in_workers(work, values, workers=2, min_items=10)
    assert changed == [], "ran in this process"
    assert results[3] is None and results[5] is None and results[70] is None
    done = {v: r for v, r in zip(values, results, strict=True) if r is not None}
    assert all(doubled == 2 * v and pid != parent for v, (doubled, pid) in done.items())
    assert done, "no value came from a worker"  # (a lost worker breaks the pool's later shares)


def test_ahead_in_workers_does_nothing_when_a_pool_is_not_worth_it(monkeypatch):
    ran = []
    assert forked.ahead_in_workers(ran.append, list(range(5)), workers=2, min_items=10) is None
    monkeypatch.setenv(forked.WORKERS_ENV, "1")
    assert forked.ahead_in_workers(ran.append, list(range(100)), min_items=10) is None
    assert ran == []


class Planner:
    """Something templates call for its effect: what it was asked for, in order."""

    def __init__(self) -> None:
        self.planned: list[str] = []
        forked.replay_target(self)

    @forked.replayed
    def plan(self, name: str, *, width: int = 0) -> str:
        if name == "missing":
            raise ValueError("no such photo")
        self.planned.append(f"{name}@{width}")
        return name.upper()


PLANNER = Planner()


def plan_in_a_worker(names: list[str]) -> tuple[list[str], list]:
    """In a forked worker: call the planner as a template would; what it saw and noted."""
    PLANNER.planned.clear()  # the worker's copy, from its previous value
    with forked.noting() as calls:
        for name in names:
            # The caller handles a failure, as the ``responsive_image`` global does.
            with contextlib.suppress(ValueError):
                PLANNER.plan(name, width=len(name))
    return list(PLANNER.planned), calls


def test_calls_noted_in_a_worker_are_made_again_here_in_order():
    PLANNER.planned.clear()
    names = ["b", "missing", "a", "b"]
    with forked.replaying():
        results = forked.map_forked(plan_in_a_worker, [names] * 64, workers=2, min_items=2)
        assert forked.last_in_workers == 64 and PLANNER.planned == [], "not in a worker"
        seen_there, calls = results[0]
        assert seen_there == ["b@1", "a@1", "b@1"]
        # Each distinct call is noted once: "b" again changes nothing "b" did not.
        assert [call[2] for call in calls] == [("b",), ("missing",), ("a",)]
        for _, more_calls in results:
            forked.replay(more_calls)
    assert PLANNER.planned == ["b@1", "a@1"]  # the failed call is replayed, and fails quietly
    PLANNER.plan("c")  # outside noting(): nothing is noted
    assert PLANNER.planned[-1] == "c@0"


def test_a_call_that_fails_only_here_is_not_hidden():
    PLANNER.planned.clear()
    with forked.replaying(), forked.noting() as calls:
        PLANNER.plan("fine")
    calls[0][2] = ("missing",)  # as if this process could not find what the worker found
    with forked.replaying(), pytest.raises(ValueError):
        forked.replay(calls)


def record_in_a_worker(names: list[str]) -> list:
    """In a forked worker: every call, as a later build's process would get it."""
    with forked.recording() as calls, forked.noting():
        for name in names:
            PLANNER.plan(name, width=2)
    return calls


def test_calls_recorded_in_a_worker_are_made_on_the_newest_object_of_their_class():
    names = ["b", "a", "b"]
    recorded = forked.map_forked(record_in_a_worker, [names] * 8, workers=2, min_items=2)
    assert forked.last_in_workers == 8
    # Every call, the ones seen before too, its object named by its class alone.
    assert recorded[0] == [
        (f"{Planner.__module__}.Planner", "plan", (name,), {"width": 2}) for name in names
    ]
    newer = Planner()  # a later build's object: the one the calls are made on
    PLANNER.planned.clear()
    with forked.replaying():
        for calls in recorded:
            forked.replay_recorded(calls)
    assert newer.planned == ["b@2", "a@2"] and PLANNER.planned == []
    del newer
    with pytest.raises(LookupError):
        forked.replay_recorded([("no.such.Class", "plan", ("a",), {})])
