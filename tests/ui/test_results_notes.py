"""What the results, Progress and Compare pages say beyond the verdict (issue 19, items 7 and 10): the model
that was really used, same-day screenings told apart, the two changes judged by one rule."""
from __future__ import annotations

import socket

import pytest
from stub_pose import make_clip, stub_pose

from apptest import create_workspace, goto, no_errors, start, texts
from screening.store.db import Store
from screening.ui import state
from screening.ui.progress_page import chart
from test_app_saved import squat_result


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_full_model_offline_the_results_say_lite_was_used(tmp_path, monkeypatch):
    monkeypatch.setenv("KNEESCREEN_MODEL_DIR", str(tmp_path / "models"))            # 'full' not on this machine
    monkeypatch.setenv("KNEESCREEN_MODEL_BASE_URL", f"http://127.0.0.1:{_closed_port()}/m/")   # and offline
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    clip = make_clip(tmp_path / "clip.mp4", stub_pose(monkeypatch))
    at = start(**{state.STEP: "upload", state.TEST: "squat", state.MODEL: "full"})
    at.file_uploader(key="upload").set_value(("clip.mp4", clip.read_bytes(), "video/mp4")).run()
    at.button(key="analyse").click().run(timeout=180)
    no_errors(at)
    r = at.session_state[state.OUTPUTS].result
    assert (r.model.tier, r.model.requested_tier) == ("lite", "full")
    top = "\n".join(w.value for w in at.warning)
    assert "This result used the built-in 'lite' pose model**, not the 'full' one you chose" in top
    assert "could not be downloaded" in top
    assert any(n.code == "model_fallback" for n in r.notes)                        # and in Video quality


def test_same_day_screenings_get_their_own_place_and_time_on_the_progress_axis():
    days = ["2026-01-05T09:00:00+00:00", "2026-01-05T17:30:00+00:00", "2026-02-02T10:00:00+00:00"]
    history = [(c, v, "typical", 0.5, 3) for c, v in zip(days, (-16.9, -16.0, -14.3))]
    fig = chart(history, "mkd", "squat", None)
    assert list(fig.data[0].x) == [0, 1, 2]                                   # three places, not two
    assert list(fig.layout.xaxis.ticktext) == ["5 Jan<br>09:00", "5 Jan<br>17:30", "2 Feb"]


@pytest.fixture()
def history(tmp_path, monkeypatch):
    """A profile whose first squat has one repetition and the last two three each, two on the same day."""
    db = tmp_path / "kneescreen.sqlite3"
    monkeypatch.setenv("KNEESCREEN_DB", str(db))
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    at = start()
    ws = Store(db).open_workspace(create_workspace(at))
    profile = ws.create_profile("Alex")
    for created, peak, n in (("2026-01-05T09:00:00+00:00", 22.0, 1), ("2026-02-16T09:00:00+00:00", 21.0, 3),
                             ("2026-02-16T18:00:00+00:00", 12.0, 3)):
        r = squat_result(peak, created)
        left = r.legs["left"].rating("fppa")
        left.per_event = left.per_event[:n]
        ws.save_screening(profile.id, r)
    return at, [x.id for x in ws.screenings(profile.id)]


def test_progress_judges_both_changes_by_one_rule_and_compare_tells_the_same_day_apart(history):
    at, ids = history
    goto(at, "progress")
    no_errors(at)
    body = texts(at)
    # 22 -> 12 deg over a 1-repetition screening: judged, not "cannot be told" (published 8 deg SDD)
    assert "Since the first screening" in body and "cannot be told" not in body
    assert body.count("more than the 8 deg a re-test can vary by: a real change") == 2
    goto(at, "compare")
    at.selectbox(key="cmp_a").set_value(ids[1]).run()                                # 16 Feb, 09:00
    no_errors(at)
    before = "\n".join(m.value for m in at.container("cmp-col-0").markdown).replace("\\", "")
    after = "\n".join(m.value for m in at.container("cmp-col-1").markdown).replace("\\", "")
    assert "2026-02-16, 09:00" in before and "2026-02-16, 18:00" in after


def test_event_numbers_on_the_timeline_keep_apart():
    # 20 landings 0.4 s apart in an 11 s clip (like the star-jump clip's 13 in 30 s, only denser): numbers
    # at least 6% of the axis apart, so on a 300 px phone chart about 18 px, more than a two-digit number
    from dataclasses import replace

    from screening.engine.example import example_result
    from screening.ui.charts import timeline
    r = example_result()
    r.events = [replace(r.events[0], index=i + 1, key_s=1.0 + 0.4 * i, contact_s=None) for i in range(20)]
    span = r.series.time_s[-1] - r.series.time_s[0]
    fig = timeline(r)
    xs = [a.x for a in fig.layout.annotations if str(a.text).isdigit()]
    assert xs[0] == 1.0 and len(xs) >= 5
    assert all(b - a >= 0.06 * span - 1e-9 for a, b in zip(xs, xs[1:]))
    assert not [a for a in fig.layout.annotations if a.text == "contact"]
