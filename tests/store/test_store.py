"""Saved screenings: exact round trip, migrations keep data, workspaces isolated, delete, export/import."""
from __future__ import annotations

import copy
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from screening.engine.example import example_result
from screening.engine.verdict import decide
from screening.core.result import Note, Result
from screening.store.db import (LATEST_VERSION, SAVING_OFF, Store, StoreError, default_db_path, key_hash, migrate,
                             saving_enabled)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    return Store(tmp_path / "data" / "kneescreen.sqlite3")


@pytest.fixture(scope="module")
def results():
    """The example Result and a modified copy (later date, other numbers, an extra note)."""
    a = example_result()
    a.created = "2026-01-10T09:00:00+00:00"
    b = copy.deepcopy(a)
    b.created = "2026-03-02T09:00:00+00:00"
    b.legs["left"].ratings[0].value, b.legs["left"].ratings[0].band = 11.25, "typical"
    decide(b.legs["left"], b.test)          # the leg's verdict follows, as the engine would decide it
    b.notes.append(Note("lighting", "warning", "The clip is dark.", "Film in daylight."))
    return a, b


def media(tmp_path: Path) -> tuple[Path, list[tuple[str, Path]]]:
    video = tmp_path / "annotated.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 fake video bytes")
    stills = []
    for i, label in enumerate(("Deepest point", "Start"), 1):
        p = tmp_path / f"k{i}.png"
        Image.new("RGB", (32, 24), (40 * i, 0, 0)).save(p)      # a real (tiny) still: imports check them
        stills.append((label, p))
    return video, stills


def test_default_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KNEESCREEN_DB", str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("KNEESCREEN_DB")
    assert default_db_path().name == "kneescreen.sqlite3" and "kneescreen" in str(default_db_path().parent)


def test_results_round_trip_exactly(store, results, tmp_path):
    a, b = results
    wid, key = store.create_workspace()
    assert len(key) == 32 and key not in store.path.read_bytes().decode("latin-1")
    ws = store.open_workspace(key)
    assert ws.id == wid
    prof = ws.create_profile("  Sam   Jones ")
    assert prof.name == "Sam Jones"
    video, stills = media(tmp_path)
    sid_b = ws.save_screening(prof.id, b, note="after 6 weeks")
    sid_a = ws.save_screening(prof.id, a, video_path=video, keyframes=stills)
    got_a, got_b = ws.get_screening(sid_a), ws.get_screening(sid_b)
    assert got_a.result == a and got_b.result == b and got_a.result != got_b.result
    assert got_a.video.read_bytes() == video.read_bytes() and got_b.video is None
    assert [label for label, _ in got_a.keyframes] == ["Deepest point", "Start"]
    assert got_a.keyframes[0][1].read_bytes() == stills[0][1].read_bytes()
    assert got_a.video.resolve().is_relative_to(ws.media_dir.resolve())
    assert got_b.note == "after 6 weeks" and got_a.profile_id == prof.id
    assert [s.id for s in ws.screenings(prof.id)] == [sid_a, sid_b]           # ordered by date
    assert ws.screenings(prof.id, test="drop-jump") == []
    ws.rename_profile(prof.id, "Sam J")
    assert [p.name for p in ws.profiles()] == ["Sam J"]
    ws.delete_screening(sid_a)
    assert not got_a.video.exists() and [s.id for s in ws.screenings(prof.id)] == [sid_b]


