"""Shared test fixtures: where the real clips are, and skipping when they are absent."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VIDEOS = REPO.parent / "shared" / "videos"


def clip(name: str) -> Path:
    """Path of a real clip from ../shared/videos; skips the test when the folder or clip is absent."""
    path = VIDEOS / name
    if not path.exists():
        pytest.skip(f"real clip {name} not available: ../shared/videos is absent (it is for users); "
                    "these end-to-end tests run only in the development checkout")
    return path


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg command line (skip when it is not installed)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg command line not installed (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def analyse(path: Path, test: str = "squat", /, **options):
    """run_analysis of the clip at `path` with the lite model; `options` are AnalysisOptions fields
    (video=False, out_dir=..., ...; no out_dir: the outputs stay in memory)."""
    from screening.engine.pose import load_model
    from screening.pipeline import AnalysisOptions, run_analysis
    return run_analysis(path, load_model("lite"), AnalysisOptions(test, **options))


@pytest.fixture(scope="session")
def analysed(tmp_path_factory):
    """Run the real pipeline once per (clip, test, options), files in a folder, and share the Analysis."""
    cache: dict = {}

    def get(name: str, test: str = "squat", **kw):
        key = (name, test, tuple(sorted(kw.items())))
        if key not in cache:
            out = tmp_path_factory.mktemp(Path(name).stem[:20])
            cache[key] = analyse(clip(name), test, out_dir=out, **kw)
        return cache[key]
    return get


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A real Dask cluster shared by the cluster tests: `dask scheduler` and two `dask worker --nthreads 1` on
    127.0.0.1 (tests/dask_cluster.py; stub_*.mp4 clips get the synthetic squat track, others the real model)."""
    from dask_cluster import DaskCluster
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"), workers=2)
    try:
        yield cluster
    finally:
        cluster.close()
