"""The frames kept for drawing: one private file, every frame found again by its time stamp."""
from __future__ import annotations

import stat
import threading

import cv2
import numpy as np
import pytest

from screening.engine.framestore import FILE_NAME, FrameStore


def _frame(seed: int) -> np.ndarray:
    """A smooth RGB picture (JPEG keeps it to a few grey levels) that differs per seed."""
    y, x = np.mgrid[0:120, 0:160]
    r = (x + 7 * seed) % 256
    g = (y * 2 + 13 * seed) % 256
    b = np.full_like(x, (40 * seed) % 256)
    return np.dstack([r, g, b]).astype(np.uint8)


def test_frames_come_back_by_time_stamp_as_bgr(tmp_path):
    with FrameStore(tmp_path) as store:
        for pts in (0, 512, 1024):
            assert store.put(pts, _frame(pts // 512))
        assert len(store) == 3 and 512 in store and 7 not in store
        for pts in (1024, 0, 512):        # any order
            back = store.get(pts)
            want = cv2.cvtColor(_frame(pts // 512), cv2.COLOR_RGB2BGR)
            assert back.shape == want.shape
            assert np.abs(back.astype(int) - want).mean() < 2.0       # JPEG at quality 85
        assert store.get(7) is None


def test_a_frame_stored_again_replaces_the_first(tmp_path):
    """A clip turned upright is decoded a second time: the turned frames must win."""
    with FrameStore(tmp_path) as store:
        store.put(100, _frame(1))
        store.put(100, _frame(5))
        want = cv2.cvtColor(_frame(5), cv2.COLOR_RGB2BGR)
        assert np.abs(store.get(100).astype(int) - want).mean() < 2.0


def test_several_threads_fill_it_and_nothing_is_mixed_up(tmp_path):
    with FrameStore(tmp_path) as store:
        def fill(start):
            for k in range(start, 40, 4):
                store.put(k, _frame(k))
        threads = [threading.Thread(target=fill, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(store) == 40
        sources = [cv2.cvtColor(_frame(k), cv2.COLOR_RGB2BGR).astype(int) for k in range(40)]
        for k in range(40):
            errors = [np.abs(store.get(k).astype(int) - src).mean() for src in sources]
            assert int(np.argmin(errors)) == k and errors[k] < 4.0, (k, errors[k])


def test_one_owner_only_file_and_no_following_a_planted_link(tmp_path):
    with FrameStore(tmp_path) as store:
        store.put(1, _frame(1))
        assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600
        assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]      # one file, whatever the frame count
    other = tmp_path / "other"
    other.mkdir()
    (other / FILE_NAME).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        FrameStore(other)
    assert not (tmp_path / "elsewhere").exists()
