"""Annotated outputs: the H.264 video with skeleton and coloured hip-knee-ankle lines, and key stills."""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import cv2
import numpy as np

from screening.engine.assess import THIGH_FAIR
from screening.engine.framestore import FrameStore
from screening.core.landmarks import CONNECTIONS, EXPORT_POINTS, SIDES
from screening.engine.norms import FPPA_IMPOSSIBLE_DEG, norm_for, plausible
from screening.engine.verdict import rated_moments
from screening.core.result import TEST_LABELS, Result
from screening.core.specs import SPECS
from screening.outputs.annotate_lying import LyingOverlay
from screening.core.vocab import BAND_COLOURS, bgr, format_shift, signed
from screening.outputs.formatting import moment_label

PREFETCH = 6                # frames read and drawn ahead of the encoder


class Painter:
    """Draws one frame of a Result: skeleton, per-leg lines coloured by band, the angle, event labels."""

    def __init__(self, result: Result, all_points: np.ndarray | None = None):
        self.r = result
        self.norm = norm_for("fppa", result.test, result.sex)
        self.mkd_norm = norm_for("mkd", result.test, result.sex)
        s = result.series
        self.row = {f: i for i, f in enumerate(s.frame)}
        self.pts = {k: np.array(v, dtype=float) for k, v in s.points.items()}
        self.vals = {k: np.array(v, dtype=float) for k, v in s.values.items()}
        self.all_points = all_points            # (T, 33, 2) for the full skeleton, optional
        self.legs = list(result.legs) or list(SIDES)
        self.lying = LyingOverlay(result, self.pts, self.vals) if SPECS[result.test].posture == "side-lying" \
            else None
        self.labels = {}
        # single-leg squats on both legs: each frame shows the leg of its repetition (or of the nearest one)
        stood = [e for e in result.events if e.leg]
        self.stance = [str(min(stood, key=lambda e: (not e.start_frame <= f <= e.end_frame,
                                                     abs(e.key_frame - f))).leg) for f in s.frame] \
            if len(self.legs) > 1 and stood else None
        key_words = {"rep": "deepest point", "landing": "peak knee bend", "opening": "top of the opening"}
        for e in result.events:
            name = ("Landing" if e.kind == "landing" else "Rep") + f" {e.index}" + (f", {e.leg} leg" if e.leg else "")
            self.labels[e.key_frame] = f"{name}: {key_words[e.kind]}"
            if e.contact_frame is not None:
                self.labels[e.contact_frame] = f"{name}: initial contact"

    def leg_state(self, i: int, side: str) -> tuple[float | None, str | None, bool]:
        v = self.vals.get(f"fppa_{side}_deg", np.array([np.nan]))[i]
        ok = self.vals.get(f"fppa_{side}_valid", np.array([np.nan]))[i]
        valid = bool(np.isfinite(v) and ok == 1)
        band = self.norm.band(float(v)) if valid and self.norm is not None else None
        return (float(v) if np.isfinite(v) else None), band, valid

    def _leg_text(self, i: int, side: str, v: float | None, valid: bool) -> tuple[str, str | None]:
        """The angle where the FPPA is valid; otherwise the knee's shift over the foot."""
        if valid and v is not None:
            return f"{side[0].upper()} {signed(v)} deg", None
        mkd = self.vals.get(f"mkd_{side}_pct", np.array([np.nan]))[i]
        thigh = self.vals.get(f"thigh_{side}", np.array([np.nan]))[i]
        points_wrong = v is not None and abs(v) > FPPA_IMPOSSIBLE_DEG and np.isfinite(thigh) and thigh >= THIGH_FAIR
        if np.isfinite(mkd) and plausible("mkd", float(mkd)) and not points_wrong:
            band = self.mkd_norm.band(float(mkd)) if self.mkd_norm else None
            return f"{side[0].upper()} knee {format_shift('mkd', float(mkd), long=False)}", band
        return f"{side[0].upper()} n/a", None

    def draw(self, img: np.ndarray, frame: int, t: float, scale: float = 1.0,
             offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
        """Draw on `img`, whose pixel = (work-frame pixel - offset) * scale."""
        i = self.row.get(frame)
        off = np.asarray(offset, float)

        def P(q):
            q = (np.asarray(q, float) - off) * scale
            return int(round(q[0])), int(round(q[1]))

        th = max(1, round(max(img.shape[:2]) / 500))
        if i is not None and self.all_points is not None:
            p = self.all_points[i]
            for a, b in CONNECTIONS:
                if np.isfinite(p[[a, b]]).all():
                    cv2.line(img, P(p[a]), P(p[b]), (235, 235, 235), th, cv2.LINE_AA)
        if i is not None and self.lying is not None:
            self.lying.draw(img, i, P, th, self._label)
        elif i is not None:
            for side in self.legs if self.stance is None else [self.stance[i]]:
                hip, knee, ankle = (self.pts[f"{side}_{j}"][i] for j in ("hip", "knee", "ankle"))
                if not np.isfinite(np.concatenate([hip, knee, ankle])).all():
                    continue
                v, band, valid = self.leg_state(i, side)
                text, alt_band = self._leg_text(i, side, v, valid)
                col = bgr(BAND_COLOURS[band if valid else alt_band])
                if not valid:   # knee-over-foot view: a plumb line up from the ankle
                    top = np.array([ankle[0], knee[1] - 0.15 * abs(ankle[1] - knee[1])])
                    cv2.line(img, P(ankle), P(top), (255, 255, 255), th, cv2.LINE_AA)
                for a, b in ((hip, knee), (knee, ankle)):
                    cv2.line(img, P(a), P(b), (0, 0, 0), th * 4 + 2, cv2.LINE_AA)
                    cv2.line(img, P(a), P(b), col, th * 4, cv2.LINE_AA)
                for q in (hip, knee, ankle):
                    cv2.circle(img, P(q), th * 3, (255, 255, 255), -1, cv2.LINE_AA)
                other = self.pts[f"{_other(side)}_hip"][i]
                self._label(img, text, P(knee), col, outward=hip[0] - other[0])
        self._header(img, frame, t)
        return img

    def _label(self, img, text, at, col, outward):
        scale = max(0.45, max(img.shape[:2]) / 1400)
        thick = max(1, round(scale * 2))
        (tw, tht), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        x = int(at[0] + (14 if outward >= 0 else -14 - tw))
        y = int(at[1] + tht / 2)
        x = min(max(6, x), img.shape[1] - tw - 6)
        y = min(max(tht + 8, y), img.shape[0] - 8)
        cv2.rectangle(img, (x - 4, y - tht - 6), (x + tw + 4, y + 6), (20, 20, 20), -1)
        cv2.rectangle(img, (x - 4, y - tht - 6), (x + tw + 4, y + 6), col, 2)
        cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thick, cv2.LINE_AA)

    def _header(self, img, frame, t):
        scale = max(0.45, img.shape[1] / 1300)
        if img.shape[1] < 420:
            scale = 0.4
        bar = int(34 * scale / 0.5)
        overlay = img[:bar].copy()
        cv2.rectangle(overlay, (0, 0), (img.shape[1], bar), (0, 0, 0), -1)
        img[:bar] = cv2.addWeighted(overlay, 0.55, img[:bar], 0.45, 0)
        label = self.labels.get(frame, "")
        text = f"{TEST_LABELS.get(self.r.test, self.r.test)}  {t:5.2f} s  {label}"
        cv2.putText(img, text, (8, int(bar * 0.7)), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1,
                    cv2.LINE_AA)


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


