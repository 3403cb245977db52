"""The app with KNEESCREEN_SCHEDULER set (AppTest against the real local Dask cluster): the upload page, the live
recording's analysis and the workshop page run on the cluster, the queue place is the cluster's, errors are clear."""
from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

import stub_pose
from apptest import create_workspace, goto, no_errors, start, texts
from screening.cluster import address
from screening.cluster import client as cluster_client
from screening.cluster import work
from screening.engine.pose import load_model
from screening.pipeline import AnalysisOptions, run_analysis
from screening.store.db import Store
from screening.ui import analysis, live_page, screen, state
from test_batch import numbers
from test_cluster_batch import N_FRAMES


@pytest.fixture
def on_cluster(dask_cluster, monkeypatch, tmp_path):
    """The app pointed at the test cluster; an analysis in this process fails the test; progress lines recorded."""
    monkeypatch.setenv(address.SCHEDULER_ENV, dask_cluster.address)
    monkeypatch.setenv("KNEESCREEN_DB", str(tmp_path / "kneescreen.sqlite3"))
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)

    def here(*a, **k):
        raise AssertionError("the analysis ran in the app's own process")
    monkeypatch.setattr(analysis, "run_analysis", here)
    said: list[tuple[str, str]] = []
    draw = analysis.ProgressUI._draw

    def record(self, stage, fraction, message):
        said.append((stage, message))
        draw(self, stage, fraction, message)
    monkeypatch.setattr(analysis.ProgressUI, "_draw", record)
    return dask_cluster, said


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory) -> bytes:
    return stub_pose.make_clip(tmp_path_factory.mktemp("clip") / "c.mp4", N_FRAMES).read_bytes()


def expected(tmp_path, monkeypatch, data: bytes, name: str):
    """The same clip analysed in this process (the synthetic track, outputs in memory) as the app would."""
    path = tmp_path / name
    path.write_bytes(data)
    with monkeypatch.context() as m:
        stub_pose.stub_pose(m)
        return run_analysis(path, load_model("lite"), AnalysisOptions("squat", json=False)).result


def test_the_upload_page_analyses_on_the_cluster_and_shows_its_queue(on_cluster, clip_bytes, tmp_path, monkeypatch):
    cluster, said = on_cluster
    client = cluster_client.connect(cluster.address)
    opts = ("lite", AnalysisOptions("squat", json=False, video=False, stills=False))
    workers = list(client.scheduler_info(n_workers=-1)["workers"])
    busy = [client.submit(work.run_clip, f"stub_120s_{i}.mp4", clip_bytes, opts, False, work.code_id(), pure=False,
                          key=f"{cluster_client.PREFIX}busy-{i}-{time.time_ns()}", workers=[w])   # one on each
            for i, w in enumerate(workers)]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(map(len, cluster.executing().values())) < 2:
        time.sleep(0.1)
    assert sum(map(len, cluster.executing().values())) == 2, "both workers busy with other users' clips"
    draw = analysis.ProgressUI._draw

    def queue_seen(self, stage, fraction, message):       # once the place is shown, the others leave (Cancel)
        draw(self, stage, fraction, message)
        if stage == "queue":
            for b in busy:
                b.cancel()
    monkeypatch.setattr(analysis.ProgressUI, "_draw", queue_seen)
    at = start(**{state.STEP: "upload", state.TEST: "squat"})
    assert screen.PRIVACY_CLUSTER in texts(at)                # the privacy note says where the video goes
    at.file_uploader(key="upload").set_value(("stub_1s_me.mp4", clip_bytes, "video/mp4")).run()
    at.button(key="analyse").click().run(timeout=180)
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    out = at.session_state[state.OUTPUTS]
    assert at.title[0].value == "Your result" and out.video and out.keyframes and out.csv
    assert ("queue", "you are number 1 in the queue (2 analyses run at once on the cluster)") in said, said
    assert [s for s, _ in said].index("queue") < [s for s, _ in said].index("video")    # then the worker's stages
    assert out.result.video.file_name == "stub_1s_me.mp4"
    here = expected(tmp_path, monkeypatch, clip_bytes, "stub_1s_me.mp4")
    assert numbers(out.result) == numbers(here)
    assert all(b.cancelled() for b in busy)


def test_a_live_recording_is_analysed_on_the_cluster(on_cluster, clip_bytes, tmp_path):
    workdir = tmp_path / "kneescreen-live-x"
    workdir.mkdir()
    (workdir / "stub_1s_live.mp4").write_bytes(clip_bytes)
    at = start(**{live_page.CLIP: (str(workdir / "stub_1s_live.mp4"), workdir)})
    goto(at, "live")
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Your result" and at.session_state[state.OUTPUTS].result.events
    assert not workdir.exists()                               # the recording is gone from this server too


def test_a_workshop_batch_runs_on_the_cluster(on_cluster, clip_bytes):
    at = start()
    key = create_workspace(at)
    goto(at, "workshop")
    at.text_input(key="wk_title").input("Cluster group").run()
    at.text_input(key="wk_pass").input("leader-42").run()
    at.button(key="wk_create").click().run()
    at.text_area(key="wk_names").input("Ana\nBen").run()
    at.button(key="wk_add").click().run()
    at.file_uploader(key="wk_clips_0").set_value([("stub_1s_ana.mp4", clip_bytes, "video/mp4"),
                                                  ("ben.mp4", b"not a video at all", "video/mp4")]).run()
    at.checkbox(key="wk_draw").uncheck().run()
    at.button(key="wk_run").click().run(timeout=180)
    no_errors(at)
    ws = Store(Path(__import__("os").environ["KNEESCREEN_DB"])).open_workspace(key)
    (sess,) = ws.sessions()
    status = {r["name"]: r["status"] for r in ws.session_table(sess.id)}
    assert status == {"Ana": "ok", "Ben": "failed"}, ws.session_table(sess.id)
    assert "1 of 2 clips analysed" in texts(at)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("value,words", [
    ("tcp://scheduler.example.org:8786", "The Dask scheduler address was refused"),
    ("tcp://127.0.0.1:8786/<img src=x onerror=alert(1)>", "The Dask scheduler address was refused"),
    (None, "could not be reached"),
])
def test_a_bad_or_unreachable_scheduler_is_a_clear_error(value, words, clip_bytes, monkeypatch):
    monkeypatch.setattr(cluster_client, "CONNECT_S", 2.0)
    monkeypatch.setenv(address.SCHEDULER_ENV, value or f"tcp://127.0.0.1:{_closed_port()}")
    at = start(**{state.STEP: "upload", state.TEST: "squat"})
    # a refused setting sends nothing anywhere; a good address that does not answer is still the cluster's
    assert (screen.PRIVACY if value else screen.PRIVACY_CLUSTER) in texts(at)
    at.file_uploader(key="upload").set_value(("me.mp4", clip_bytes, "video/mp4")).run()
    at.button(key="analyse").click().run(timeout=60)
    no_errors(at)
    err = "\n".join(e.value for e in at.error)
    assert words in err and "What to do" in err, err
    assert "example.org" not in err and "<img" not in err
