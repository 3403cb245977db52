"""Video in: probe and decode with PyAV, honouring rotation and true timestamps, downscaled, streamed."""
from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator

import av
import cv2
import numpy as np

from screening.core.errors import VideoError
from screening.engine.clip_limits import (DECODER_OPTIONS, FIX_FORMAT, MAX_FRAMES, Budget, check_file, check_rate,
                                          check_size, too_many_frames)

log = logging.getLogger(__name__)

MAX_SIDE = 720              # long side of the frames the pose model and the annotated video use


@dataclass
class VideoInfo:
    path: Path
    codec: str
    width: int                  # upright, full resolution
    height: int
    rotation: int               # display rotation, degrees counter-clockwise (0, 90, 180, 270)
    time_base: Fraction
    pts: np.ndarray             # presentation timestamps of the video packets, sorted
    keyframe_pts: np.ndarray
    duration_s: float
    fps: float                  # average
    vfr: bool                   # frame intervals vary by more than 10%
    work_width: int             # downscaled, upright
    work_height: int
    truncated: bool = False     # demuxing stopped early on damaged data
    discard_pts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # decoded, never shown (edit list)
    keyframe_dts: dict[int, int] = field(default_factory=dict)   # keyframe pts -> its decode time stamp

    @property
    def shown_pts(self) -> np.ndarray:
        """Time stamps of the frames a decode gives, sorted."""
        return np.setdiff1d(self.pts, self.discard_pts) if len(self.discard_pts) else self.pts

    @property
    def n_packets(self) -> int:
        return len(self.pts)

    def seconds(self, pts: int) -> float:
        return float((pts - self.pts[0]) * self.time_base) if len(self.pts) else 0.0


def work_size(width: int, height: int, max_side: int = MAX_SIDE, upscale: bool = False) -> tuple[int, int]:
    """Downscaled size (even numbers, aspect kept) whose long side is at most max_side (exactly, with upscale)."""
    scale = max_side / max(width, height) if upscale else min(1.0, max_side / max(width, height))
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def _open(path: Path):
    try:
        return av.open(str(path), metadata_errors="ignore", options=DECODER_OPTIONS)
    except (av.error.FFmpegError, OSError, ValueError) as e:
        raise VideoError(f"'{path.name}' is not a video we can read: it may be damaged, incomplete or not "
                         f"a video at all ({getattr(e, 'strerror', None) or e}).", "unreadable", FIX_FORMAT) from e


def _rotation(frame) -> int:
    """The display rotation as PyAV reports it (FFmpeg's av_display_rotation_get: degrees
    counter-clockwise, e.g. -90 for an iPhone held upright), as 0, 90, 180 or 270 counter-clockwise."""
    try:
        r = float(frame.rotation or 0)
    except Exception:  # older PyAV: no display matrix support
        r = 0.0
    return int(round(r / 90.0)) * 90 % 360


def upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Turn decoded pixels the way a player shows them: `rotation` degrees counter-clockwise (what
    FFmpeg's autorotate does; np.rot90 turns counter-clockwise for positive k)."""
    k = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k)) if k else rgb


def probe(path: str | Path, max_side: int = MAX_SIDE) -> VideoInfo:
    """Read the packet timestamps (no decoding) and the first frame; check it is usable and in budget (clip_limits)."""
    path = check_file(Path(path))
    with _open(path) as c:
        if not c.streams.video:
            raise VideoError(f"'{path.name}' contains no video track.", "no_video", FIX_FORMAT)
        stream = c.streams.video[0]
        check_size(path.name, stream.codec_context.width or 0, stream.codec_context.height or 0)
        tb = stream.time_base or Fraction(1, 1000)
        pts: list[int] = []
        keys, discard, truncated = [], [], False
        try:
            for pkt in c.demux(stream):
                p = pkt.pts if pkt.pts is not None else pkt.dts
                if p is None or pkt.size == 0:
                    continue
                if len(pts) >= MAX_FRAMES:
                    raise too_many_frames(path.name)
                pts.append(p)
                if pkt.is_keyframe:
                    keys.append((p, pkt.dts))
                if pkt.is_discard:
                    discard.append(p)
        except av.error.FFmpegError:
            truncated = True
        if not pts:
            raise VideoError(f"'{path.name}' has no video frames (empty or damaged file).", "no_frames",
                             "Record or export the video again.")
    first = _first_frame(path)
    if first is None:
        raise VideoError(f"No frame of '{path.name}' could be decoded: the file is damaged or incomplete, or its "
                         "frames are larger than 4K.", "undecodable", "Record or export the video again.")
    rotation, raw_w, raw_h, codec = first
    w, h = (raw_h, raw_w) if rotation in (90, 270) else (raw_w, raw_h)
    pts_arr = np.unique(np.asarray(pts, dtype=np.int64))
    times = (pts_arr - pts_arr[0]) * float(tb)
    dt = np.diff(times)
    dt = dt[dt > 0]
    fps = float(1.0 / np.median(dt)) if len(dt) else 0.0
    duration = float(times[-1] + (np.median(dt) if len(dt) else 0.0))
    vfr = bool(len(dt) > 2 and (np.percentile(dt, 95) - np.percentile(dt, 5)) > 0.1 * np.median(dt))
    check_rate(path.name, fps, duration)
    ww, wh = work_size(w, h, max_side)
    return VideoInfo(path, codec, w, h, rotation, Fraction(tb), pts_arr,
                     np.unique(np.asarray([k for k, _ in keys], dtype=np.int64)), duration, fps, vfr, ww, wh, truncated,
                     np.unique(np.asarray(discard, dtype=np.int64)), {int(k): int(d) for k, d in keys if d is not None})


