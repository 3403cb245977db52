"""Attacks on the store, each refused: tampered and corrupt zips, zip bombs, damaged records, locks, files."""
from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import threading
import time
import zipfile

import pytest

import screening.store.db as store_mod
from screening.engine.example import example_result
from screening.store.db import BUSY, SAVING_OFF, Store, StoreError, saving_enabled
from screening.store.base import OLD_SCRYPT_N, SCRYPT_N, _passcode_hash


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    return Store(tmp_path / "data" / "kneescreen.sqlite3")


@pytest.fixture
def ws(store):
    return store.open_workspace(store.create_workspace()[1])


def export(entries: list[dict] | None = None, name: str = "Athlete") -> dict:
    result = example_result().to_dict()
    return {"format": "kneescreen-profile", "version": 1, "profile": {"name": name, "created": ""},
            "screenings": entries if entries is not None else [
                {"created": "2026-01-10T09:00:00+00:00", "note": "", "result": result, "video": None,
                 "keyframes": []}]}


def zipped(meta: dict | bytes, members: dict[str, bytes] | None = None, method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr("profile.json", meta if isinstance(meta, bytes) else json.dumps(meta))
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def nothing_stored(store: Store, ws) -> None:
    """No profile, no screening row, no media file: the refused import left no trace."""
    assert ws.profiles() == []
    with sqlite3.connect(store.path) as c:
        assert c.execute("SELECT COUNT(*) FROM screenings").fetchone()[0] == 0
        assert c.execute("SELECT COUNT(*) FROM profiles").fetchone()[0] == 0
    assert not ws.media_dir.exists() or not any(ws.media_dir.rglob("*"))


def test_orphan_media_after_a_kill_are_swept_on_open(store, ws):
    old, young = ws.media_dir / "deadbeef" / "video.mp4", ws.media_dir / "cafe" / "video.mp4"
    for f in (old, young):
        f.parent.mkdir(parents=True)
        f.write_bytes(b"left over")
    hour_ago = time.time() - 2 * 3600
    os.utime(old.parent, (hour_ago, hour_ago))
    p = ws.create_profile("Kept")
    kept = ws.save_screening(p.id, example_result(), video_path=old)
    os.utime(ws.media_dir / kept, (hour_ago, hour_ago))
    Store(store.path)
    assert not old.parent.exists() and young.exists()          # a young folder may be a save in progress
    assert ws.get_screening(kept).video.is_file()


def test_files_are_owner_only(store, ws, tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"video")
    reader = sqlite3.connect(store.path)          # keeps the -wal and -shm files in place
    reader.execute("SELECT 1 FROM profiles").fetchall()
    p = ws.create_profile("A")
    sid = ws.save_screening(p.id, example_result(), video_path=video, keyframes=[("Start", video)])
    s = ws.get_screening(sid)
    mode = lambda f: stat.S_IMODE(os.stat(f).st_mode)  # noqa: E731
    assert mode(store.path) == 0o600
    assert mode(f"{store.path}-wal") == 0o600 and mode(f"{store.path}-shm") == 0o600
    reader.close()
    for d in (store.media_root, ws.media_dir, ws.media_dir / sid):
        assert mode(d) == 0o700
    assert mode(s.video) == 0o600 and mode(s.keyframes[0][1]) == 0o600


def test_no_write_lock_is_held_while_videos_are_copied(store, ws, tmp_path, monkeypatch):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"video" * 1000)
    p = ws.create_profile("A")
    real, seen = store_mod.copy_private, []

    def copy(*a, **k):
        other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")          # another user's write, while the copy runs
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as e:
            seen.append(str(e))
        finally:
            other.close()
        return real(*a, **k)
    monkeypatch.setattr(store_mod, "copy_private", copy)
    ws.save_screening(p.id, example_result(), video_path=video)
    assert seen == ["free"]


def test_a_locked_database_gives_a_sentence(store, ws, monkeypatch):
    monkeypatch.setattr(Store, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="busy"):
            ws.create_profile("Blocked")
        with pytest.raises(StoreError) as e:
            Store(store.path).open_workspace("x" * 32).create_profile("also blocked")
        assert str(e.value) in (BUSY, "No workspace has this key. Check that it was copied in full.")
        with pytest.raises(StoreError) as e:
            ws.rename_profile(ws.profiles()[0].id if ws.profiles() else "none", "x")
        assert str(e.value) == BUSY
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ws.create_profile("Now fine")