def test_a_version_1_database_migrates_and_keeps_its_data(tmp_path, results):
    a, _ = results
    path, key = tmp_path / "old.sqlite3", "k" * 32
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    assert "note" not in [r[1] for r in conn.execute("PRAGMA table_info(screenings)")]
    conn.execute("INSERT INTO workspaces VALUES ('w1', ?, '2025-01-01T00:00:00+00:00')", (key_hash(key),))
    conn.execute("INSERT INTO profiles VALUES ('p1', 'w1', 'Old athlete', '2025-01-01T00:00:00+00:00')")
    conn.execute("INSERT INTO screenings (id, workspace_id, profile_id, created, test, result_json) VALUES "
                 "('s1', 'w1', 'p1', ?, 'squat', ?)", (a.created, a.to_json()))
    conn.close()
    store = Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION == 3
    conn.close()
    ws = store.open_workspace(key)
    assert [p.name for p in ws.profiles()] == ["Old athlete"]
    old = ws.get_screening("s1")
    assert old.result == a and old.note == "" and old.video is None
    ws.save_screening("p1", a, note="new column works")
    assert [s.note for s in ws.screenings("p1")] == ["", "new column works"]


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_two_workspaces_never_see_each_others_records(store, results, tmp_path):
    a_res, b_res = results
    _, key_a = store.create_workspace()
    _, key_b = store.create_workspace()
    A, B = store.open_workspace(key_a), store.open_workspace(key_b)
    pa, pb = A.create_profile("Alice"), B.create_profile("Bob")
    video, stills = media(tmp_path)
    sa = A.save_screening(pa.id, a_res, video_path=video, keyframes=stills)
    sb = B.save_screening(pb.id, b_res)
    sess = A.create_session("Tuesday team", "lead-1234")
    part = A.add_participant(sess.id, "P01")
    # by id
    for attempt in (lambda: B.get_screening(sa), lambda: B.delete_screening(sa), lambda: B.screenings(pa.id),
                    lambda: B.export_profile(pa.id, True), lambda: B.delete_profile(pa.id),
                    lambda: B.rename_profile(pa.id, "x"), lambda: B.save_screening(pa.id, b_res),
                    lambda: B.open_session(sess.id, "lead-1234"), lambda: B.participants(sess.id),
                    lambda: B.add_participant(sess.id, "intruder"),
                    lambda: B.record_participant_result(sess.id, part.id, None, "ok"),
                    lambda: A.record_participant_result(sess.id, part.id, sb, "ok")):
        with pytest.raises(StoreError, match="No such"):
            attempt()
    assert A.get_screening(sa).result == a_res and [p.name for p in A.profiles()] == ["Alice", "P01"]
    assert [p.name for p in B.profiles()] == ["Bob"] and B.sessions() == []
    # by guessed or wrong key
    for guess in ("", "   ", key_a[:-1], key_a[:-1] + ("A" if key_a[-1] != "A" else "B"), key_b + "x", "0" * 32):
        with pytest.raises(StoreError, match="No workspace has this key"):
            store.open_workspace(guess)
    # by path: a record of B pointing at A's media is not opened through B
    a_video = A.get_screening(sa).video
    assert a_video.resolve().is_relative_to(A.media_dir.resolve())
    assert not a_video.resolve().is_relative_to(B.media_dir.resolve())
    conn = sqlite3.connect(store.path)
    conn.execute("UPDATE screenings SET video = ? WHERE id = ?", (f"../{A.id}/{sa}/video.mp4", sb))
    conn.commit()
    conn.close()
    damaged = B.get_screening(sb)          # shown as damaged (so it can still be deleted), the file not opened
    assert damaged.result is None and damaged.video is None and "outside this workspace" in damaged.damaged
    B.delete_screening(sb)
    assert A.get_screening(sa).video == a_video and a_video.is_file()     # A's file untouched


def test_import_refuses_path_traversal_and_invalid_content(store, results, tmp_path):
    ws = store.open_workspace(store.create_workspace()[1])
    good = {"format": "kneescreen-profile", "version": 1, "profile": {"name": "X", "created": ""},
            "screenings": [{"created": "", "note": "", "result": results[0].to_dict(), "video": None,
                            "keyframes": []}]}

    def zipped(entries: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in entries.items():
                z.writestr(name, data)
        return buf.getvalue()

    profile_json = json.dumps(good).encode()
    for evil in ("../evil.txt", "media/1/../../../evil.mp4", "/etc/evil", "media/1/video.mp4/../../x"):
        with pytest.raises(StoreError, match="unexpected entries"):
            ws.import_profile(zipped({"profile.json": profile_json, evil: b"owned"}))
    bad = copy.deepcopy(good)
    del bad["screenings"][0]["result"]["legs"]
    bad["screenings"][0]["result"]["video"] = "not a video record"
    with pytest.raises(StoreError, match="not a valid KneeScreen export"):
        ws.import_profile(zipped({"profile.json": json.dumps(bad).encode()}))
    with pytest.raises(StoreError, match="not a zip"):
        ws.import_profile(b"plain text")
    assert ws.profiles() == [] and not (tmp_path / "evil.txt").exists()
    assert not any(p.name.startswith("evil") for p in tmp_path.rglob("*"))
    assert ws.get_screening(ws.screenings(ws.import_profile(zipped({"profile.json": profile_json})))[0].id
                            ).result == results[0]


def test_delete_profile_removes_rows_and_files(store, results, tmp_path):
    ws = store.open_workspace(store.create_workspace()[1])
    keep, gone = ws.create_profile("Keep"), ws.create_profile("Gone")
    video, stills = media(tmp_path)
    kept = ws.save_screening(keep.id, results[0], video_path=video)
    ids = [ws.save_screening(gone.id, r, video_path=video, keyframes=stills) for r in results]
    files = [ws.get_screening(i).video for i in ids] + [p for i in ids for _, p in ws.get_screening(i).keyframes]
    assert all(f.exists() for f in files)
    ws.delete_profile(gone.id)
    assert not any(f.exists() for f in files) and not any((ws.media_dir / i).exists() for i in ids)
    assert [p.name for p in ws.profiles()] == ["Keep"] and ws.get_screening(kept).video.exists()
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM screenings WHERE profile_id = ?", (gone.id,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM profiles WHERE id = ?", (gone.id,)).fetchone()[0] == 0
    conn.close()
    with pytest.raises(StoreError):
        ws.get_screening(ids[0])


