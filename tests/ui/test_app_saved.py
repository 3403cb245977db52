"""Saved screenings in the app (AppTest): workspaces, saving a result, isolation, progress, compare, workshop."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from screening.engine.assess import assess
from screening.store.db import Store
from screening.engine.synthetic import SquatSpec, synthetic_squat
from screening.ui import state
from conftest import clip
from test_app import APP, CLIP, goto, no_errors, start, texts
from apptest import create_workspace  # noqa: F401

PAGES = ("my-screenings", "progress", "compare", "workshop")


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch):
    """Every test gets its own database; saving is on unless a test turns it off."""
    path = tmp_path / "kneescreen.sqlite3"
    monkeypatch.setenv("KNEESCREEN_DB", str(path))
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    return path


def png() -> bytes:
    import cv2
    import numpy as np
    img = np.full((120, 80, 3), 200, np.uint8)
    cv2.line(img, (40, 10), (30, 110), (0, 0, 200), 3)
    return cv2.imencode(".png", img)[1].tobytes()


def squat_result(left_peak: float, created: str):
    track, _ = synthetic_squat(SquatSpec(fppa_peak={"left": left_peak, "right": 5.0}, noise_px=0.6, seed=3))
    r = assess(track, "squat", sex="female")
    r.created = created
    return r


def outputs(left_peak: float = 22.0, created: str = "2026-01-05T10:00:00+00:00") -> state.Outputs:
    """A real-looking analysis as screen.analyse leaves it in the session (not the example)."""
    return state.Outputs(result=squat_result(left_peak, created), video=b"\x00\x00\x00\x18ftypmp42 fake",
                         keyframes=[("Rep 1", png()), ("Rep 2", png())], source_name="me.mp4")


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def table(at: AppTest, column: str):
    """The first st.dataframe on the page with this column, as a pandas DataFrame."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def new_profile(at: AppTest, name: str) -> None:
    goto(at, "my-screenings")
    at.text_input(key="ws_new_name").input(name).run()
    at.button(key="ws_new_profile").click().run()
    no_errors(at)


def test_every_new_page_renders_without_a_workspace():
    at = start()
    for url in PAGES:
        goto(at, url)
        no_errors(at)
        assert at.title
        if url != "my-screenings":
            assert "Open yours (or create one) first" in texts(at)
    goto(at, "my-screenings")
    assert has_button(at, "ws_create") and has_button(at, "ws_open")


def test_every_new_page_renders_with_a_workspace_and_a_profile():
    at = start()
    create_workspace(at)
    for url in PAGES:           # no profile yet
        goto(at, url)
        no_errors(at)
    new_profile(at, "Alex")
    for url in PAGES:
        goto(at, url)
        no_errors(at)
        assert "Open yours (or create one) first" not in texts(at)


def test_save_a_result_from_the_results_page(db):
    at = start(**{state.OUTPUTS: outputs()})
    goto(at, "results")
    no_errors(at)
    assert "open your private workspace" in texts(at) and not has_button(at, "save_btn")
    key = create_workspace(at)
    goto(at, "results")
    assert at.checkbox(key="save_video").value is False       # the video only when ticked
    at.selectbox(key="save_profile").set_value("__new__").run()
    at.text_input(key="save_new_name").input("Alex").run()
    assert not Store(db).open_workspace(key).profiles()        # nothing saved before the click
    at.button(key="save_btn").click().run()
    no_errors(at)
    assert "Saved under **Alex**" in "\n".join(s.value for s in at.success)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    (saved,) = ws.screenings(profile.id)
    assert profile.name == "Alex" and saved.video is None and len(saved.keyframes) == 2
    assert saved.result.legs["left"].band == "marked"
    goto(at, "my-screenings")
    no_errors(at)
    rows = table(at, "Left key number")
    assert len(rows) == 1 and list(rows["Left"]) == ["Marked"] and list(rows["Video kept"]) == ["no"]


def test_the_example_result_has_no_save_panel():
    at = start()
    create_workspace(at)
    at.session_state[state.STEP] = "home"
    goto(at, "")
    at.button(key="example").click().run()
    no_errors(at)
    assert not has_button(at, "save_btn") and "Save this screening" not in texts(at)


