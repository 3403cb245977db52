"""Validation cases on real clips: mirror swap, phone orientation, repetition counts and dose-response."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from screening.core import geometry as g
from screening.outputs.annotate import H264Writer
from screening.core.errors import AnalysisError
from screening.engine.pose import load_model
from screening.pipeline import AnalysisOptions, run_analysis
from screening.core.result import Result
from screening.engine.video import decode, probe

# name: (pixel filter that turns the upright picture the way a phone stores it, display rotation written
# as a display matrix (degrees counter-clockwise, FFmpeg's convention), codec, container)
PHONE_CLIPS = {
    "dm0_h264": (None, 0, "libx264", ".mp4"),
    "dm90_h264": ("transpose=1", 90, "libx264", ".mp4"),
    "dm-90_h264": ("transpose=2", -90, "libx264", ".mp4"),
    "dm180_h264": ("hflip,vflip", 180, "libx264", ".mp4"),
    "dm-90_hevc": ("transpose=2", -90, "libx265", ".mov"),
    "dm90_hevc": ("transpose=1", 90, "libx265", ".mov"),
}
UNTAGGED = {"untagged_upside_down": "hflip,vflip", "untagged_lying": "transpose=1"}


def lite_result(video: Path, test: str) -> Result:
    """The Result of one clip with the lite model; no video, stills or files are made."""
    return run_analysis(video, load_model("lite"), AnalysisOptions(test, video=False, stills=False, csv=False,
                                                                   json=False)).result


def ffmpeg_exe() -> str:
    """An ffmpeg new enough to write display matrices (imageio-ffmpeg's), else the system one."""
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # noqa: BLE001 - not installed: fall back to the system ffmpeg
        exe = shutil.which("ffmpeg")
        if exe is None:
            raise RuntimeError("ffmpeg is needed: pip install imageio-ffmpeg (or apt-get install ffmpeg)")
        return exe


def check_ffmpeg() -> None:
    """Raise RuntimeError unless the ffmpeg found can write display matrices (FFmpeg 7 or newer)."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-h", "full"], capture_output=True, text=True).stdout
    if "display_rotation" not in out:
        raise RuntimeError("this ffmpeg cannot write display matrices (-display_rotation, FFmpeg 7+): "
                           "pip install imageio-ffmpeg")


def ff(*args: str, exe: str | None = None) -> bytes:
    return subprocess.run([exe or ffmpeg_exe(), "-v", "error", "-y", *args], check=True,
                          capture_output=True).stdout


def encode(src: Path, out: Path, vf: str | None = None, codec: str = "libx264") -> Path:
    args = ["-i", str(src)] + (["-vf", vf] if vf else []) + ["-c:v", codec, "-an", "-preset", "veryfast"]
    args += ["-crf", "12"] if codec == "libx264" else ["-crf", "14", "-tag:v", "hvc1", "-x265-params",
                                                       "log-level=error"]
    ff(*args, str(out))
    return out


def player_frame(path: Path, size: tuple[int, int], index: int = 0) -> np.ndarray:
    """Frame `index` as FFmpeg shows it (autorotate on, its default), scaled to size=(w, h)."""
    w, h = size
    raw = ff("-i", str(path), "-vf", f"select=eq(n\\,{index}),scale={w}:{h}:flags=area", "-frames:v", "1",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
    return np.frombuffer(raw, np.uint8).reshape(h, w, 3).astype(int)


def upright_source(src: Path, out: Path) -> Path:
    """A portrait source at the analysis size (720 x 1280), so no scaling stands between decodes."""
    return encode(src, out, "scale=720:1280")


def make_phone_clip(upright: Path, name: str) -> Path:
    """The upright clip stored as a phone stores it: turned pixels plus a display matrix."""
    vf, rotation, codec, ext = PHONE_CLIPS[name]
    stored = encode(upright, upright.with_name(f"{name}_pixels{ext}"), vf, codec)
    out = upright.with_name(f"{name}{ext}")
    ff("-display_rotation", str(rotation), "-i", str(stored), "-c", "copy", str(out))
    return out


def point_distance(a: Result, b: Result, names=("left_hip", "left_knee", "left_ankle", "right_hip",
                                                 "right_knee", "right_ankle")) -> float:
    """Median distance (pixels of the analysed frame) between the same points of two analyses."""
    d = [np.linalg.norm(np.array(a.series.points[n], float) - np.array(b.series.points[n], float), axis=1)
         for n in names]
    return float(np.nanmedian(np.concatenate(d)))


def fppa_difference(a: Result, b: Result, swap: bool = False) -> dict[str, float]:
    """Median per-frame |FPPA| difference per leg (with swap: a's left against b's right)."""
    out = {}
    for leg in ("left", "right"):
        other = ("right" if leg == "left" else "left") if swap else leg
        x = np.array(a.series.values[f"fppa_{leg}_deg"], float)
        y = np.array(b.series.values[f"fppa_{other}_deg"], float)
        out[leg] = float(np.nanmedian(np.abs(x - y)))
    return out


def orientation_cases(src: Path, work: Path) -> list[dict]:
    """Every phone orientation against FFmpeg's display and against the upright clip's analysis."""
    up = upright_source(src, work / "upright.mp4")
    base = lite_result(up, "squat")
    rows = []
    for name in list(PHONE_CLIPS) + list(UNTAGGED) + ["legacy_rotate_tag"]:
        if name in PHONE_CLIPS:
            path = make_phone_clip(up, name)
        elif name in UNTAGGED:
            path = encode(up, work / f"{name}.mp4", UNTAGGED[name])
        else:
            system = shutil.which("ffmpeg")
            if system is None:
                continue
            stored = encode(up, work / "legacy_pixels.mp4", "transpose=1")
            path = work / "legacy.mp4"
            ff("-i", str(stored), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path), exe=system)
        info = probe(path)
        ours = next(decode(info)).rgb.astype(int)
        shown = player_frame(path, (info.work_width, info.work_height))
        pixel = float(np.abs(ours - shown).mean()) if ours.shape == shown.shape else float("nan")
        r = lite_result(path, "squat")
        rows.append({"case": name, "pixel_diff": pixel, "turned": any(n.code == "turned_upright" for n in r.notes),
                     "point_px": point_distance(base, r),
                     "fppa_deg": max(fppa_difference(base, r).values()),
                     "bands_equal": all(r.legs[s].band == base.legs[s].band for s in base.legs)})
    return rows


def mirror_case(src: Path, test: str, work: Path) -> dict:
    """Left/right swap: the clip and its mirror image must give swapped, otherwise equal, angles."""
    a = lite_result(src, test)
    mirrored = encode(src, work / "mirrored.mp4", "hflip")
    b = lite_result(mirrored, test)
    d = fppa_difference(a, b, swap=True)
    return {"clip": src.name, "test": test, "left_deg": d["left"], "right_deg": d["right"]}


# ---- repetition counts against the clip manifest -------------------------------------------------

_WORDS = {"one": 1, "single": 1, "two": 2, "three": 3}
_COUNT = re.compile(r"\b(\d+|one|single|two|three)\s+(?:deep\s+|full\s+)?(reps?|repetitions?|cmj)\b", re.I)


@dataclass
class ManifestClip:
    name: str
    view: str
    movement: str
    count: int


def manifest_counts(manifest: Path) -> list[ManifestClip]:
    """Front-view squats and jumps whose manifest row states how many repetitions or jumps they hold."""
    out = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 12 or not cells[0].startswith("`"):
            continue
        name, view, movement, notes = cells[0].strip("`"), cells[7].lower(), cells[8], cells[11]
        m = _COUNT.search(movement) or _COUNT.search(notes)
        if m is None or "front" not in view:
            continue
        n = m.group(1).lower()
        out.append(ManifestClip(name, view, movement, _WORDS.get(n) or int(n)))
    return out


def count_case(clip: ManifestClip, folder: Path) -> dict:
    test = "drop-jump" if re.search(r"jump|cmj", clip.movement, re.I) else "squat"
    row = {"clip": clip.name, "test": test, "manifest": clip.count}
    try:
        r = lite_result(folder / clip.name, test)
        row["found"] = len(r.events)
    except AnalysisError as e:
        row["found"], row["refused"] = None, e.code
    return row


# ---- dose-response: a known inward knee shift warped into a real clip ----------------------------

def _bump(x: np.ndarray, y: np.ndarray, cx: float, cy: float, sigma: float) -> np.ndarray:
    return np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma ** 2))


def warp_knee(rgb: np.ndarray, knee: tuple[float, float], shift_px: float, sigma: float) -> np.ndarray:
    """Move the picture around `knee` sideways by shift_px (a Gaussian bump of width sigma, so hip and
    ankle stay put): the output pixel x shows the input at s, where s + shift * bump(s) = x."""
    h, w = rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    s = xx.copy()
    for _ in range(6):                       # fixed-point solve: contraction since |shift| / sigma < 1
        s = xx - float(shift_px) * _bump(s, yy, knee[0], knee[1], sigma).astype(np.float32)
    return cv2.remap(rgb, s.astype(np.float32), yy, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def standing_leg_px(r: Result, side: str | None = None) -> float:
    """Hip-to-ankle length (pixels of the analysed frame) of one leg, or both, over the most upright 15% of
    frames: the Result's view of metrics.baseline's leg length."""
    depth = np.array(r.series.values["depth"], float)
    standing = np.flatnonzero(np.isfinite(depth) & (depth <= np.nanpercentile(depth, 15)))
    d = [np.linalg.norm(np.array(r.series.points[f"{s}_hip"], float)[standing]
                        - np.array(r.series.points[f"{s}_ankle"], float)[standing], axis=1)
         for s in ((side,) if side else ("left", "right"))]
    return float(np.nanmedian(np.concatenate(d)))


def _event_value(r: Result, side: str, key: str) -> float:
    vals = [mv.value for e in r.events for mv in e.values.get(side, []) if mv.key == key]
    return float(np.nanmedian([v for v in vals if v is not None]))


def dose_response(src: Path, work: Path, doses_pct=(0.0, 3.0, 6.0, 9.0, 12.0), side: str = "left") -> list[dict]:
    """Warp an inward shift of the `side` knee into the clip, growing with squat depth to `dose` % of leg
    length at the deepest point; compare the measured change with the geometric one."""
    base = lite_result(src, "squat")
    other = "right" if side == "left" else "left"
    L = standing_leg_px(base, side)
    pts = base.series.points
    depth = np.nan_to_num(np.array(base.series.values["depth"], float))
    key = max(base.events, key=lambda e: e.depth).key_frame
    share = np.clip(depth / max(depth[key], 1e-6), 0, 1)
    info = probe(src)
    rows = []
    for dose in doses_pct:
        path = work / f"dose_{dose:g}.mp4"
        writer = H264Writer(path, info.work_width, info.work_height, info.fps, crf=12, preset="veryfast")
        frames = list(base.series.frame)
        for i, fr in enumerate(decode(info)):
            if i >= len(frames) or frames[i] != i:
                raise RuntimeError(f"{src.name}: decoding did not give the analysed frames in order")
            knee, hip, ohip = pts[f"{side}_knee"][i], pts[f"{side}_hip"][i], pts[f"{other}_hip"][i]
            img = fr.rgb
            if (dose and knee and knee[0] is not None and knee[1] is not None and hip and ohip and hip[0] is not None
                    and ohip[0] is not None):
                toward = float(np.sign(ohip[0] - hip[0]))
                img = warp_knee(img, (knee[0], knee[1]), toward * dose / 100 * L * share[i], 0.15 * L)
            writer.write(img[:, :, ::-1].copy(), fr.t)
        writer.close()
        r = lite_result(path, "squat")
        # geometric FPPA change: the base points with the knee moved by the dose at the deepest point
        hip_xy, knee_xy, ankle_xy = (np.array(pts[f"{side}_{p}"][key], float) for p in ("hip", "knee", "ankle"))
        medial = np.array(pts[f"{other}_hip"][key], float) - hip_xy
        moved = knee_xy + np.array([np.sign(medial[0]) * dose / 100 * L, 0.0])
        geo_fppa = float(g.fppa(hip_xy, moved, ankle_xy, medial) - g.fppa(hip_xy, knee_xy, ankle_xy, medial))
        rows.append({"dose_pct": dose,
                     "mkd_measured": _event_value(r, side, "mkd") - _event_value(base, side, "mkd"),
                     "fppa_geometric": geo_fppa,
                     "fppa_measured": _event_value(r, side, "fppa") - _event_value(base, side, "fppa")})
    return rows
