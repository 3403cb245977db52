"""The saved-data pages against hostile data (AppTest): damaged records, script-bearing imports, odd names."""
from __future__ import annotations

import io
import json
import sqlite3
import zipfile

import pytest

from screening.store.db import Store
from screening.ui.safe import md
from test_app import goto, no_errors, start, texts
from test_app_saved import PAGES, _two_screenings, create_workspace, db, table  # noqa: F401 - the db fixture

XSS_LABEL = '<iframe srcdoc="<script>parent.document.title=\'owned\'</script>"></iframe>'
IMG_NAME = "Sam ![pixel](http://127.0.0.1:9/track.png) [click](http://127.0.0.1:9/)"


def _all_markdown(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for kind in ("info", "warning", "error", "success") for x in getattr(at, kind)]
    parts += [str(x.label) for x in at.checkbox]
    return "\n".join(parts)


@pytest.mark.parametrize("damage", [
    ('"band": "marked"', '"band": 7'),                 # wrong type
    ('"legs": {', '"legs": [], "x": {'),               # wrong shape
    ('{', '[', ),                                      # not even an object
])
def test_every_page_survives_a_damaged_record_and_delete_still_works(db, damage):
    at = start()
    key = _two_screenings(at, db)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    bad = ws.screenings(profile.id)[0].id
    with sqlite3.connect(db) as c:
        text = c.execute("SELECT result_json FROM screenings WHERE id = ?", (bad,)).fetchone()[0]
        c.execute("UPDATE screenings SET result_json = ? WHERE id = ?", (text.replace(*damage, 1), bad))
    for url in PAGES:
        goto(at, url)
        no_errors(at)
    goto(at, "my-screenings")
    assert "damaged" in texts(at)
    assert any(b.key == "ws_del_profile" for b in at.button)       # the Delete button is drawn
    at.selectbox(key="ws_del_pick").set_value(bad).run()
    at.button(key="ws_del_one").click().run()
    no_errors(at)
    left = ws.screenings(profile.id)
    assert len(left) == 1 and left[0].id != bad and left[0].result is not None
    goto(at, "progress")
    no_errors(at)
    assert "damaged" not in texts(at)


def test_an_imported_label_and_a_name_never_become_html_or_a_fetch(db):
    at = start()
    key = _two_screenings(at, db)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    data = ws.export_profile(profile.id)
    meta = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("profile.json"))
    meta["profile"]["name"] = IMG_NAME
    for e in meta["screenings"]:
        for rating in e["result"]["legs"]["left"]["ratings"]:
            rating["label"] = XSS_LABEL
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("profile.json", json.dumps(meta))
    pid = ws.import_profile(buf.getvalue())
    at.session_state["_profile_pick"] = pid
    for url in ("my-screenings", "compare", "progress"):
        goto(at, url)
        no_errors(at)
        body = _all_markdown(at)
        assert "<iframe" not in body and "<script" not in body
        assert "![" not in body and "](http" not in body          # no image, no link can form
    goto(at, "compare")
    assert md(XSS_LABEL) in _all_markdown(at)                      # shown, as text
    goto(at, "my-screenings")
    assert md(IMG_NAME) in _all_markdown(at)


def test_safe_md_leaves_nothing_for_markdown_to_act_on():
    s = md("![x](http://a/b.png) <b>x</b> :material/home: $x^2$ *a* `c` [l](u)")
    assert "<" not in s and ">" not in s
    for ch in "![]()*`:$^":
        assert all(s[i - 1] == "\\" for i, c in enumerate(s) if c == ch)


def test_saving_off_creates_no_database_file(db, monkeypatch):
    monkeypatch.setenv("KNEESCREEN_SAVING", "off")
    at = start()
    for url in PAGES + ("", "results", "about"):
        goto(at, url)
        no_errors(at)
    at.query_params["key"] = "x" * 32          # a key link changes nothing either
    at.run()
    no_errors(at)
    assert not db.exists() and not db.parent.joinpath("media").exists()


def test_an_unclear_saving_setting_stops_the_app_with_a_sentence(monkeypatch):
    monkeypatch.setenv("KNEESCREEN_SAVING", "perhaps")
    at = start()
    no_errors(at)
    assert "must be 'on' or 'off'" in "\n".join(e.value for e in at.error)
    assert not at.button                         # nothing else was drawn


def test_a_workshop_left_running_shows_interrupted_rows(db):
    at = start()
    ws = Store(db).open_workspace(create_workspace(at))
    sess = ws.create_session("Club", "leader-42")
    alex = ws.add_participant(sess.id, "Alex")
    ws.add_participant(sess.id, "Sam")
    ws.record_participant_result(sess.id, alex.id, None, "running")   # the server was killed mid-batch
    goto(at, "workshop")
    at.text_input(key="wk_pass_open").input("leader-42").run()
    at.button(key="wk_open").click().run()
    no_errors(at)
    rows = table(at, "Participant")
    assert list(rows["Status"]) == ["interrupted", "no clip yet"]
    assert "Upload this clip again" in "\n".join(w.value for w in at.warning)
    assert [p.status for p in ws.participants(sess.id)] == ["interrupted", "pending"]


def test_the_passcode_says_what_it_protects(db):
    at = start()
    create_workspace(at)
    goto(at, "workshop")
    assert "It does not hide results" in texts(at)


def test_about_and_the_key_box_say_what_is_true(db):
    at = start()
    goto(at, "about")
    body = texts(at)
    assert "plain text in a SQLite database file" in body and "whoever runs the server" in body
    create = start()
    goto(create, "my-screenings")
    create.button(key="ws_create").click().run()
    key_box = "\n".join(w.value for w in create.warning)
    assert "not even by the server's owner" not in key_box and "whoever runs it can read them" in key_box
