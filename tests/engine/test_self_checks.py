"""Self-checks on what the model returned, on synthetic tracks: a turned person is turned upright or
refused, impossible angles are never rated, and shifts are written as a size and a direction."""
import re

import numpy as np
import pytest

from screening.engine.assess import assess
from screening.core.errors import AnalysisError
from screening.core.vocab import format_rating, format_shift
from screening.outputs.formatting import lead_rating
from screening.engine.orientation import EARLY_FRAMES, body_axis_deg, early_turn, turn_to_upright
from screening.pipeline import turned_info
from screening.engine.quality import check_capture
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.core.track import Track
from screening.engine.video import upright


def stored_turned(track: Track, quarter_turns_cw: int) -> Track:
    """The track as it would be found in a picture stored turned clockwise by 90 deg per quarter turn
    (worked by hand: turning a W x H picture clockwise sends pixel (x, y) to (H - y, x))."""
    xy, w, h = track.xy.copy(), track.width, track.height
    for _ in range(quarter_turns_cw % 4):
        xy = np.stack([h - xy[..., 1], xy[..., 0]], axis=-1)
        w, h = h, w
    return Track(t=track.t, xy=xy, vis=track.vis, width=w, height=h)


@pytest.mark.parametrize("quarters,turn", [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_a_person_stored_turned_is_turned_back_upright(quarters, turn):
    track, _ = synthetic_squat()
    turned = stored_turned(track, quarters)
    assert turn_to_upright(turned) == turn
    # the turn, applied the way the decoder applies it, stands a picture of the person upright again:
    # a marker at the head's pixel of the stored picture ends up above the feet
    img = np.zeros((turned.height, turned.width), np.uint8)
    f = 0
    head = turned.xy[f, 0].round().astype(int).clip(0, [turned.width - 1, turned.height - 1])
    foot = turned.xy[f, 27].round().astype(int).clip(0, [turned.width - 1, turned.height - 1])
    img[head[1], head[0]], img[foot[1], foot[0]] = 200, 100
    up = upright(img, turn)
    (hy, _), (fy, _) = np.argwhere(up == 200)[0], np.argwhere(up == 100)[0]
    assert hy < fy


@pytest.mark.parametrize("quarters,turn", [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_the_turn_is_told_from_the_first_frames_that_show_the_body(quarters, turn):
    """Issue 19: a clip stored turned is found out within its first frames, not after a whole pass."""
    track, _ = synthetic_squat()
    turned = stored_turned(track, quarters)
    n = EARLY_FRAMES + 3                     # 3 frames with nobody in them, then the person
    head = Track(turned.t[:n], turned.xy[:n].copy(), turned.vis[:n].copy(), turned.width, turned.height)
    head.xy[:3], head.vis[:3] = np.nan, 0.0
    assert early_turn(Track(head.t[:-1], head.xy[:-1], head.vis[:-1], head.width, head.height)) is None
    assert early_turn(head) == turn
    assert EARLY_FRAMES / track.fps < 1.0    # under a second of a 30 fps clip


def test_first_frames_that_disagree_tell_no_turn():
    track, _ = synthetic_squat()
    n = EARLY_FRAMES
    lying = stored_turned(track, 1)                    # half the first frames upright, half lying
    mixed = Track(track.t[:n], np.concatenate([track.xy[:n // 2], lying.xy[n // 2:n]]), track.vis[:n],
                  track.width, track.height)
    assert early_turn(mixed) is None


def test_body_axis_is_vertical_for_an_upright_person_and_unknown_without_one():
    track, _ = synthetic_squat()
    assert abs(body_axis_deg(track)) < 5
    empty = Track.empty(track.t, track.width, track.height)
    assert np.isnan(body_axis_deg(empty)) and turn_to_upright(empty) == 0


def test_upside_down_track_is_refused_not_rated():
    track, _ = synthetic_squat()
    flipped = stored_turned(track, 2)
    with pytest.raises(AnalysisError) as e:
        check_capture(flipped, test="squat", duration_s=float(track.t[-1]))
    assert e.value.code == "legs_implausible" and e.value.fix


def test_turned_info_swaps_the_picture_size_for_a_quarter_turn():
    from screening.engine.video import VideoInfo
    from fractions import Fraction
    info = VideoInfo("x.mp4", "h264", 1920, 1080, 0, Fraction(1, 30), np.arange(3), np.arange(1), 0.1, 30.0,
                     False, 720, 404)
    q = turned_info(info, 90)
    assert (q.rotation, q.width, q.height, q.work_width, q.work_height) == (90, 1080, 1920, 404, 720)
    h = turned_info(q, 180)
    assert (h.rotation, h.width, h.height) == (270, 1080, 1920)


@pytest.mark.parametrize("angle", [95.0, -95.0, -122.0])
def test_an_impossible_knee_angle_is_never_rated_nor_anything_measured_from_that_leg(angle):
    # shallow squat: the thigh stays in full view, so only the body points can be wrong
    track, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": angle, "right": 3.0}))
    r = assess(track, "squat")
    left = r.legs["left"]
    fppa = left.rating("fppa")
    assert fppa.value == pytest.approx(angle, abs=0.5)          # kept in the data
    assert fppa.band is None and fppa.reliability == "poor"     # never "typical", never "good"
    assert format_rating(fppa) == "n/a" and "cannot show" in fppa.reason
    # the leg's other knee measures, and the two-leg ratios, come from the same wrong points
    assert left.rating("mkd").band is None and left.band is None
    assert left.rating("kasr").band is None and left.rating("kasr").reliability == "poor"
    assert "could not be rated" in left.headline
    assert r.series.values["fppa_left_valid"][r.events[0].key_frame] == 0
    # the other leg's own measures are unaffected
    right = r.legs["right"].rating("fppa")
    assert right.band == "typical" and right.reliability == "good"


# Published 2D knee-angle group means lie between about 3 and 22 deg with SDs up to about 6 deg
# (Herrington and Munro 2010; Herrington 2014: patellofemoral-pain landings 21.7 +/- 3.6, controls'
# single-leg squats 8.4 +/- 5.1). Within 3 SD of a published group is rated; 5 SD beyond every one is not.
WITHIN_PUBLISHED = [21.7 + 3 * 5.7, 3.0 - 5 * 5.7]        # 38.8 and -25.5 deg
FAR_BEYOND = [21.7 + 5 * 5.7, 3.0 - 7 * 5.7]               # 50.2 and -36.9 deg


@pytest.mark.parametrize("angle", WITHIN_PUBLISHED + [-12.0])
def test_an_angle_near_published_ranges_is_rated(angle):
    track, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": angle, "right": 3.0}))
    fppa = assess(track, "squat").legs["left"].rating("fppa")
    assert fppa.band is not None and fppa.reliability == "good"


@pytest.mark.parametrize("angle", FAR_BEYOND)
def test_an_angle_far_beyond_published_ranges_is_not_measurable_but_the_shift_still_is(angle):
    track, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": angle, "right": 3.0}))
    left = assess(track, "squat").legs["left"]
    fppa = left.rating("fppa")
    assert fppa.band is None and fppa.reliability == "poor" and format_rating(fppa) == "n/a"
    assert "outside the range in which KneeScreen rates it" in fppa.reason
    assert left.rating("mkd").band is not None and left.key_measure == "mkd"


def test_knee_shift_outward_is_said_as_a_size_and_a_direction():
    track, _ = synthetic_squat(SquatSpec(depth=0.5, fppa_peak={"left": -25.0, "right": -25.0}))
    r = assess(track, "squat")
    for leg in r.legs.values():
        rating = lead_rating(leg)
        assert rating.key == "mkd" and rating.value < 0
        shown = format_rating(rating)
        assert shown.endswith("of leg length outward") and not shown.startswith("-")
        assert "outward" in leg.headline and not re.search(r"-\d", leg.headline)


def test_format_shift_by_hand():
    assert format_shift("mkd", -17.24) == "17.2% of leg length outward"
    assert format_shift("mkd", 6.0) == "6.0% of leg length inward"
    assert format_shift("arch", -2.0, long=False) == "2.0% outward"
    assert format_shift("mkd", None) == "n/a"


def test_separation_ratios_come_from_the_direct_view_and_angles_from_both():
    track, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": 5.0, "right": 5.0}))
    plain = assess(track, "squat")
    direct = Track(t=track.t, xy=track.xy.copy(), vis=track.vis, width=track.width, height=track.height)
    from screening.core.landmarks import LEG
    knees = [LEG["left"]["knee"], LEG["right"]["knee"]]
    ankles = [LEG["left"]["ankle"], LEG["right"]["ankle"]]
    # the direct view sees the knees 20% wider apart: knee separation x 1.2 about the knees' midpoint
    mid = direct.xy[:, knees, 0].mean(axis=1, keepdims=True)
    direct.xy[:, knees, 0] = mid + 1.2 * (direct.xy[:, knees, 0] - mid)
    track.extra["direct"] = direct
    both = assess(track, "squat")
    f = plain.events[0].key_frame

    def ratio(xy):
        return abs(xy[f, knees[0], 0] - xy[f, knees[1], 0]) / abs(xy[f, ankles[0], 0] - xy[f, ankles[1], 0])
    # by hand from the points: the ratio scales by 1.2, the angles are those of the combined view
    assert both.series.values["kasr"][f] == pytest.approx(1.2 * plain.series.values["kasr"][f], rel=0.01)
    assert plain.series.values["kasr"][f] == pytest.approx(ratio(track.xy), rel=0.02)
    assert both.series.values["fppa_left_deg"] == plain.series.values["fppa_left_deg"]


def test_crossed_knees_give_no_ratio_to_rate():
    track, _ = synthetic_squat(SquatSpec(depth=0.2, fppa_peak={"left": 5.0, "right": 5.0}))
    from screening.core.landmarks import LEG
    k = [LEG["left"]["knee"], LEG["right"]["knee"]]
    xy = track.xy.copy()
    xy[:, k, 0] = xy[:, k[::-1], 0]        # left and right knee swapped: the knees cross in the picture
    crossed = Track(t=track.t, xy=xy, vis=track.vis, width=track.width, height=track.height)
    r = assess(crossed, "squat")
    f = r.events[0].key_frame
    assert r.series.values["kasr"][f] < 0                       # signed by the hips' order
    kasr = r.legs["left"].rating("kasr")
    assert kasr.band is None and kasr.reliability == "poor"


def test_single_leg_squat_with_the_free_foot_lifted_is_not_refused():
    track, _ = synthetic_squat(SquatSpec(stance="right", depth=0.2))
    from screening.core.landmarks import LEG
    xy = track.xy.copy()
    hip, knee, ankle = (LEG["left"][p] for p in ("hip", "knee", "ankle"))
    xy[:, ankle, 1] = xy[:, knee, 1] - 5            # free (left) foot lifted behind: ankle above the knee
    lifted = Track(t=track.t, xy=xy, vis=track.vis, width=track.width, height=track.height)
    check_capture(lifted, test="single-leg-squat", duration_s=float(track.t[-1]))     # no AnalysisError
    with pytest.raises(AnalysisError):   # for a two-leg squat the same picture is not a standing person
        check_capture(lifted, test="squat", duration_s=float(track.t[-1]))


def test_a_clip_mixing_standing_and_lying_gets_no_turn():
    track, _ = synthetic_squat()
    n = len(track) // 2
    lying = stored_turned(track, 1)
    xy = np.concatenate([track.xy[:n], lying.xy[n:]])          # upright, then lying (e.g. push-ups)
    mixed = Track(t=track.t, xy=xy, vis=track.vis, width=track.width, height=track.height)
    assert np.isnan(body_axis_deg(mixed)) and turn_to_upright(mixed) == 0


def test_two_views_of_different_people_are_not_averaged():
    from screening.engine.pose import combine
    track, _ = synthetic_squat()
    one = (track.xy[0], track.vis[0])
    near = (track.xy[0] + 4.0, track.vis[0])
    far = (track.xy[0] + np.array([300.0, 0.0]), track.vis[0])   # another person beside the athlete
    assert np.allclose(combine(one, near)[0], track.xy[0] + 2.0)
    assert combine(one, far)[0] is one[0]
    assert combine(None, near)[0] is near[0] and combine(one, None)[0] is one[0]