def _first_frame(path: Path):
    try:
        with _open(path) as c:
            stream = c.streams.video[0]
            stream.codec_context.options = dict(DECODER_OPTIONS)
            for pkt in c.demux(stream):
                try:
                    for frame in pkt.decode():
                        check_size(path.name, frame.width, frame.height)
                        return _rotation(frame), frame.width, frame.height, stream.codec_context.name
                except av.error.FFmpegError:
                    continue
    except av.error.FFmpegError:
        return None
    return None


SEGMENTS = 2                # pose runs on two halves of the clip in parallel (this is a 2-core target)
MIN_SEGMENT_S = 1.5


def segments(info: VideoInfo, parts: int = SEGMENTS) -> list[tuple[int | None, int | None]]:
    """[start_pts, stop_pts) parts of the clip that begin at the keyframes nearest to equal splits.

    The split depends only on the clip, never on how many cores run it, so every machine gives the
    same landmarks (each part starts its own landmarkers, which slightly changes the frames after it).
    Each part costs two model loads (about 0.2 s of CPU each), so the parts are few and long.
    """
    if parts <= 1 or len(info.keyframe_pts) < 2 or info.duration_s < 2 * MIN_SEGMENT_S:
        return [(None, None)]
    times = (info.keyframe_pts - info.pts[0]) * float(info.time_base)
    bounds: list[int] = []
    for i in range(1, parts):
        k = int(np.argmin(np.abs(times - info.duration_s * i / parts)))
        if MIN_SEGMENT_S <= times[k] <= info.duration_s - MIN_SEGMENT_S:
            bounds.append(int(info.keyframe_pts[k]))
    edges = [None] + sorted(set(bounds)) + [None]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


class Frame:
    """One decoded frame. `rgb` ((work_height, work_width, 3) uint8, upright) is made on first use, so a
    frame the pose model skips costs only its decoding (the downscale is about a fifth of the decode)."""

    __slots__ = ("pts", "t", "_src", "_size", "_rotation", "_rgb")

    def __init__(self, pts: int, t: float, rgb: np.ndarray | None = None, *, src=None,
                 size: tuple[int, int] = (0, 0), rotation: int = 0):
        self.pts, self.t, self._rgb = pts, t, rgb        # t: seconds from the clip's first frame
        self._src, self._size, self._rotation = src, size, rotation

    @property
    def decoded(self) -> bool:
        """False for a frame the decoder was told to skip (see decode's `need`): it has no pixels."""
        return self._rgb is not None or self._src is not None

    @property
    def rgb(self) -> np.ndarray:
        if self._rgb is None:
            if self._src is None:
                raise ValueError(f"frame {self.pts} was not decoded (skipped as not needed)")
            self._rgb = upright(_scaled_rgb(self._src, *self._size), self._rotation)
            self._src = None
        return self._rgb


_LUMA_TO_VIDEO = np.round(16 + np.arange(256) * 219 / 255).astype(np.uint8)
_CHROMA_TO_VIDEO = np.round(128 + (np.arange(256) - 128) * 224 / 255).clip(0, 255).astype(np.uint8)


