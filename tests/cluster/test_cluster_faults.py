"""A real TLS Dask cluster (certificates made here) under faults: a stranger refused, a worker killed with -9 mid-clip
(nothing lost, nothing doubled), the scheduler killed (finished clips kept, a clear message, a non-zero exit)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import dask.config
import pytest

from conftest import REPO
from dask_cluster import DaskCluster, self_signed, tls_environment
from screening.batch import GONE, run_batch
from screening.cluster import client as cluster_client
from screening.cluster.batch import ClusterRunner
from screening.core.errors import AnalysisError
from screening.core.result import Result
from test_batch import numbers, read_csv as rows
from test_cluster_batch import stub_clips

pytest.importorskip("cryptography")


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    tls = self_signed(folder / "certs", "kneescreen-test-cluster")
    cluster = DaskCluster(folder / "cluster", workers=2, tls=tls)
    try:
        yield cluster, tls
    finally:
        cluster.close()


def _use(monkeypatch, env: dict[str, str]) -> None:
    """Dask's TLS settings from the environment, as a server started with them would read them."""
    for key in ("DASK_DISTRIBUTED__COMM__TLS__CA_FILE", "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT",
                "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    dask.config.refresh()


@pytest.fixture
def tls_env(tls_cluster, monkeypatch):
    _use(monkeypatch, tls_environment(tls_cluster[1]))
    yield tls_cluster[0]
    monkeypatch.undo()
    dask.config.refresh()


def test_without_certificates_or_with_a_strangers_the_cluster_is_refused(tls_cluster, monkeypatch, tmp_path):
    cluster, _ = tls_cluster
    monkeypatch.setattr(cluster_client, "CONNECT_S", 3.0)
    _use(monkeypatch, {})
    with pytest.raises(AnalysisError) as e:
        cluster_client.connect(cluster.address)
    assert e.value.code == "bad_scheduler" and "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in str(e.value)
    _use(monkeypatch, tls_environment(self_signed(tmp_path, "stranger")))    # a certificate the CA did not sign
    t0 = time.monotonic()
    with pytest.raises(AnalysisError) as e:
        cluster_client.connect(cluster.address)
    assert e.value.code == "cluster_unreachable" and "could not be reached" in str(e.value)
    assert time.monotonic() - t0 < 20
    _use(monkeypatch, tls_environment(self_signed(tmp_path, "missing")) | {
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(tmp_path / "no-such-key.pem")})
    with pytest.raises(AnalysisError, match="does not name a readable file"):
        cluster_client.connect(cluster.address)
    dask.config.refresh()


def test_a_worker_killed_mid_clip_loses_nothing_and_doubles_nothing(tls_env, tmp_path):
    cluster = tls_env
    names = [f"stub_4s_{i}.mp4" for i in range(4)]
    videos = stub_clips(tmp_path / "in", names)
    killed: dict[str, str] = {}

    def kill_w0_mid_clip() -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            running = cluster.executing().get("w0")
            if running:
                time.sleep(1.0)                 # well inside its 4 s pause
                killed["key"] = running[0]
                cluster.kill("w0")              # kill -9 the nanny and its worker process
                return
            time.sleep(0.1)
    watcher = threading.Thread(target=kill_w0_mid_clip)
    watcher.start()
    done: list[str] = []
    try:
        items = run_batch(videos, tmp_path / "out", test="squat", make_video=False,
                          runner=ClusterRunner(cluster.address), on_done=lambda it: done.append(it.name))
    finally:
        watcher.join()
    assert killed, "worker w0 never ran a clip"
    assert [it.status for it in items] == ["ok"] * 4, [it.message for it in items]
    assert sorted(done) == sorted(n[:-4] for n in names)                  # each clip finished once
    table = rows(tmp_path / "out" / "batch.csv")
    assert sorted(r["name"] for r in table) == sorted(n[:-4] for n in names) and {r["status"] for r in table} == {"ok"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(["batch.csv"] + [n[:-4] for n in names])
    first = numbers(items[0].result)
    for it in items:
        assert Result.load(it.folder / "result.json") == it.result
        it.result.video.file_name = items[0].result.video.file_name
        assert numbers(it.result) == first
    assert "w0" not in cluster.executing()


def test_the_scheduler_gone_keeps_finished_clips_and_exits_non_zero(tls_env, tmp_path):
    cluster = tls_env
    if not cluster.executing():
        cluster.add_worker("w9")
        cluster.wait_for_workers(1)
    folder = tmp_path / "in"
    stub_clips(folder, [f"stub_3s_{i}.mp4" for i in range(4)])
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "screening", "batch", str(folder), "--test", "squat", "--no-video",
                             "--scheduler", cluster.address, "--out", str(out)], cwd=REPO, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline, first = time.monotonic() + 120, None
        while first is None and time.monotonic() < deadline and proc.poll() is None:
            found = [p for p in out.glob("*/result.json") if not p.parent.name.startswith(".")]
            first = found[0] if found else None
            time.sleep(0.05)
        assert first is not None, "no clip finished: " + (proc.stderr.read() if proc.poll() is not None else "")
        cluster.kill("scheduler")
        t0 = time.monotonic()
        stdout, stderr = proc.communicate(timeout=90)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()
    assert proc.returncode == 4, stdout + stderr
    assert "the Dask scheduler stopped answering" in stderr and "Traceback" not in stderr + stdout
    assert took < 30, f"the batch took {took:.0f} s to notice"
    table = {r["name"]: r for r in rows(out / "batch.csv")}
    assert len(table) == 4 and table[first.parent.name]["status"] == "ok"
    assert Result.load(first).events                                         # finished clips are kept, whole
    lost = [r for r in table.values() if r["status"] != "ok"]
    assert lost and all(r["status"] == "failed" and GONE in r["message"] for r in lost)
    assert not list(out.glob(".*partial"))


def test_library_errors_reach_the_terminal_as_one_line_without_a_traceback():
    """What Dask's client logs with a traceback when a scheduler dies mid-connection (seen once in the test
    above: 'IOStream is not idle; cannot convert to SSL') reaches a batch's terminal as its line alone."""
    code = ("import logging, distributed\n"
            "from screening.cluster.batch import quiet_tracebacks\n"
            "quiet_tracebacks()\n"
            "for name in ('distributed.comm.tcp', 'tornado.application', 'asyncio'):\n"
            "    try:\n"
            "        raise RuntimeError('IOStream is not idle; cannot convert to SSL')\n"
            "    except RuntimeError:\n"
            "        logging.getLogger(name).exception('connection failed in %s', name)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for name in ("distributed.comm.tcp", "tornado.application", "asyncio"):
        assert f"connection failed in {name}" in out.stderr
    assert "Traceback" not in out.stderr and "RuntimeError" not in out.stderr
