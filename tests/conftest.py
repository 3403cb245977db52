"""Shared test fixtures: where the real clips are, and skipping when they are absent."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The development clips (../shared/videos, never copied into the repository). KNEESCREEN_TEST_VIDEOS points
# the tests elsewhere; .ci/run points it at an empty folder to check that every test needing them skips.
VIDEOS_ENV = "KNEESCREEN_TEST_VIDEOS"
VIDEOS = Path(os.environ.get(VIDEOS_ENV) or REPO.parent / "shared" / "videos")
_running: list[pytest.Item] = []        # the test being set up or run (clip() checks its marker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


def clip(name: str) -> Path:
    """Path of a real clip from the development clips folder (see VIDEOS); skips the test, with the reason,
    when the folder or the clip is absent. The only way a test may reach those clips: a test that uses
    one must be marked `clips` (the no-clips run of .ci/run selects those), else it fails here."""
    item = _running[0] if _running else None
    if item is not None and item.get_closest_marker("clips") is None:
        pytest.fail(f"{item.nodeid} uses the real clip {name} but is not marked @pytest.mark.clips", pytrace=False)
    path = VIDEOS / name
    if not path.is_file():
        where = "is absent" if not VIDEOS.is_dir() else f"has no {name}"
        pytest.skip(f"needs the real clip {name}: the development clips folder {VIDEOS} {where} (the clips "
                    "are not part of the repository)")
    return path


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg command line (skip when it is not installed)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg command line not installed (apt-get install ffmpeg)")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def analyse(path: Path, test: str = "squat", /, progress=None, **options):
    """run_analysis of the clip at `path` with the lite model; `options` are AnalysisOptions fields
    (video=False, out_dir=..., ...; no out_dir: the outputs stay in memory); `progress` as run_analysis's."""
    from screening.engine.pose import load_model
    from screening.pipeline import AnalysisOptions, run_analysis
    return run_analysis(path, load_model("lite"), AnalysisOptions(test, **options), progress=progress)


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