class H264Writer:
    """Browser-playable H.264 (yuv420p, +faststart) with the clip's real time stamps."""

    def __init__(self, path: Path, width: int, height: int, fps: float, crf: int = 23, preset: str = "ultrafast"):
        self.c = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        self.s = self.c.add_stream("libx264", rate=Fraction(round(fps * 1000), 1000) if fps else 30)
        self.s.width, self.s.height, self.s.pix_fmt = width, height, "yuv420p"
        self.s.codec_context.time_base = Fraction(1, 1000)
        # ultrafast: 40% less CPU than veryfast here; the file is larger (about 1 MB per 10 s at 720p)
        self.s.options = {"preset": preset, "crf": str(crf), "profile": "main"}
        self.s.codec_context.thread_count = 2
        self.last = -1

    def write(self, bgr: np.ndarray, t: float) -> None:
        yuv = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420), np.uint8)   # uint8 in, uint8 out
        f = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        pts = max(int(round(t * 1000)), self.last + 1)
        f.pts, f.time_base, self.last = pts, Fraction(1, 1000), pts
        for pkt in self.s.encode(f):
            self.c.mux(pkt)

    def close(self) -> None:
        for pkt in self.s.encode():
            self.c.mux(pkt)
        self.c.close()


def render_video(result: Result, frames: FrameStore, kept: list[int | None], out_path: Path,
                 all_points: np.ndarray | None = None,
                 progress: Callable[[str, float, str], None] | None = None) -> Path:
    """Write the annotated video from the kept frames (`kept`: one time stamp in `frames` per row of
    result.series, None where no frame was kept).

    Frames the pose model skipped (squats: every second frame, see analyze.pose_stride) are left out:
    the video shows the frames that were measured, at their real time stamps.
    """
    painter = Painter(result, all_points)
    s = result.series
    w, h = result.video.work_width, result.video.work_height
    ran = s.values.get("pose_run")
    rows = [i for i in range(len(s.frame)) if kept[i] is not None and (ran is None or ran[i] == 1)]
    n = len(rows)

    def frame(i: int) -> np.ndarray:      # read + draw in a helper thread (OpenCV releases the GIL)
        pts = kept[i]
        img = frames.get(pts) if pts is not None else None
        if img is None:
            img = np.zeros((h, w, 3), np.uint8)
        return painter.draw(img, s.frame[i], s.time_s[i])

    fps = result.video.fps / max(1, result.model.pose_every)
    writer = H264Writer(out_path, w, h, fps)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            ahead: deque = deque()
            for j, i in enumerate(rows):
                while len(ahead) < PREFETCH and j + len(ahead) < n:
                    ahead.append(pool.submit(frame, rows[j + len(ahead)]))
                writer.write(ahead.popleft().result(), s.time_s[i])
                if progress and (j % 10 == 0 or j == n - 1):
                    progress("video", (j + 1) / n, f"Drawing the annotated video: frame {j + 1} of {n}")
    finally:
        writer.close()
    return out_path


