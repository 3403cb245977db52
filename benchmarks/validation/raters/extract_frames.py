"""Re-extract the rater study's frames from ../shared/videos into frames/ (never committed: third-party clips).

    python benchmarks/validation/raters/extract_frames.py [--videos ../shared/videos] [--out frames]

Each row of key.csv names a clip and a 0-based frame index in PyAV's decode order (the order frames come out
of the decoder, which is presentation order; none of these clips carries a rotation tag). The frame is saved
at full resolution as FRAME_ID.png, and its pixels are checked against the fingerprint of the frame the
raters marked (pixels_sha256). Clips that are absent are skipped with the reason; exit status 0 unless a
frame that could be decoded differs from what the raters saw.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VIDEOS = HERE.parents[2].parent / "shared" / "videos"


def frame_at(path: Path, index: int):
    """The index-th decoded frame of the first video stream, as BGR pixels (what OpenCV writes)."""
    import av
    with av.open(str(path)) as c:
        for i, fr in enumerate(c.decode(video=0)):
            if i == index:
                if fr.rotation not in (0, None):
                    raise ValueError(f"{path.name} carries a rotation tag ({fr.rotation}); the key assumes none")
                return fr.to_ndarray(format="bgr24")
    raise ValueError(f"{path.name} has fewer than {index + 1} frames")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--videos", type=Path, default=VIDEOS)
    p.add_argument("--out", type=Path, default=HERE / "frames")
    a = p.parse_args(argv)
    if not a.videos.is_dir():
        print(f"skipped: {a.videos} is absent (the clips are test data kept outside the repository)")
        return 0
    import cv2
    a.out.mkdir(parents=True, exist_ok=True)
    differ = 0
    for row in csv.DictReader(open(HERE / "key.csv", encoding="utf-8")):
        clip = a.videos / row["clip"]
        if not clip.is_file():
            print(f"{row['frame_id']}: skipped, {row['clip']} is not in {a.videos}")
            continue
        img = frame_at(clip, int(row["frame"]))
        if img.shape[:2] != (int(row["height"]), int(row["width"])):
            print(f"{row['frame_id']}: {img.shape[1]}x{img.shape[0]}, the key says {row['width']}x{row['height']}")
            differ += 1
            continue
        same = hashlib.sha256(img.tobytes()).hexdigest()[:16] == row["pixels_sha256"]
        differ += not same
        cv2.imwrite(str(a.out / f"{row['frame_id']}.png"), img)
        print(f"{row['frame_id']}: {row['clip']} frame {row['frame']} "
              + ("(the pixels the raters marked)" if same else "(DIFFERS from the pixels the raters marked: "
                 "another FFmpeg may convert colours slightly differently)"))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
