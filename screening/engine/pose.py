"""MediaPipe PoseLandmarker wrapper (VIDEO mode, one per clip or segment) and the one model door, load_model."""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _Deferred(types.ModuleType):
    """Stands in for a module in sys.modules until one of its attributes is used, then imports the real
    module and hands that attribute over. Dunder names (__file__, __path__, ...) other than __version__
    never trigger the import, so tools that walk sys.modules do not load it. A deferred package hands
    out its deferred submodules (matplotlib.pyplot) without loading itself."""

    def __getattr__(self, attr: str):
        child = sys.modules.get(f"{self.__name__}.{attr}")
        if isinstance(child, _Deferred):
            return child
        if attr.startswith("__") and attr != "__version__":
            raise AttributeError(attr)
        parts = self.__name__.split(".")
        for name in (".".join(parts[:i]) for i in range(1, len(parts) + 1)):    # the package first
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
        return getattr(importlib.import_module(self.__name__), attr)


def _defer_import(name: str) -> None:
    """MediaPipe's drawing helpers import matplotlib.pyplot at start-up (0.3 CPU-s; `import
    matplotlib.pyplot` loads the matplotlib package itself too, 0.09 s more) and its audio tasks
    sounddevice (0.12 s: it looks for PortAudio with ldconfig), and KneeScreen uses none of them; anyone
    who does gets the real module at that moment. (An importlib.util.LazyLoader module does not defer
    it: the import system reads its __spec__, which loads it.)"""
    if name not in sys.modules:
        sys.modules[name] = _Deferred(name)


_defer_import("matplotlib")
_defer_import("matplotlib.pyplot")
_defer_import("sounddevice")

import mediapipe as mp  # noqa: E402
from mediapipe.tasks.python import BaseOptions, vision  # noqa: E402

from screening.core.errors import AnalysisError  # noqa: E402
from screening.core.landmarks import INDEX, MIRROR, N_LANDMARKS  # noqa: E402
from screening.engine import models  # noqa: E402

MEDIAPIPE_VERSION = getattr(mp, "__version__", "")
Detection = tuple[np.ndarray, np.ndarray]      # (33, 2) pixel coordinates and (33,) visibility of one pose


@contextlib.contextmanager
def _quiet_stderr():
    """Silence the C++ start-up chatter of the model loader (it writes straight to fd 2)."""
    try:
        fd = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(fd, 2)
        os.close(fd)


@dataclass(frozen=True)
class PoseModel:
    """A verified pose model ready for PoseEstimator: which file it is (tier, checksum, where it came
    from, the note when another tier was asked for) and its bytes."""
    resolved: models.ResolvedModel
    data: bytes = field(repr=False)


_MODEL_BYTES: dict[str, bytes] = {}     # sha256 -> bytes: each model file is read once per process
MODEL_FIX = "Choose the 'lite' model, which works offline."


def load_model(tier: str = "lite", *, allow_fallback: bool = True, download: bool = True,
               timeout: float = 30.0, progress: models.ProgressFn | None = None) -> PoseModel:
    """The one door to a pose model: resolve `tier` (built in, cached or downloaded, with `progress(done,
    total)` bytes), verify its size and checksum, and read it once per process. With allow_fallback, a
    tier that cannot be had gives the built-in lite model and a note; otherwise raises AnalysisError
    'model_unavailable' saying what to do."""
    try:
        resolved = models.resolve_model(tier, download=download, progress=progress,
                                        allow_fallback=allow_fallback, timeout=timeout)
    except models.ModelError as e:
        raise AnalysisError(str(e), "model_unavailable", MODEL_FIX) from e
    if resolved.sha256 not in _MODEL_BYTES:
        _MODEL_BYTES[resolved.sha256] = Path(resolved.path).read_bytes()
    return PoseModel(resolved, _MODEL_BYTES[resolved.sha256])