def render_stills(result: Result, frames: FrameStore, kept: list[int | None], out_dir: Path,
                  all_points: np.ndarray | None = None, height: int = 720) -> list[tuple[str, Path]]:
    """One PNG per event at its key frame: cropped to the person, enlarged, both legs labelled."""
    painter = Painter(result, all_points)
    out = []
    for e in rated_moments(result):         # the moment that best shows the rating first
        i = painter.row.get(e.key_frame)
        pts = kept[i] if i is not None else None
        if i is None or pts is None:
            continue
        img = frames.get(pts)
        if img is None:
            continue
        x0, y0, x1, y1 = _person_box(painter, i, img.shape)
        scale = height / max(1, (y1 - y0))
        crop = cv2.resize(img[y0:y1, x0:x1], (max(1, int((x1 - x0) * scale)), height),
                          interpolation=cv2.INTER_CUBIC)
        crop = painter.draw(crop, e.key_frame, e.key_s, scale=scale, offset=(x0, y0))
        name = ("landing" if e.kind == "landing" else "rep") + f"{e.index}"
        path = out_dir / f"keyframe_{name}.png"
        cv2.imwrite(str(path), crop)
        out.append((moment_label(e, with_time=True), path))
    return out


def _person_box(painter: Painter, i: int, shape) -> tuple[int, int, int, int]:
    """Crop box around the exported points, widened so the labels fit, at least 3:4 wide."""
    h, w = shape[:2]
    pts = np.array([painter.pts[k][i] for k in EXPORT_POINTS if k in painter.pts])
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) < 4:
        return 0, 0, w, h
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    bh = (y1 - y0) * 1.25 + 20
    bw = max((x1 - x0) * 1.8 + 20, 0.75 * bh)
    if painter.lying is not None:      # lying across the picture: room above for the opening knee's label
        bw = (x1 - x0) * 1.4 + 20
        bh = max((y1 - y0) * 2.2 + 20, 0.5 * bw)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x0, x1 = int(max(0, cx - bw / 2)), int(min(w, cx + bw / 2))
    y0, y1 = int(max(0, cy - bh / 2)), int(min(h, cy + bh / 2))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else (0, 0, w, h)