def _shrink(plane: np.ndarray, width: int, height: int) -> np.ndarray:
    """Downscale one plane: halve with pixel averaging while it is at least twice too big (OpenCV's
    fast path), then a bilinear step to the exact size."""
    while plane.shape[1] >= 2 * width and plane.shape[0] >= 2 * height:
        plane = cv2.resize(plane, (plane.shape[1] // 2, plane.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if plane.shape[1] != width or plane.shape[0] != height:
        plane = cv2.resize(plane, (width, height), interpolation=cv2.INTER_LINEAR)
    return plane


def _planes(frame) -> list[np.ndarray]:
    """Y, U and V of a 4:2:0 frame as views of the decoder's memory (to_ndarray's copy cost more than the downscale)."""
    sizes = [(frame.height, frame.width)] + [(frame.height // 2, frame.width // 2)] * 2
    return [np.frombuffer(p, np.uint8, count=p.line_size * h).reshape(h, p.line_size)[:, :w]
            for p, (h, w) in zip(frame.planes, sizes)]


def _scaled_rgb(frame, width: int, height: int) -> np.ndarray:
    """RGB at (width, height). Phone video is YUV 4:2:0: resize its three planes with OpenCV and convert
    the small result (measured 2x cheaper than converting at full size, 3x cheaper than swscale here)."""
    if frame.width == width and frame.height == height:
        return frame.to_ndarray(format="rgb24")
    fmt = frame.format.name
    if fmt in ("yuv420p", "yuvj420p") and frame.width % 2 == 0 and frame.height % 2 == 0:
        y, u, v = (_shrink(p, width >> (i > 0), height >> (i > 0)) for i, p in enumerate(_planes(frame)))
        if fmt == "yuvj420p":       # full-range (iPhone): map to the video range OpenCV converts from
            y, u, v = cv2.LUT(y, _LUMA_TO_VIDEO), cv2.LUT(u, _CHROMA_TO_VIDEO), cv2.LUT(v, _CHROMA_TO_VIDEO)
        i420 = np.concatenate([y.ravel(), u.ravel(), v.ravel()]).reshape(height * 3 // 2, width)
        return cv2.cvtColor(i420, cv2.COLOR_YUV2RGB_I420)
    if width * 2 < frame.width:
        return frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA").to_ndarray()
    return cv2.resize(frame.to_ndarray(format="rgb24"), (width, height), interpolation=cv2.INTER_LINEAR)


def decode(info: VideoInfo, start_pts: int | None = None, stop_pts: int | None = None,
           threads: bool = True, need: Callable[[int], bool] | None = None) -> Iterator[Frame]:
    """Decode frames in [start_pts, stop_pts), upright and downscaled, one at a time.

    With `need` (pts -> whether its pixels are used), a frame that is not needed and that no other frame
    refers to (a non-reference frame, e.g. every second frame of an iPhone clip) is not decoded at all: it
    comes as a Frame without pixels (decoded False), in its place in time. Skipping it cannot change
    any other frame, so the decoded frames are exactly those of a full decode. Past the work budget: VideoError.
    """
    ww, wh = info.work_width, info.work_height
    raw_w, raw_h = (wh, ww) if info.rotation in (90, 270) else (ww, wh)
    errors, budget = 0, Budget(info.path.name)
    with _open(info.path) as c:
        stream = c.streams.video[0]
        stream.codec_context.options = dict(DECODER_OPTIONS)
        if threads:
            stream.thread_type = "AUTO"
        if start_pts is not None:
            # by its decode time stamp (MP4's index): by the presentation one it can land past the keyframe
            c.seek(info.keyframe_dts.get(int(start_pts), int(start_pts)), stream=stream, backward=True, any_frame=False)
        cc = stream.codec_context
        asked: list[int] = []          # pts of packets sent with "skip if nobody refers to it", sorted

        def gaps(upto: int | None) -> Iterator[Frame]:
            """Frames the decoder skipped: asked to, and passed in presentation order without coming out."""
            while asked and (upto is None or asked[0] < upto):
                q = asked.pop(0)
                if (start_pts is None or q >= start_pts) and (stop_pts is None or q < stop_pts):
                    yield Frame(q, info.seconds(q))
        try:
            for pkt in c.demux(stream):
                if need is not None:
                    skip = pkt.pts is not None and not need(int(pkt.pts))
                    cc.skip_frame = "NONREF" if skip else "DEFAULT"
                    if skip:
                        bisect.insort(asked, int(pkt.pts))
                try:
                    frames = pkt.decode()
                except av.error.FFmpegError:
                    errors += 1
                    if errors > 25:
                        return
                    continue
                for frame in frames:
                    p = frame.pts if frame.pts is not None else frame.dts
                    if p is None:
                        continue
                    if start_pts is not None and p < start_pts:
                        continue
                    yield from gaps(int(p))
                    if asked and asked[0] == p:      # asked to skip, but other frames refer to it
                        asked.pop(0)
                    if stop_pts is not None and p >= stop_pts:
                        return
                    budget.spend(frame.width, frame.height)
                    yield Frame(int(p), info.seconds(int(p)), src=frame, size=(raw_w, raw_h),
                                rotation=info.rotation)
            yield from gaps(None)
        except av.error.FFmpegError as e:   # damaged tail: keep what was decoded
            log.warning("decoding stopped early: %s", e)