def test_a_damaged_record_is_listed_and_can_be_deleted(store, ws):
    p = ws.create_profile("A")
    good = ws.save_screening(p.id, example_result())
    bad = ws.save_screening(p.id, example_result())
    with sqlite3.connect(store.path) as c:
        text = c.execute("SELECT result_json FROM screenings WHERE id = ?", (bad,)).fetchone()[0]
        c.execute("UPDATE screenings SET result_json = ? WHERE id = ?", (text.replace('"band": "marked"',
                  '"band": 7', 1), bad))
    items = {s.id: s for s in ws.screenings(p.id)}
    assert items[good].result is not None and not items[good].damaged
    assert items[bad].result is None and "damaged" in items[bad].damaged
    assert len(zipfile.ZipFile(io.BytesIO(ws.export_profile(p.id))).read("profile.json")) > 0
    ws.delete_screening(bad)
    assert [s.id for s in ws.screenings(p.id)] == [good]


def test_saving_accepts_only_clear_words_and_off_creates_no_file(tmp_path, monkeypatch):
    for word, on in (("on", True), ("OFF", False), ("0", False), ("yes", True), ("", True)):
        monkeypatch.setenv("KNEESCREEN_SAVING", word)
        assert saving_enabled() is on
    for word in ("maybe", "o ff", "disabled"):
        monkeypatch.setenv("KNEESCREEN_SAVING", word)
        with pytest.raises(StoreError, match="must be 'on' or 'off'"):
            saving_enabled()
    monkeypatch.setenv("KNEESCREEN_SAVING", "off")
    with pytest.raises(StoreError, match=SAVING_OFF):
        Store(tmp_path / "new" / "db.sqlite3")
    assert not (tmp_path / "new").exists()


def test_passcode_guesses_are_limited_and_hashes_upgraded(store, ws):
    sess = ws.create_session("Club", "correct horse")
    with sqlite3.connect(store.path) as c:
        assert c.execute("SELECT pass_n FROM sessions").fetchone()[0] == SCRYPT_N == 2 ** 17
    for i in range(5):
        with pytest.raises(StoreError, match="Wrong leader passcode"):
            ws.open_session(sess.id, f"guess {i}")
    with pytest.raises(StoreError, match="Too many wrong passcodes"):
        ws.open_session(sess.id, "correct horse")        # even the right one waits now
    old = ws.create_session("Old", "old code")
    salt = os.urandom(16)
    with sqlite3.connect(store.path) as c:
        c.execute("UPDATE sessions SET pass_salt = ?, pass_hash = ?, pass_n = ? WHERE id = ?",
                  (salt, _passcode_hash("old code", salt, OLD_SCRYPT_N), OLD_SCRYPT_N, old.id))
    assert ws.open_session(old.id, "old code").title == "Old"
    with sqlite3.connect(store.path) as c:
        assert c.execute("SELECT pass_n FROM sessions WHERE id = ?", (old.id,)).fetchone()[0] == SCRYPT_N


def test_interrupted_participants_are_marked(store, ws):
    sess = ws.create_session("Club", "code1")
    a, _ = ws.add_participant(sess.id, "A"), ws.add_participant(sess.id, "B")
    ws.record_participant_result(sess.id, a.id, None, "running")
    assert ws.mark_interrupted(sess.id) == 1
    status = {p.name: (p.status, p.message) for p in ws.participants(sess.id)}
    assert status["A"][0] == "interrupted" and "Upload this clip again" in status["A"][1]
    assert status["B"] == ("pending", "")


def test_concurrent_saves_from_two_threads_all_land(store, ws, tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"v" * 200_000)
    p = ws.create_profile("A")
    errors = []

    def save():
        try:
            ws.save_screening(p.id, example_result(), video_path=video)
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=save) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(ws.screenings(p.id)) == 6, (errors, len(ws.screenings(p.id)))


def test_files_left_world_readable_by_an_older_version_are_tightened(store, ws, tmp_path):
    p = ws.create_profile("A")
    ws.save_screening(p.id, example_result(), video_path=tmp_path.joinpath("v.mp4").write_bytes(b"v") and
                      tmp_path / "v.mp4")
    os.chmod(store.path, 0o644)
    os.chmod(store.media_root, 0o755)
    Store(store.path)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.media_root).st_mode) == 0o700


@pytest.mark.clips
@pytest.mark.parametrize("name,test", [("front_ohsquat_shallow_mild_05.mov", "squat"),
                                       ("darebee_skiers_lateral_hops_front_landing.mp4", "drop-jump"),
                                       ("darebee_shrimp_single_leg_squat_obliquefront.mp4", "single-leg-squat")])
def test_every_real_result_passes_the_strict_check(analysed, name, test):
    from screening.store.result_check import check_result
    result = analysed(name, test, video=False, stills=False).result
    assert result.events and check_result(result.to_dict()) == result
