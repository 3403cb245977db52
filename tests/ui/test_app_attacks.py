"""Second attack review (issue 22), the pages: stored records an import or an older version let in (invalid
Unicode, Markdown in a tier or a still label, odd dates, a still that is not a picture) never crash a page,
never render as Markdown, and Delete is always drawn and works."""
from __future__ import annotations

import json
import sqlite3

import pytest

from screening.store.db import Store
from screening.ui.safe import md
from test_app import goto, no_errors, start, texts
from test_app_hardening import _all_markdown
from test_app_saved import PAGES, _two_screenings, db  # noqa: F401 - the db fixture

TRAP = "![t](http://127.0.0.1:9/x.png)"


def _poison(db, sid: str, *, result=None, keyframes=None, created=None, note=None) -> None:
    """Change a stored record in place, as a hostile import of an older version or a hand edit would have."""
    with sqlite3.connect(db) as c:
        text, frames = c.execute("SELECT result_json, keyframes FROM screenings WHERE id = ?", (sid,)).fetchone()
        data, frames = json.loads(text), json.loads(frames)
        if result:
            result(data)
        if keyframes:
            keyframes(frames)
        c.execute("UPDATE screenings SET result_json = ?, keyframes = ? WHERE id = ?",
                  (json.dumps(data), json.dumps(frames), sid))          # ensure_ascii: "\ud800" stays an escape
        if created is not None:
            c.execute("UPDATE screenings SET created = ? WHERE id = ?", (created, sid))
        if note is not None:
            c.execute("UPDATE screenings SET note = ? WHERE id = ?", (note, sid))


def _set(path, value):
    def change(data):
        node = data
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return change


def _visit_all(at) -> str:
    body = []
    for url in PAGES:
        goto(at, url)
        no_errors(at)
        body.append(_all_markdown(at))
    return "\n".join(body)


@pytest.mark.parametrize("poison", [
    dict(result=_set(("legs", "left", "ratings", 0, "label"), "Knee \ud800")),
    dict(result=_set(("model", "tier"), "lite \ud800")),
    dict(keyframes=lambda f: f[0].__setitem__(0, "Rep \ud800")),
    dict(result=_set(("model", "tier"), TRAP)),
])
def test_a_poisoned_record_never_crashes_a_page_and_can_be_deleted(db, poison):
    at = start()
    key = _two_screenings(at, db)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    bad = ws.screenings(profile.id)[0].id
    _poison(db, bad, **poison)
    body = _visit_all(at)
    assert "](http" not in body and "\ud800" not in body
    goto(at, "my-screenings")
    assert any(b.key == "ws_del_profile" for b in at.button)             # Delete is drawn
    at.selectbox(key="ws_del_pick").set_value(bad).run()
    at.button(key="ws_del_one").click().run()
    no_errors(at)
    assert [s.id for s in ws.screenings(profile.id)] != [] and bad not in [s.id for s in ws.screenings(profile.id)]
    goto(at, "my-screenings")
    at.checkbox(key=f"ws_del_sure_{profile.id}").check().run()
    at.button(key="ws_del_profile").click().run()
    no_errors(at)
    assert ws.profiles() == []


def test_markdown_in_a_still_label_stays_text_and_a_fake_still_is_not_shown(db):
    at = start()
    key = _two_screenings(at, db)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    first, second = ws.screenings(profile.id)
    _poison(db, first.id, keyframes=lambda f: f[0].__setitem__(0, TRAP))
    second.keyframes[0][1].write_bytes(b"<html><script>alert(1)</script></html>")     # a still that is not one
    goto(at, "compare")
    no_errors(at)
    body = _all_markdown(at) + "\n" + "\n".join(str(getattr(i, "caption", "")) for i in at.get("imgs"))
    assert "](http" not in body.replace(md(TRAP), "")
    assert "cannot be shown (damaged or not a picture)" in texts(at)


@pytest.mark.parametrize("dates", [("0001-01-01", "2026-02-16T10:00:00+00:00"),
                                   ("2026-01-05T10:00:00+00:00", "9999-12-31T23:59:59-23:59"),
                                   ("2026-01-05T10:00:00", "2026-02-16T10:00:00+00:00"),
                                   (TRAP, "2026-02-16T10:00:00+00:00")])
def test_progress_and_compare_survive_any_stored_date(db, dates):
    """Progress crashed on 0001-01-01 beside dates with a zone (TypeError) and on 9999-12-31T23:59:59-23:59
    (OverflowError); an unparsable date was shown as Markdown in "Last change"."""
    at = start()
    key = _two_screenings(at, db)
    ws = Store(db).open_workspace(key)
    (profile,) = ws.profiles()
    for s, created in zip(ws.screenings(profile.id), dates):
        _poison(db, s.id, created=created)
    body = _visit_all(at)
    assert "](http" not in body
    goto(at, "progress")
    assert len(at.get("plotly_chart")) == 1


def test_an_export_too_large_for_a_download_says_so(db, monkeypatch):
    from screening.ui import workspace
    at = start()
    _two_screenings(at, db)
    goto(at, "my-screenings")
    assert at.get("download_button")                                   # small: offered
    monkeypatch.setattr(workspace, "MAX_DOWNLOAD_BYTES", 10)           # the stills alone are larger
    at.checkbox(key="ws_exp_videos").check().run()
    no_errors(at)
    assert "offers up to" in "\n".join(w.value for w in at.warning)
    assert not [b for b in at.get("download_button") if "ws_export" in str(getattr(b, "proto", ""))]
