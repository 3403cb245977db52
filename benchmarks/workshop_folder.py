"""Make the 10-clip workshop folder the README's batch figure uses: links to squat clips of ../shared/videos.

    python benchmarks/workshop_folder.py /tmp/workshop && python -m screening.bench --batch /tmp/workshop
"""
from __future__ import annotations

import sys
from pathlib import Path

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "videos"
WORKSHOP = ["front_ohsquat_deep_kneesout_01.mov", "front_ohsquat_deep_kneesout_02.mov",
            "front_squat_deep_kneesout_04.mov", "front_ohsquat_shallow_mild_05.mov",
            "front_ohsquat_shallow_mild_06.mov", "oblique_squat_33.mov", "oblique_squat_whitebg_34.mp4",
            "front_dbsquat_kneeswell_10.mp4", "darebee_dynamic_squats_obliquefront_knees_converge.mp4",
            "frontoblique_squat_handheld_bw_15.mp4"]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(WORKSHOP, 1):
        src = CLIPS / name
        if not src.exists():
            print(f"missing clip: {src}", file=sys.stderr)
            return 1
        link = out / f"participant{i:02d}{src.suffix.lower()}"
        link.unlink(missing_ok=True)
        link.symlink_to(src)
    print(f"{len(WORKSHOP)} clips linked in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
