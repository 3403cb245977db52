"""core.timing.Stopwatch: stage seconds add up by name, also when the stage raises."""
from __future__ import annotations

import itertools

import pytest

from screening.core import timing
from screening.core.timing import Stopwatch


def test_stages_add_up_by_name_on_a_fake_clock(monkeypatch):
    clock = iter([10.0, 10.5, 11.0, 13.0, 20.0, 20.25])     # start, end of each block in turn
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    watch = Stopwatch()
    with watch("pose"):
        pass                                             # 0.5 s
    with watch("video"):
        pass                                             # 2.0 s
    with watch("pose"):
        pass                                             # 0.25 s more
    assert watch.seconds == {"pose_s": 0.75, "video_s": 2.0}
    assert watch.total("pose") == 0.75 and watch.total("never") == 0.0


def test_a_stage_that_raises_is_still_timed(monkeypatch):
    clock = itertools.count(0.0, 1.5)
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    watch = Stopwatch()
    with pytest.raises(ValueError), watch("probe"):
        raise ValueError("unreadable")
    assert watch.seconds == {"probe_s": 1.5}
