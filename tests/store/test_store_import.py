"""Hostile profile zips, each refused without a trace: tampered Results, bombs, corrupt files, caps."""
from __future__ import annotations

import json
import zipfile

import pytest

import screening.store.db as store_mod
import screening.store.transfer as transfer
from screening.engine.example import example_result
from screening.store.db import StoreError
from test_store_hardening import export, nothing_stored, store, ws, zipped  # noqa: F401 - fixtures, helpers

XSS = ['<iframe srcdoc="<script>parent.document.title=1</script>">', "<svg><script>alert(1)</script></svg>"]


@pytest.mark.parametrize("path,value", [
    (("legs", "left", "ratings", 0, "label"), XSS[0]),          # text is allowed, but this field is escaped
    (("legs", "left", "ratings", 0, "unit"), XSS[1]),           # not a known unit
    (("legs", "left", "ratings", 0, "unit"), "% leg"),          # a known unit, but not the knee angle's
    (("legs", "left", "band"), "<b>marked</b>"),
    (("legs", "left", "band"), 5),
    (("legs", "left", "ratings", 0, "value"), "23"),
    (("legs", "left", "ratings", 0, "key"), "evil"),
    (("legs", "left", "ratings", 0, "reliability"), "excellent"),
    (("test",), "<svg/onload=alert(1)>"),
    (("leg",), "both"),
    (("notes", 0, "level"), "critical"),
    (("events", 0, "values", "left", 0, "key"), "<img src=x>"),
    (("events", 0, "index"), True),
    (("series", "frame"), [1, 2]),                              # lengths no longer match
])
def test_a_tampered_result_is_refused_without_a_trace(store, ws, path, value):
    meta = export()
    node = meta["screenings"][0]["result"]
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    if path[-1] == "label":          # a label may be any text: it is accepted, and escaped when shown
        pid = ws.import_profile(zipped(meta))
        assert ws.screenings(pid)[0].result.legs["left"].ratings[0].label == XSS[0]
        return
    with pytest.raises(StoreError, match="not a valid KneeScreen export"):
        ws.import_profile(zipped(meta))
    nothing_stored(store, ws)


def test_non_finite_numbers_and_unknown_fields_are_refused(store, ws):
    text = json.dumps(export()).replace('"depth": 0.', '"depth": NaN, "x": 0.', 1)
    with pytest.raises(StoreError, match="not a valid KneeScreen export"):
        ws.import_profile(zipped(text.encode()))
    meta = export()
    meta["screenings"][0]["result"]["legs"]["left"]["ratings"][0]["value"] = 1e308 * 10   # inf
    with pytest.raises(StoreError):
        ws.import_profile(zipped(json.dumps(meta).encode()))
    meta = export()
    meta["screenings"][0]["result"]["legs"]["evil"] = meta["screenings"][0]["result"]["legs"]["left"]
    with pytest.raises(StoreError, match="not a valid"):
        ws.import_profile(zipped(meta))
    nothing_stored(store, ws)


def test_one_member_referenced_many_times_is_refused(store, ws):
    """The 7.9 MB zip that wrote 1.5 GiB: every entry pointed at the same (highly compressible) member."""
    entry = export()["screenings"][0]
    entries = [dict(entry, video="media/1/video.mp4") for _ in range(5)]
    with pytest.raises(StoreError, match="used twice"):
        ws.import_profile(zipped(export(entries), {"media/1/video.mp4": b"\0" * 100_000}, zipfile.ZIP_DEFLATED))
    nothing_stored(store, ws)


def test_the_cap_counts_bytes_written(store, ws, monkeypatch):
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 250_000)
    entry = export()["screenings"][0]
    entries = [dict(entry, video=f"media/{i}/video.mp4") for i in (1, 2, 3)]
    members = {f"media/{i}/video.mp4": b"\0" * 100_000 for i in (1, 2, 3)}   # 300 kB written > 250 kB
    with pytest.raises(StoreError, match="would write more than"):
        ws.import_profile(zipped(export(entries), members, zipfile.ZIP_DEFLATED))
    nothing_stored(store, ws)
    pid = ws.import_profile(zipped(export(entries[:2]), dict(list(members.items())[:2]), zipfile.ZIP_DEFLATED))
    assert [s.video.stat().st_size for s in ws.screenings(pid)] == [100_000, 100_000]


def _flip(data: bytes, marker: bytes) -> bytes:
    """Corrupt one byte of a member's stored data (after its local header), so its CRC no longer matches."""
    at = data.index(marker) + len(marker) + 5
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def test_corrupt_zips_are_refused_with_a_sentence(store, ws):
    meta = export([dict(export()["screenings"][0], video="media/1/video.mp4")])
    good = zipped(meta, {"media/1/video.mp4": b"V" * 5000})
    bad_crc = _flip(good, b"media/1/video.mp4")                   # the video's bytes (first occurrence)
    with pytest.raises(StoreError, match="damaged"):
        ws.import_profile(bad_crc)
    nothing_stored(store, ws)
    bad_json = _flip(good, b"profile.json")
    with pytest.raises(StoreError, match="damaged|not a valid"):
        ws.import_profile(bad_json)
    header = good.replace(b"media/1/video.mp4", b"media/1/video.mp5", 1)   # local and central names differ
    with pytest.raises(StoreError):
        ws.import_profile(header)
    with pytest.raises(StoreError, match="not a zip"):
        ws.import_profile(good[: len(good) // 2])
    nothing_stored(store, ws)
    assert ws.import_profile(good)


def test_an_import_stopped_halfway_publishes_nothing(store, ws, monkeypatch):
    entry = export()["screenings"][0]
    entries = [dict(entry, video=f"media/{i}/video.mp4") for i in (1, 2)]
    members = {f"media/{i}/video.mp4": b"V" * 1000 for i in (1, 2)}
    real, calls = ws._stage, []

    def stage(*a):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt      # the process is stopped while copying the second video
        return real(*a)
    monkeypatch.setattr(ws, "_stage", stage)
    with pytest.raises(KeyboardInterrupt):
        ws.import_profile(zipped(export(entries), members))
    nothing_stored(store, ws)


def test_imports_and_workspace_size_are_capped(store, ws, monkeypatch, tmp_path):
    monkeypatch.setattr(transfer, "MAX_IMPORTS_PER_DAY", 2)
    ws.import_profile(zipped(export()))
    ws.import_profile(zipped(export()))
    with pytest.raises(StoreError, match="last 24 hours"):
        ws.import_profile(zipped(export()))
    monkeypatch.setattr(store_mod, "MAX_WORKSPACE_BYTES", ws.usage() + 1000)
    video = tmp_path / "big.mp4"
    video.write_bytes(b"\0" * 5000)
    p = ws.create_profile("Full")
    with pytest.raises(StoreError, match="workspace is full"):
        ws.save_screening(p.id, example_result(), video_path=video)
    assert ws.screenings(p.id) == [] and not any(ws.media_dir.glob("*/video.mp4"))
