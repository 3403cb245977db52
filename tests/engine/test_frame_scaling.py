"""The work-frame downscale read straight from the decoder's planes: the right picture at every frame size."""
from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from screening.engine.video import _scaled_rgb, work_size


def _gradient(width: int, height: int) -> np.ndarray:
    """A smooth test picture: red grows to the right, green downwards, blue constant."""
    x = np.linspace(0, 255, width)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height)[:, None].repeat(width, 1)
    return np.dstack([x, y, np.full_like(x, 90)]).round().astype(np.uint8)


@pytest.mark.parametrize("width,height", [(1920, 1080), (1080, 1920), (480, 854), (1280, 722)])
def test_downscaled_frame_matches_the_picture(width, height):
    # 854 and 722 rows: the chroma planes have an odd number of rows (427, 361), which the earlier
    # single-array reshape could not split (a 480x854 phone clip failed with a ValueError)
    rgb = _gradient(width, height)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    w, h = work_size(width, height)
    out = _scaled_rgb(frame, w, h)
    assert out.shape == (h, w, 3)
    expected = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA).astype(int)
    # YUV 4:2:0 rounding and chroma subsampling: a few levels on a smooth picture
    assert np.abs(out.astype(int) - expected).max() <= 6
    assert np.abs(out.astype(int) - expected).mean() < 1.5
