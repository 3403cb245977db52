"""The landmark track: per-frame 2D pixel landmarks, visibility and timestamps of one person."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from screening.core.landmarks import MIRROR, N_LANDMARKS


@dataclass
class Track:
    """T frames x 33 landmarks. `xy` is in pixels of the upright (rotated) frame; NaN where unknown."""
    t: np.ndarray              # (T,) seconds from the first frame
    xy: np.ndarray             # (T, 33, 2) pixels
    vis: np.ndarray            # (T, 33) visibility 0..1 (0 where no person)
    width: int
    height: int
    frame: np.ndarray | None = None   # (T,) frame numbers (default 0..T-1)
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.t = np.asarray(self.t, dtype=float)
        self.xy = np.asarray(self.xy, dtype=float)
        self.vis = np.asarray(self.vis, dtype=float)
        if self.frame is None:
            self.frame = np.arange(len(self.t))
        if self.xy.shape != (len(self.t), N_LANDMARKS, 2) or self.vis.shape != (len(self.t), N_LANDMARKS):
            raise ValueError(f"track shapes do not match: t {self.t.shape}, xy {self.xy.shape}, vis {self.vis.shape}")

    def __len__(self) -> int:
        return len(self.t)

    @property
    def present(self) -> np.ndarray:
        """(T,) True where a person was detected."""
        return np.isfinite(self.xy).all(axis=2).any(axis=1)

    @property
    def fps(self) -> float:
        if len(self.t) < 2:
            return 0.0
        dt = np.diff(self.t)
        dt = dt[dt > 0]
        return float(1.0 / np.median(dt)) if len(dt) else 0.0

    @classmethod
    def empty(cls, t: np.ndarray, width: int, height: int) -> "Track":
        n = len(t)
        return cls(t=t, xy=np.full((n, N_LANDMARKS, 2), np.nan), vis=np.zeros((n, N_LANDMARKS)),
                   width=width, height=height)

    def mirrored(self) -> "Track":
        """The track of the left-right mirrored video: x flipped and left/right labels swapped."""
        xy = self.xy[:, MIRROR].copy()
        xy[..., 0] = self.width - xy[..., 0]      # continuous pixel coordinates: u -> W - u
        return Track(self.t.copy(), xy, self.vis[:, MIRROR].copy(), self.width, self.height,
                     None if self.frame is None else self.frame.copy())
