"""Marking aid for raters: overview grids, zoomed crops with a pixel grid, and an overlay of YOUR OWN marks.

  python zoom.py FRAME_ID --out DIR                      overview with a coarse grid (labels in full-res pixels)
  python zoom.py FRAME_ID X Y --out DIR [--half 60] [--scale 5]
                                                           zoomed crop centred on (X, Y), grid every 5/10 px
  python zoom.py FRAME_ID --marks MYMARKS.csv --out DIR [X Y --half 80]
                                                           your own marks drawn on the frame (or a crop), to check them
Coordinates are always full-resolution pixels of frames/FRAME_ID.png (x right, y down, origin top-left).
"""
import argparse
import csv
from pathlib import Path
import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
COLORS = {"hip": (0, 160, 255), "knee": (0, 0, 255), "ankle": (255, 0, 200)}


def load(fid):
    img = cv2.imread(str(HERE / "frames" / f"{fid}.png"))
    if img is None:
        raise SystemExit(f"no frame {fid}")
    return img


def text(img, s, org, scale=0.45, color=(0, 0, 0)):
    cv2.putText(img, s, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 3, cv2.LINE_AA)
    cv2.putText(img, s, org, cv2.FONT_HERSHEY_SIMPLEX, scale, color, 1, cv2.LINE_AA)


def overview(img, maxside=1000):
    h, w = img.shape[:2]
    s = min(1.0, maxside / max(h, w))
    out = cv2.resize(img, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    for x in range(0, w, 50):
        c = (0, 255, 255) if x % 100 == 0 else (0, 200, 0)
        cv2.line(out, (int(x * s), 0), (int(x * s), out.shape[0]), c, 1)
        if x % 100 == 0:
            text(out, str(x), (int(x * s) + 2, 12), 0.4)
    for y in range(0, h, 50):
        c = (0, 255, 255) if y % 100 == 0 else (0, 200, 0)
        cv2.line(out, (0, int(y * s)), (out.shape[1], int(y * s)), c, 1)
        if y % 100 == 0:
            text(out, str(y), (2, int(y * s) - 2), 0.4)
    return out


def crop(img, cx, cy, half, scale):
    h, w = img.shape[:2]
    x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
    x1, y1 = int(min(w, cx + half)), int(min(h, cy + half))
    c = cv2.resize(img[y0:y1, x0:x1], ((x1 - x0) * scale, (y1 - y0) * scale), interpolation=cv2.INTER_CUBIC)
    pad = 40
    out = np.full((c.shape[0] + pad, c.shape[1] + pad, 3), 255, np.uint8)
    out[pad:, pad:] = c
    step = 5 if half <= 60 else 10
    for x in range((x0 // step) * step, x1 + 1, step):
        if x < x0:
            continue
        X = pad + (x - x0) * scale
        major = x % (4 * step) == 0
        cv2.line(out, (X, pad), (X, out.shape[0]), (0, 220, 255) if major else (0, 170, 0), 1)
        if major:
            text(out, str(x), (X - 12, 25), 0.4)
    for y in range((y0 // step) * step, y1 + 1, step):
        if y < y0:
            continue
        Y = pad + (y - y0) * scale
        major = y % (4 * step) == 0
        cv2.line(out, (pad, Y), (out.shape[1], Y), (0, 220, 255) if major else (0, 170, 0), 1)
        if major:
            text(out, str(y), (0, Y + 4), 0.35)
    return out, (x0, y0, scale, pad)


def draw_marks(img, marks_csv, fid):
    out = img.copy()
    with open(marks_csv) as f:
        for row in csv.DictReader(f):
            if row["frame_id"] != fid or not row["x"]:
                continue
            x, y = float(row["x"]), float(row["y"])
            col = COLORS.get(row["joint"], (0, 0, 0))
            cv2.drawMarker(out, (int(round(x)), int(round(y))), col, cv2.MARKER_CROSS, 14, 1)
            text(out, f"{row['leg'][0].upper()}{row['joint'][0]}", (int(x) + 5, int(y) - 5), 0.4, col)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frame_id")
    ap.add_argument("x", nargs="?", type=float)
    ap.add_argument("y", nargs="?", type=float)
    ap.add_argument("--half", type=int, default=60)
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--marks")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    img = load(a.frame_id)
    if a.marks:
        img = draw_marks(img, a.marks, a.frame_id)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    if a.x is None:
        res, name = overview(img), f"{a.frame_id}_overview{'_marks' if a.marks else ''}.png"
    else:
        res, _ = crop(img, a.x, a.y, a.half, a.scale)
        name = f"{a.frame_id}_zoom_{int(a.x)}_{int(a.y)}{'_marks' if a.marks else ''}.png"
    p = Path(a.out) / name
    cv2.imwrite(str(p), res)
    print(p)


if __name__ == "__main__":
    main()