class PoseEstimator:
    """Landmarks of the main person, frame by frame, with monotonic timestamps (VIDEO mode)."""

    def __init__(self, model: bytes, num_poses: int = 1, min_detection: float = 0.5,
                 min_presence: float = 0.5, min_tracking: float = 0.5, video: bool = True):
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=model),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_poses=num_poses, min_pose_detection_confidence=min_detection,
            min_pose_presence_confidence=min_presence, min_tracking_confidence=min_tracking)
        with _quiet_stderr():
            self._lm = vision.PoseLandmarker.create_from_options(opts)
        self._video = video
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        """(33, 2) pixel coordinates and (33,) visibility of the first pose, or None (no person)."""
        people = self.detect_all(rgb, t_s)
        return people[0] if people else None

    def detect_all(self, rgb: np.ndarray, t_s: float = 0.0) -> list[tuple[np.ndarray, np.ndarray]]:
        h, w = rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._video:
            ms = max(int(round(t_s * 1000)), self._last_ms + 1)
            self._last_ms = ms
            res = self._lm.detect_for_video(image, ms)
        else:
            res = self._lm.detect(image)
        out = []
        for pose in res.pose_landmarks or []:
            arr = np.array([(p.x * w, p.y * h, p.visibility if p.visibility is not None else 0.0)
                            for p in pose[:N_LANDMARKS]], dtype=float)
            out.append((arr[:, :2], np.clip(arr[:, 2], 0, 1)))
        return out

    def close(self) -> None:
        if self._lm is not None:
            self._lm.close()
            self._lm = None

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class TwoViewPose:
    """Pose from the frame itself and from its mirror image, each view with its own tracker that sees
    every analysed frame.

    MediaPipe is not mirror-symmetric: on the test clips the same knee reads 1-3 deg differently when the
    video is flipped, and the knee-to-ankle separation ratio about 0.03 differently. The two views' points
    (the mirrored one flipped back, left and right swapped) are averaged, so a mirrored video gives
    swapped, otherwise equal, angles. The separation ratios, which have no left or right, are taken from
    the direct view alone: in the hand-annotation comparison that prompted this design (issue 8) the raw
    direct view was the closer one, and the mirrored view reads the ratio about 0.03 differently.
    An earlier design alternated the views frame by frame; each tracker then saw only every second
    frame and the ratios drifted from the direct view's by 0.01-0.03.
    """

    def __init__(self, model: bytes, parallel: bool = True):
        self.a, self.b = PoseEstimator(model), PoseEstimator(model)
        # each view runs in a thread of its own (MediaPipe's C++ graph runs without the GIL), so the caller
        # can decode the next frame while both views work on this one; a one-thread pool per view keeps
        # every landmarker seeing the same frames in the same order as when run in turn
        self._pools = tuple(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-view")
                            for name in ("direct", "mirrored")) if parallel else ()

    def submit(self, rgb: np.ndarray, t_s: float) -> Callable[[], tuple[Detection | None, Detection | None]]:
        """Start both views of a frame and return a function that waits for them: (direct,
        mirrored-and-flipped-back), either may be None. Frames must be submitted in time order."""
        width = rgb.shape[1]
        flipped = cv2.flip(rgb, 1)          # the same pixels as rgb[:, ::-1], 15x faster to copy
        if not self._pools:
            pair = self.a.detect(rgb, t_s), self.b.detect(flipped, t_s)
            return lambda: (pair[0], _unflip(pair[1], width))
        one = self._pools[0].submit(self.a.detect, rgb, t_s)
        two = self._pools[1].submit(self.b.detect, flipped, t_s)
        return lambda: (one.result(), _unflip(two.result(), width))

    def detect_views(self, rgb: np.ndarray, t_s: float) -> tuple[Detection | None, Detection | None]:
        """(direct, mirrored-and-flipped-back) detections of one frame; either may be None."""
        return self.submit(rgb, t_s)()

    def detect(self, rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        return combine(*self.detect_views(rgb, t_s))

    def close(self) -> None:
        for pool in self._pools:
            pool.shutdown(wait=True)
        self.a.close()
        self.b.close()

    def __enter__(self) -> "TwoViewPose":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _unflip(det: Detection | None, width: int) -> Detection | None:
    """A detection in a mirrored frame as points of the unmirrored frame: x flipped, left and right swapped."""
    if det is None:
        return None
    xy, vis = det[0][MIRROR].copy(), det[1][MIRROR]
    xy[:, 0] = width - xy[:, 0]
    return xy, vis


def combine(one, two):
    """The mean of two views' points (visibility: the lower); the one view alone when the other missed,
    and the direct view when the two found different people (their hip centres further apart than a
    quarter of the direct view's torso length)."""
    if one is None or two is None:
        return one or two
    hips, shoulders = [INDEX["left_hip"], INDEX["right_hip"]], [INDEX["left_shoulder"], INDEX["right_shoulder"]]
    torso = np.linalg.norm(one[0][shoulders].mean(axis=0) - one[0][hips].mean(axis=0))
    if np.linalg.norm(one[0][hips].mean(axis=0) - two[0][hips].mean(axis=0)) > 0.25 * torso:
        return one
    return (one[0] + two[0]) / 2, np.minimum(one[1], two[1])


def count_people(model: bytes, frames: list[np.ndarray]) -> list[int]:
    """Number of people MediaPipe finds in each of a few sample frames (IMAGE mode, up to 3)."""
    if len(frames) == 0:
        return []
    with PoseEstimator(model, num_poses=3, video=False) as est:
        return [len(est.detect_all(f)) for f in frames]