def test_saving_off_refuses_every_write(store, results, monkeypatch, tmp_path):
    ws = store.open_workspace(store.create_workspace()[1])
    prof = ws.create_profile("Before")
    sid = ws.save_screening(prof.id, results[0])
    exported = ws.export_profile(prof.id, include_videos=False)
    sess = ws.create_session("Demo", "1234")
    monkeypatch.setenv("KNEESCREEN_SAVING", "off")
    assert not saving_enabled()
    for write in (store.create_workspace, lambda: ws.create_profile("x"),
                  lambda: ws.save_screening(prof.id, results[1]), lambda: ws.rename_profile(prof.id, "y"),
                  lambda: ws.delete_screening(sid),
                  lambda: ws.delete_profile(prof.id), lambda: ws.import_profile(exported),
                  lambda: ws.create_session("s", "12345"), lambda: ws.add_participant(sess.id, "P1")):
        with pytest.raises(StoreError, match=SAVING_OFF):
            write()
    assert ws.get_screening(sid).result == results[0] and len(ws.profiles()) == 1   # reads still work


def test_workshop_session_passcode_participants_and_table(store, results):
    ws = store.open_workspace(store.create_workspace()[1])
    sess = ws.create_session("Club screening", "correct horse")
    assert ws.open_session(sess.id, "correct horse").title == "Club screening"
    for wrong in ("wrong", "", "correct horse "):
        with pytest.raises(StoreError, match="Wrong leader passcode"):
            ws.open_session(sess.id, wrong)
    with pytest.raises(StoreError, match="at least 4"):
        ws.create_session("x", "123")
    conn = sqlite3.connect(store.path)
    assert b"correct horse" not in b"".join(bytes(r[0]) for r in conn.execute("SELECT pass_hash FROM sessions"))
    conn.close()
    p1, p2 = ws.add_participant(sess.id, "Ana"), ws.add_participant(sess.id, "Code-07")
    sid = ws.save_screening(p1.profile_id, results[0])
    ws.record_participant_result(sess.id, p1.id, sid, "ok", "")
    ws.record_participant_result(sess.id, p2.id, None, "failed", "No repetition was found.")
    with pytest.raises(StoreError, match="Status"):
        ws.record_participant_result(sess.id, p2.id, None, "done")
    assert [(p.name, p.status) for p in ws.participants(sess.id)] == [("Ana", "ok"), ("Code-07", "failed")]
    table = ws.session_table(sess.id)
    assert table[0]["left_band"] == "Marked" and table[0]["right_band"] == "Typical"
    assert table[0]["left_value"] == "24°" and table[0]["test"] == "Squat"
    assert table[1]["status"] == "failed" and table[1]["left_band"] == "" and "repetition" in table[1]["message"]


def test_export_import_round_trip_keeps_screenings_equal(store, results, tmp_path):
    A = store.open_workspace(store.create_workspace()[1])
    B = store.open_workspace(store.create_workspace()[1])
    prof = A.create_profile("Travelling athlete")
    video, stills = media(tmp_path)
    A.save_screening(prof.id, results[0], video_path=video, keyframes=stills, note="baseline")
    A.save_screening(prof.id, results[1])
    data = A.export_profile(prof.id, include_videos=True)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "profile.json" in names and "media/1/video.mp4" in names and "media/1/still_1.png" in names
    assert zipfile.ZipFile(io.BytesIO(A.export_profile(prof.id, include_videos=False))).namelist() == ["profile.json"]
    new_id = B.import_profile(data)
    assert B.profile(new_id).name == "Travelling athlete" and A.profiles()[0].id != new_id
    before, after = A.screenings(prof.id), B.screenings(new_id)
    assert [s.result for s in after] == [s.result for s in before] == list(results)
    assert [s.note for s in after] == ["baseline", ""]
    assert after[0].video.read_bytes() == video.read_bytes()
    assert after[0].video.resolve().is_relative_to(B.media_dir.resolve())
    assert [label for label, _ in after[0].keyframes] == ["Deepest point", "Start"]
    assert isinstance(after[0].result, Result)
