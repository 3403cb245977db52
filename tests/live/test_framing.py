"""The framing coach on synthetic tracks whose geometry is worked out by hand.

Synthetic person (screening.engine.synthetic defaults): leg 420 px, hip-centre gap 0.42 x 420 = 176.4 px,
shoulders 1.2 x 176.4 = 211.7 px apart, torso 0.75 x 420 = 315 px, so shoulder width / torso length =
0.672 facing the camera. Ankles at y = 0.88 x 1280 = 1126.4 px, toes 0.11 x 420 = 46.2 px lower (1172.6 px),
hips at 706.4 px and shoulders at 391.4 px.
"""
from __future__ import annotations

import numpy as np
import pytest

from screening.live.framing import Advice, coach
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.core.track import Track


def standing(n: int = 15, **spec) -> Track:
    """The first half second of a synthetic squat clip (the person stands still in the first 1 s)."""
    track, _ = synthetic_squat(SquatSpec(**spec))
    return Track(track.t[:n], track.xy[:n], track.vis[:n], track.width, track.height)


def squeezed(track: Track, factor: float) -> Track:
    """The person turned away from the camera: every x shrinks toward the body's centre line."""
    xy = track.xy.copy()
    cx = track.width / 2
    xy[..., 0] = cx + (xy[..., 0] - cx) * factor
    return Track(track.t, xy, track.vis, track.width, track.height)


def test_front_view_whole_body_in_good_light_is_ready():
    a = coach(standing(), luma=120.0, people=1)
    assert a == Advice("ready") and a.ready and a.text == "Ready"


def test_dark_room_comes_first_with_the_capture_check_limit_of_40():
    assert coach(standing(), luma=39.0, people=1).code == "dark"
    assert "39 of 255" in coach(standing(), luma=39.0).detail
    assert coach(standing(), luma=40.0, people=1).ready


def test_two_people_in_view():
    a = coach(standing(), luma=120.0, people=2)
    assert (a.code, a.text) == ("people", "Only one person")


@pytest.mark.parametrize("factor,code,ratio", [(0.3, "turn", "0.20"), (0.8, "turn", "0.54"), (0.92, "ready", None)])
def test_side_and_oblique_views_ask_to_turn(factor, code, ratio):
    # ratio = 0.672 x factor: side view below 0.33, oblique below 0.58 (screening.engine.quality)
    a = coach(squeezed(standing(), factor), luma=120.0, people=1)
    assert a.code == code
    if ratio:
        assert a.text == "Turn to face the camera" and ratio in a.detail


@pytest.mark.parametrize("height,code", [(1150, "feet"), (1170, "feet"), (1180, "ready")])
def test_feet_cut_off_at_the_bottom_of_the_picture(height, code):
    t = standing()
    cropped = Track(t.t, t.xy, t.vis, t.width, height)      # toes at 1172.6 px
    a = coach(cropped, luma=120.0, people=1)
    assert a.code == code
    if code == "feet":
        assert a.text == "Step back: feet not in view"


def test_shoulders_above_the_picture():
    t = standing()
    xy = t.xy.copy()
    xy[..., 1] -= 400                                         # shoulders at -8.6 px, toes at 772.6 px
    assert coach(Track(t.t, xy, t.vis, t.width, t.height), luma=120.0).code == "body"


@pytest.mark.parametrize("roll,code", [(25.0, "level"), (-25.0, "level"), (15.0, "ready")])
def test_phone_tilted_beyond_what_the_engine_levels(roll, code):
    # the analysis levels a camera roll up to 20 deg (screening.engine.metrics.MAX_ROLL_DEG)
    a = coach(standing(roll_deg=roll), luma=120.0, people=1)
    assert a.code == code
    if code == "level":
        assert a.text == "Phone not level" and "tilted 25 deg" in a.detail


def test_nobody_in_view():
    t = standing(drop_frames=tuple(range(15)))
    assert coach(t, luma=120.0).code == "no_person"
    assert coach(Track.empty(np.array([]), 720, 1280)).code == "no_person"


def test_one_bad_frame_does_not_flip_the_advice_but_most_do():
    t = standing()
    xy = t.xy.copy()
    xy[:1, :, 1] += 200                                       # feet below the picture in 1 of 15 frames
    assert coach(Track(t.t, xy, t.vis, t.width, t.height), luma=120.0).ready
    xy[:10, :, 1] += 200                                      # ... and in 10 of 15
    assert coach(Track(t.t, xy, t.vis, t.width, t.height), luma=120.0).code == "feet"
