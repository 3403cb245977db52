"""The two pose views run side by side in threads, also while later frames are decoded, and give exactly what
running them in turn gives."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import clip
from screening.engine.pose import TwoViewPose
from screening.engine.video import decode, probe
from screening.engine.pose import load_model

pytestmark = pytest.mark.clips


def test_parallel_views_equal_views_in_turn():
    info = probe(clip("front_ohsquat_shallow_mild_05.mov"))
    frames = [(f.rgb, f.t) for k, f in zip(range(24), decode(info, threads=False))]
    model = load_model("lite").data
    runs = []
    for parallel in (False, True):
        with TwoViewPose(model, parallel=parallel) as est:
            runs.append([est.detect_views(rgb, t) for rgb, t in frames])
    with TwoViewPose(model) as est:       # all frames submitted before any is collected (decoding ahead)
        waiting = [est.submit(rgb, t) for rgb, t in frames]
        runs.append([collect() for collect in waiting])
    for other in runs[1:]:
        found = 0
        for turn, side in zip(runs[0], other):
            for a, b in zip(turn, side):
                assert (a is None) == (b is None)
                if a is not None:
                    found += 1
                    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        assert found == 2 * len(frames)       # a person in every frame, in both views
