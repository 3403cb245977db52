"""Dask worker preload for the tests (`dask worker --preload`): clips named stub_*.mp4 get stub_pose's synthetic
squat track after a pause (stub_<N>s_...: N seconds, else 1; Cancel is heard during it); other clips the real model."""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))      # tests/: stub_pose

import stub_pose  # noqa: E402

from screening import pipeline  # noqa: E402
from screening.core.errors import Cancelled  # noqa: E402


class _Set:
    """What stub_pose needs of pytest's monkeypatch, for good (the worker process is the tests' own)."""

    @staticmethod
    def setattr(target, name, value):
        setattr(target, name, value)


def stub_seconds(name: str) -> float:
    m = re.match(r"stub_(\d+)s_", name)
    return float(m.group(1)) if m else 1.0


def install() -> None:
    real = pipeline.run_pose
    stub_pose.stub_pose(_Set())
    stub = pipeline.run_pose

    def route(info, model, **kw):
        name = Path(info.path).name
        if not name.startswith("stub_"):
            return real(info, model, **kw)
        until = time.monotonic() + stub_seconds(name)
        while time.monotonic() < until:
            if kw.get("should_cancel") is not None and kw["should_cancel"]():
                raise Cancelled()
            time.sleep(0.05)
        return stub(info, model, **kw)
    pipeline.run_pose = route


def dask_setup(worker) -> None:
    install()