def test_two_sessions_with_two_workspaces_do_not_see_each_other(db):
    one, two = start(), start()
    key_one, key_two = create_workspace(one), create_workspace(two)
    assert key_one != key_two
    new_profile(one, "Alex")
    new_profile(two, "Sam")
    for at, mine, theirs in ((one, "Alex", "Sam"), (two, "Sam", "Alex")):
        goto(at, "my-screenings")
        assert at.selectbox(key="ws_profile").options == [mine]
        for url in ("progress", "compare"):
            goto(at, url)
            assert theirs not in texts(at)
    assert [p.name for p in Store(db).open_workspace(key_one).profiles()] == ["Alex"]
    # a wrong key: a sentence, not a traceback
    three = start()
    goto(three, "my-screenings")
    three.text_input(key="ws_key_input").input(key_one[:-3] + "xyz").run()
    three.button(key="ws_open").click().run()
    no_errors(three)
    assert "No workspace has this key" in "\n".join(e.value for e in three.error)
    # the right key in a third session opens only that workspace
    three.text_input(key="ws_key_input").input(key_two).run()
    three.button(key="ws_open").click().run()
    assert three.selectbox(key="ws_profile").options == ["Sam"]


def test_key_link_opens_the_workspace_and_leaves_the_address_bar():
    key = create_workspace(start())
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["key"] = key
    at.run()
    no_errors(at)
    assert "key" not in at.query_params
    assert at.session_state[state.WORKSPACE] is not None
    assert "Your workspace is open" in texts(at)
    bad = AppTest.from_file(APP, default_timeout=60)
    bad.query_params["key"] = "not-a-key"
    bad.run()
    no_errors(bad)
    assert "key" not in bad.query_params and "No workspace has this key" in texts(bad)


def test_saving_off_hides_every_save_control(monkeypatch):
    monkeypatch.setenv("KNEESCREEN_SAVING", "off")
    at = start(**{state.OUTPUTS: outputs()})
    for url in PAGES:
        goto(at, url)
        no_errors(at)
        assert "Saving is turned off on this server" in texts(at)
        assert not [b for b in at.button if b.key and b.key.startswith(("ws_", "wk_"))]
    goto(at, "results")
    no_errors(at)
    assert "Saving is turned off on this server" in texts(at) and not has_button(at, "save_btn")


def _two_screenings(at: AppTest, db) -> str:
    """A workspace made through the UI, with a profile 'Alex' of two squats (FPPA 22 then 12); its key."""
    key = create_workspace(at)
    ws = Store(db).open_workspace(key)
    profile = ws.create_profile("Alex")
    for i, (peak, created) in enumerate(((22.0, "2026-01-05T10:00:00+00:00"), (12.0, "2026-02-16T10:00:00+00:00"))):
        still = db.parent / f"still{i}.png"
        still.write_bytes(png())
        ws.save_screening(profile.id, squat_result(peak, created), keyframes=[("Rep 1", still)])
    return key


def test_progress_shows_the_chart_and_the_sdd_sentence(db):
    at = start()
    _two_screenings(at, db)
    goto(at, "progress")
    no_errors(at)
    assert at.selectbox(key="prog_measure").value == "fppa" and at.selectbox(key="prog_leg").value == "left"
    assert len(at.get("plotly_chart")) == 1
    body = texts(at)
    assert "Your left knee angle fell from 22 to 12 deg, more than the 8 deg a re-test can vary by" in body
    assert "published smallest detectable difference" in body and "Munro" in body
    assert "typical up to" in body            # the shaded range is named from the norms
    at.selectbox(key="prog_leg").set_value("right").run()
    no_errors(at)
    assert "right knee angle" in texts(at) and "no clear change" in texts(at)


def test_compare_shows_both_columns(db):
    at = start()
    _two_screenings(at, db)
    goto(at, "compare")
    no_errors(at)
    before = "\n".join(m.value for m in at.container("cmp-col-0").markdown).replace("\\", "")   # Markdown escapes
    after = "\n".join(m.value for m in at.container("cmp-col-1").markdown).replace("\\", "")
    assert "2026-01-05" in before and "MARKED" in before
    assert "2026-02-16" in after and "TYPICAL" in after
    assert len(at.get("image")) >= 2
    assert "a real change" in texts(at)
    rows = next(m.value for m in at.container("cmp-table").markdown).split("<tr>")
    assert all(f"<th>{h}</th>" in rows[1] for h in ("Measure", "Before", "After", "Change"))
    angle = next(r for r in rows if r.startswith("<td>Knee angle") and "left leg" in r).split("<td")
    assert "Marked" in angle[2] and "Typical" in angle[3] and "a real change" in angle[4]


