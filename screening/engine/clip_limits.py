"""What one clip may cost: frame size, frame rate, frame count and decoding work, checked before and while decoding."""
from __future__ import annotations

from pathlib import Path

from screening.core.errors import VideoError
from screening.core.vocab import VIDEO_EXTS

#: The work budget is what a 3-minute 4K 60 fps phone clip needs, and not more. A 4K frame (DCI 4096x2160
#: covers 3840x2160 either way up) is the largest frame read; the decoder itself refuses to allocate a
#: bigger one (FFmpeg's max_pixels), so a file whose header lies about its size still cannot cost more.
MAX_DURATION_S = 180.0
MAX_PIXELS = 4096 * 2160
MAX_SIDE_PX = 4096
#: Phones' slow motion records at 120 or 240 fps; anything faster is not a phone clip.
MAX_FPS = 240.0
#: 3 minutes at 60 fps (10,800) plus 2% for variable frame rates: a 240 fps slow-motion clip may be 45 s long.
MAX_FRAMES = 11_000
#: Decoded pixels of one clip (frames x pixels), and the most frames a decode may give.
WORK_BUDGET = MAX_PIXELS * MAX_FRAMES
DECODER_OPTIONS = {"max_pixels": str(MAX_PIXELS)}
FIX_FORMAT = "Use a video straight from your phone's camera (mp4, mov, webm, avi or m4v)."
FIX_SIZE = "Film at 1080p or 4K (1080p is plenty for KneeScreen), straight from the phone's camera."
FIX_LONG = ("Trim the clip to the repetitions you want screened (3-5 take under a minute), or film at 60 fps or "
            "less.")


def check_file(path: Path) -> Path:
    """Refuse a missing or empty file and a type KneeScreen does not read, before opening it."""
    if not path.exists():
        raise VideoError(f"File not found: {path}", "not_found", "Check the file name.")
    if path.suffix.lower() not in VIDEO_EXTS:
        raise VideoError(f"'{path.name}' is not a supported video type ({', '.join(VIDEO_EXTS)}).",
                         "bad_type", FIX_FORMAT)
    if path.stat().st_size == 0:
        raise VideoError(f"'{path.name}' is empty (0 bytes).", "empty", "Record or export the video again.")
    return path


def check_size(name: str, width: int, height: int) -> None:
    """Refuse a frame larger than 4K (0 x 0, an unknown size, passes: the decoder's own limit holds)."""
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE_PX:
        raise VideoError(f"'{name}' has frames of {width} x {height} pixels; the largest KneeScreen reads is 4K "
                         f"({MAX_SIDE_PX} x 2160).", "too_big", FIX_SIZE)


def too_many_frames(name: str) -> VideoError:
    return VideoError(f"'{name}' has more than {MAX_FRAMES:,} frames; the most KneeScreen analyses in one clip is "
                      f"{MAX_FRAMES:,} (3 minutes at 60 fps).", "too_many_frames", FIX_LONG)


def check_rate(name: str, fps: float, duration_s: float) -> None:
    """Refuse a frame rate no phone records at, and clips longer than the limit."""
    if fps > MAX_FPS * 1.02:
        raise VideoError(f"'{name}' has {fps:,.0f} frames per second; the most KneeScreen reads is {MAX_FPS:.0f} "
                         "(a phone's slow motion).", "too_fast", "Film at 30 or 60 fps (or in slow motion).")
    if duration_s > MAX_DURATION_S:
        raise VideoError(f"The clip is {duration_s:.0f} s long; the limit is {MAX_DURATION_S:.0f} s.", "too_long",
                         "Trim the clip to the repetitions you want screened (3-5 reps take under a minute).")


class Budget:
    """Counts what a decode has cost; raises VideoError 'over_budget' once a clip asks for more than the
    budget (frames that appear beyond what the probe counted, or frames larger than 4K)."""

    def __init__(self, name: str):
        self.name, self.frames_left, self.pixels_left = name, MAX_FRAMES, WORK_BUDGET

    def spend(self, width: int, height: int) -> None:
        check_size(self.name, width, height)
        self.frames_left -= 1
        self.pixels_left -= width * height
        if self.frames_left < 0 or self.pixels_left < 0:
            raise VideoError(f"Decoding '{self.name}' needed more work than a 3-minute 4K clip; it was stopped.",
                             "over_budget", FIX_LONG)
