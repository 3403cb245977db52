"""The measured frames kept for drawing: JPEGs appended to one private temporary file, found by time stamp."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import cv2
import numpy as np

JPEG_QUALITY = 85
FILE_NAME = "frames.jpgs"


class FrameStore:
    """Downscaled frames for the annotated video and the stills, kept on disk so memory does not grow
    with the clip (a 180 s clip keeps thousands of frames). Each frame is a JPEG (about 50 KB at 720p)
    appended to one file: one file rather than one per frame, because creating and deleting hundreds of
    small files cost 0.2-0.4 CPU-s a clip on ext4. Safe to fill from several threads; `get` may be
    called from several threads once filling is done."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / FILE_NAME
        fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_NOFOLLOW, 0o600)
        self._file = os.fdopen(fd, "w+b")
        self._index: dict[int, tuple[int, int]] = {}       # pts -> (offset, length)
        self._size = 0
        self._lock = threading.Lock()

    def put(self, pts: int, rgb: np.ndarray) -> bool:
        """Keep an RGB frame under its presentation time stamp; False if it could not be encoded."""
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            return False
        self.put_jpeg(pts, buf.tobytes())
        return True

    def put_jpeg(self, pts: int, data: bytes) -> None:
        """Keep an already encoded JPEG (tests, and frames made elsewhere)."""
        with self._lock:
            self._file.write(data)
            self._index[int(pts)] = (self._size, len(data))
            self._size += len(data)

    def __contains__(self, pts: object) -> bool:
        return isinstance(pts, (int, np.integer)) and int(pts) in self._index

    def __len__(self) -> int:
        return len(self._index)

    def get(self, pts: int) -> np.ndarray | None:
        """The frame kept under `pts` as BGR (OpenCV's order, for drawing), or None if there is none."""
        where = self._index.get(int(pts))
        if where is None:
            return None
        with self._lock:
            self._file.flush()
        data = os.pread(self._file.fileno(), where[1], where[0])
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "FrameStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
