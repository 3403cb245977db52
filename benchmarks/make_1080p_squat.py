"""Make the 1080p squat clip of the README's speed table from a shared 720p clip (needs the ffmpeg command).

    python benchmarks/make_1080p_squat.py [OUT.mp4]

front_dbsquat_kneeswell_10.mp4 (12.2 s, 30 fps) scaled to 1920x1080, H.264 at 16 Mbit/s with one
non-reference B frame between references, the pattern of iPhone video, so squats (every second frame
measured) can skip decoding the frames in between.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "videos" / "front_dbsquat_kneeswell_10.mp4"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("squat_1080p.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(SOURCE), "-vf", "scale=1920:1080", "-c:v", "libx264",
                    "-preset", "medium", "-b:v", "16M", "-maxrate", "16M", "-bufsize", "32M", "-bf", "1",
                    "-b-pyramid", "none", "-pix_fmt", "yuv420p", "-an", str(out)], check=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
