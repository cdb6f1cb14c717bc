"""The killable worker pool and the timeout behaviour of the public API.

The sleeping, crashing and raising tasks are the tests' own (`pool_tasks.py`), registered with `task_modules`."""

from __future__ import annotations

import time

import pytest

from nskit.grading import GradingTimeout, equivalence_classes, is_equal
from nskit.grading.pool import TaskUnavailable, WorkerPool
from tests.grading.pool_tasks import POOL_TASKS


def pool_with_test_tasks(workers: int) -> WorkerPool:
    """A pool that also runs the test tasks."""
    return WorkerPool(workers=workers, task_modules=[POOL_TASKS])


def test_a_task_past_its_timeout_is_killed_and_its_worker_replaced() -> None:
    with pool_with_test_tasks(2) as pool:
        started = time.monotonic()
        outcomes = pool.run("sleep", [(30.0,), (0.0,), (30.0,), (0.0,)], timeout=1.0)
        elapsed = time.monotonic() - started
        assert elapsed < 4
        assert [o.timed_out for o in outcomes] == [True, False, True, False]
        assert outcomes[0].error == "timeout after 1 s"
        assert outcomes[1].ok and outcomes[1].value == 0.0
        assert pool.replaced == 2
        # the replacements work
        assert [o.value for o in pool.run("equal", [("1/2", "0.5"), ("x+1", "1+x")], timeout=30)] == [True, True]


def test_a_worker_that_dies_is_reported_and_replaced() -> None:
    with pool_with_test_tasks(1) as pool:
        outcomes = pool.run("crash", [(), ()], timeout=10)
        assert all("worker died" in (o.error or "") for o in outcomes)
        assert pool.run("equal", [("2", "2.0")], timeout=10)[0].value is True


def test_an_exception_in_a_task_becomes_an_error_outcome() -> None:
    with pool_with_test_tasks(1) as pool:
        (outcome,) = pool.run("raise", [("boom",)], timeout=10)
        assert outcome.error == "RuntimeError: boom"
        assert not outcome.timed_out


def test_outcomes_come_back_in_input_order() -> None:
    with pool_with_test_tasks(2) as pool:
        values = [o.value for o in pool.run("sleep", [(0.3,), (0.0,), (0.1,), (0.0,)], timeout=10)]
        assert values == [0.3, 0.0, 0.1, 0.0]


def test_is_equal_raises_on_timeout_within_timeout_plus_one_second(monkeypatch: pytest.MonkeyPatch) -> None:
    import nskit.grading.api as api

    with pool_with_test_tasks(1) as pool:
        pool.run("sleep", [(0.0,)], timeout=30)  # start the worker outside the clock
        original = pool.run
        monkeypatch.setattr(api, "quick_equal", lambda expected, predicted: None)
        monkeypatch.setattr(api, "shared_pool", lambda: pool)
        monkeypatch.setattr(pool, "run", lambda name, args, timeout: original("sleep", [(60.0,)], timeout=timeout))
        started = time.monotonic()
        with pytest.raises(GradingTimeout, match="timeout after 1.5 s"):
            is_equal("1", "1", timeout=1.5)
        assert time.monotonic() - started < 2.5


def test_the_test_tasks_are_not_in_the_package_and_an_unknown_task_says_which_exist() -> None:
    with WorkerPool(workers=2) as pool:
        with pytest.raises(TaskUnavailable, match=r"^no grading task named 'sleep' in nskit.grading.tasks "
                                                  r"\(known: equal\)$"):
            pool.run("sleep", [(0.0,), (0.0,), (0.0,)], timeout=10)
        assert [o.value for o in pool.run("equal", [("1/2", "0.5"), ("2", "3")], timeout=30)] == [True, False]
    with pool_with_test_tasks(1) as pool:
        with pytest.raises(TaskUnavailable, match=r"named 'slep' in nskit.grading.tasks, tests.grading.pool_tasks "
                                                  r"\(known: crash, equal, raise, sleep\)"):
            pool.run("slep", [(0.0,)], timeout=10)


def test_a_task_module_that_cannot_load_is_reported_for_every_task() -> None:
    with WorkerPool(workers=1, task_modules=["tests.grading.no_such_tasks"]) as pool:
        with pytest.raises(TaskUnavailable, match="could not load nskit.grading.tasks, tests.grading.no_such_tasks: "
                                                  "ModuleNotFoundError"):
            pool.run("equal", [("1", "1")], timeout=30)
    with WorkerPool(workers=1, task_modules=["nskit.grading.tasks"]) as pool:  # 'equal' twice: not overridden
        with pytest.raises(TaskUnavailable, match="'equal' of nskit.grading.tasks is already defined"):
            pool.run("equal", [("1", "1")], timeout=30)


def test_equivalence_classes_groups_by_grader_equivalence() -> None:
    answers = ["1/2", "0.5", None, "\\frac12", "3", "x", "\\dfrac{6}{2}", "3", "X", "(x+1)^2", "x^2+2x+1"]
    assert equivalence_classes(answers, timeout=30) == [[0, 1, 3], [4, 6, 7], [5, 8], [9, 10]]
    assert equivalence_classes([]) == []
    assert equivalence_classes([None, None]) == []