def test_workshop_session_and_participants(db):
    at = start()
    key = create_workspace(at)
    goto(at, "workshop")
    at.text_input(key="wk_title").input("U16 girls").run()
    at.text_input(key="wk_pass").input("abc").run()
    at.button(key="wk_create").click().run()
    assert "at least 4 characters" in "\n".join(e.value for e in at.error)
    at.text_input(key="wk_pass").input("leader-42").run()
    at.button(key="wk_create").click().run()
    no_errors(at)
    assert "U16 girls" in texts(at)
    at.text_area(key="wk_names").input("Alex\nSam\n\nP07\nalex").run()
    at.button(key="wk_add").click().run()
    no_errors(at)
    ws = Store(db).open_workspace(key)
    (sess,) = ws.sessions()
    assert [p.name for p in ws.participants(sess.id)] == ["Alex", "Sam", "P07"]
    assert "Added 3 participants" in texts(at) and "not added again: alex" in texts(at)
    assert list(table(at, "Participant")["Participant"]) == ["Alex", "Sam", "P07"]
    # clips are matched to participants by file name
    at.file_uploader(key="wk_clips_0").set_value([("sam_squat.mp4", b"x" * 10, "video/mp4"),
                                                  ("IMG_0001.mov", b"y" * 10, "video/quicktime")]).run()
    no_errors(at)
    assign = [s for s in at.selectbox if s.key and s.key.startswith("wk_assign_")]
    assert [s.value for s in assign] == [ws.participants(sess.id)[1].id, "__none__"]
    assert at.button(key="wk_run").disabled
    # reopen with the passcode (a wrong one is refused)
    at.button(key="wk_close").click().run()
    at.text_input(key="wk_pass_open").input("wrong").run()
    at.button(key="wk_open").click().run()
    assert "Wrong leader passcode" in "\n".join(e.value for e in at.error)
    at.text_input(key="wk_pass_open").input("leader-42").run()
    at.button(key="wk_open").click().run()
    no_errors(at)
    assert list(table(at, "Participant")["Status"]) == ["no clip yet"] * 3


def test_clip_file_names_match_participants():
    from screening.ui.workshop_run import match
    names = {"a": "Sam", "b": "Samantha", "c": "P07"}
    assert match("samantha-squat.MP4", names) == "b"
    assert match("Sam.mov", names) == "a"
    assert match("p07.mp4", names) == "c" and match("IMG_1.mp4", names) is None


@pytest.mark.clips
def test_workshop_batch_of_one_real_clip(db):
    real = clip(CLIP)
    pytest.importorskip("screening.pipeline")
    at = start()
    key = create_workspace(at)
    goto(at, "workshop")
    at.text_input(key="wk_title").input("Test group").run()
    at.text_input(key="wk_pass").input("leader-42").run()
    at.button(key="wk_create").click().run()
    at.text_area(key="wk_names").input("Kneeswell").run()
    at.button(key="wk_add").click().run()
    at.file_uploader(key="wk_clips_0").set_value([("kneeswell.mp4", real.read_bytes(), "video/mp4")]).run()
    at.checkbox(key="wk_draw").uncheck().run()         # no video drawing: the fastest batch
    at.button(key="wk_run").click().run(timeout=180)
    no_errors(at)
    ws = Store(db).open_workspace(key)
    (sess,) = ws.sessions()
    (row,) = ws.session_table(sess.id)
    assert row["status"] == "ok", row
    assert ws.screenings(ws.participants(sess.id)[0].profile_id)
    rows = table(at, "Participant")
    assert list(rows["Status"]) == ["done"] and rows["Left"][0]
    assert "1 of 1 clips analysed" in texts(at)


def test_delete_a_screening_then_the_profile_with_confirmation(db):
    at = start()
    ws = Store(db).open_workspace(_two_screenings(at, db))
    opened = at.session_state[state.WORKSPACE]
    (profile,) = ws.profiles()
    goto(at, "my-screenings")
    assert len(table(at, "Left key number")) == 2
    at.button(key="ws_del_one").click().run()            # the newest is chosen first
    no_errors(at)
    assert [s.created[:10] for s in ws.screenings(profile.id)] == ["2026-01-05"]
    assert at.button(key="ws_del_profile").disabled        # not before the confirmation is ticked
    at.checkbox(key=f"ws_del_sure_{profile.id}").check().run()
    at.button(key="ws_del_profile").click().run()
    no_errors(at)
    assert ws.profiles() == [] and opened is at.session_state[state.WORKSPACE]
    assert not list((db.parent / "media" / ws.id).glob("*/still_*"))     # the stills went too
    assert "Deleted the profile Alex" in texts(at)


def test_import_a_profile_zip_through_the_page(db):
    at = start()
    ws = Store(db).open_workspace(_two_screenings(at, db))
    (profile,) = ws.profiles()
    data = ws.export_profile(profile.id, include_videos=True)
    goto(at, "my-screenings")
    at.file_uploader(key="ws_import_file").set_value(("alex.zip", data, "application/zip")).run()
    at.button(key="ws_import").click().run()
    no_errors(at)
    assert [p.name for p in ws.profiles()] == ["Alex", "Alex"]
    assert "Imported the profile Alex" in texts(at)
    at.file_uploader(key="ws_import_file").set_value(("junk.zip", b"not a zip", "application/zip")).run()
    at.button(key="ws_import").click().run()
    no_errors(at)
    assert "not a KneeScreen profile export" in "\n".join(e.value for e in at.error)
