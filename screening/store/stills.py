"""Stills from outside (an imported zip): checked to be a PNG or JPEG picture of sensible size, and re-encoded."""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import IO

from PIL import Image

#: KneeScreen's stills are frames of the analysed video, at most 720 px on the long side; a phone's 4K frame
#: is the most a still may be (a 13000 x 13000 PNG took the server to 904 MB on every view).
MAX_STILL_PIXELS = 4096 * 2160
MAX_STILL_SIDE = 4096
MAX_STILL_BYTES = 20 * 1024 ** 2
FORMATS = ("PNG", "JPEG")


class BadStill(ValueError):
    """Not a still KneeScreen would show; `str(e)` says why."""


def _opened(data: bytes) -> Image.Image:
    """The picture, its header checked (format, size) before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise BadStill(f"not a PNG or JPEG picture ({type(e).__name__})") from None
    w, h = img.size
    if w * h > MAX_STILL_PIXELS or max(w, h) > MAX_STILL_SIDE or not w or not h:
        raise BadStill(f"a picture of {w} x {h} pixels is larger than a still can be")
    return img


def _decoded(fh: IO[bytes]) -> Image.Image:
    data = fh.read(MAX_STILL_BYTES + 1)
    if len(data) > MAX_STILL_BYTES:
        raise BadStill(f"a still file is larger than {MAX_STILL_BYTES // 1024 ** 2} MB")
    img = _opened(data)
    try:
        img.load()
    except (OSError, ValueError, SyntaxError) as e:
        raise BadStill(f"the picture is damaged ({type(e).__name__})") from None
    return img


def reencoded_still(fh: IO[bytes]) -> bytes:
    """The still read from `fh` as a fresh PNG (nothing of the original file is kept but its pixels);
    raises BadStill for anything else: another format, an empty or truncated file, too many pixels."""
    out = io.BytesIO()
    _decoded(fh).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def still_ok(path: Path) -> bool:
    """True when a stored still can be shown: checked as on import (a still stored before that check
    existed may be anything)."""
    try:
        with open(path, "rb") as fh:
            _decoded(fh)
        return True
    except (OSError, BadStill):
        return False
