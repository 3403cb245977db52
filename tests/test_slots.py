"""The analysis slots: at most N at once, first come first served, positions shown, busy when full."""
from __future__ import annotations

import threading
import time

import pytest

from screening import slots
from screening.core.errors import AnalysisError, Cancelled


def test_at_most_n_run_and_the_queue_is_first_come_first_served():
    s = slots.Slots(2, max_queue=10)
    inside, peak, order, said = [0], [0], [], {}
    lock = threading.Lock()

    def job(i: int) -> None:
        with slots.turn(s, say=lambda stage, f, text: said.setdefault(i, []).append(text)):
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
                order.append(i)
            time.sleep(0.8)
            with lock:
                inside[0] -= 1
    threads = []
    for i in range(6):
        threads.append(threading.Thread(target=job, args=(i,)))
        threads[-1].start()
        time.sleep(0.05)               # join the queue in this order
    for t in threads:
        t.join(20)
    assert peak[0] == 2 and order == [0, 1, 2, 3, 4, 5]
    assert said[5][0].startswith("you are number 4 in the queue (2 analyses run at once")   # 4 ahead: 2, 3, 4
    shown = [int(text.split()[3]) for text in said[5]]
    assert shown[0] == 4 and shown == sorted(shown, reverse=True) and len(shown) >= 2     # moving up
    assert 0 not in said and 1 not in said          # the first two started at once, without waiting
    assert s.status() == (0, 0)


def test_a_full_queue_says_busy_and_a_cancelled_wait_leaves_the_queue():
    s = slots.Slots(1, max_queue=1)
    held = threading.Event()
    release = threading.Event()

    def holder():
        with slots.turn(s):
            held.set()
            release.wait(10)
    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    outcome, stop = [], threading.Event()

    def waiter():
        try:
            with slots.turn(s, should_cancel=stop.is_set):
                outcome.append("ran")
        except Cancelled:
            outcome.append("cancelled")
    waiting = threading.Thread(target=waiter)
    waiting.start()
    time.sleep(0.2)
    assert s.status() == (1, 1)
    stop.set()                                       # the user pressed Cancel while waiting
    waiting.join(5)
    assert outcome == ["cancelled"] and s.status() == (1, 0)      # it left its place
    with pytest.raises(AnalysisError) as e:
        with slots.turn(s, max_wait_s=0.6):
            pass
    assert e.value.code == "busy" and "1 analysis is running" in str(e.value) and "Try again" in e.value.fix
    blocker = s.join()                               # the one place in the queue is taken
    with pytest.raises(AnalysisError, match="server is busy"):
        with slots.turn(s):
            pass
    s.leave(blocker)
    release.set()
    t.join(5)
    assert s.status() == (0, 0)


def test_capacity_from_cores_memory_and_the_environment(monkeypatch):
    monkeypatch.delenv(slots.SLOTS_ENV, raising=False)
    monkeypatch.setattr(slots.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(slots, "_available_gb", lambda: 22.0)
    assert slots.default_capacity() == 2                     # cores limit
    monkeypatch.setattr(slots, "_available_gb", lambda: 2.7)  # (2.7 - 1.0) / 0.8 = 2.1 -> 2
    monkeypatch.setattr(slots.os, "cpu_count", lambda: 8)
    assert slots.default_capacity() == 2                     # memory limits
    monkeypatch.setattr(slots, "_available_gb", lambda: 0.5)
    assert slots.default_capacity() == 1                     # never zero
    monkeypatch.setenv(slots.SLOTS_ENV, "3")
    assert slots.default_capacity() == 3
    monkeypatch.setenv(slots.SLOTS_ENV, "lots")
    with pytest.raises(ValueError, match="whole number"):
        slots.default_capacity()


def test_a_batch_takes_only_the_slots_that_are_free_and_unwanted():
    s = slots.Slots(3, max_queue=5)
    with slots.turn(s):                       # the batch's first slot
        assert s.grab(4) == 2 and s.status() == (3, 0)     # two more are free: three workers in all
        assert s.grab(1) == 0
        s.release(2)
        ticket = s.join()                     # somebody is waiting: a batch takes nothing from them
        assert s.grab(2) == 0
        s.leave(ticket)
    assert s.status() == (0, 0)


def test_a_full_server_says_busy_on_the_screen_page(monkeypatch):
    from apptest import _upload_step, no_errors
    full = slots.Slots(1, max_queue=0)
    monkeypatch.setattr(slots, "_shared", full)
    full._running = 1                          # one analysis running, no room to wait
    at = _upload_step("me.mp4", b"x" * 100)
    no_errors(at)
    err = "\n".join(e.value for e in at.error)
    assert "The server is busy: 1 analysis is running and 0 are waiting" in err and "Try again" in err
    assert full.status() == (1, 0)             # nothing was taken or left behind
