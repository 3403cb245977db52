"""Owner-only files and folders for the store (database, media), sizes, and the orphan-media sweep."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import BinaryIO

FILE_MODE, DIR_MODE = 0o600, 0o700
ORPHAN_GRACE_S = 600            # a media folder this old with no record is left over from a killed save (a save
                                # copies its files, then writes its record: seconds, a 2 GB import about a minute)


class TooLarge(Exception):
    """More bytes than allowed were about to be written."""


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by this user only; tighten it if it exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Create an empty file readable by this user only (or tighten an existing one)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    os.chmod(path, FILE_MODE)


def copy_private(src: BinaryIO | Path, dst: Path, limit: int | None = None) -> int:
    """Copy a file or an open stream to `dst` (owner-only), counting what is written; raises TooLarge (and
    removes `dst`) once more than `limit` bytes would be written. Returns the bytes written."""
    written = 0
    fh_src = open(src, "rb") if isinstance(src, Path) else src
    try:
        fd = os.open(dst, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            while chunk := fh_src.read(1 << 20):
                written += len(chunk)
                if limit is not None and written > limit:
                    raise TooLarge()
                out.write(chunk)
    except BaseException:
        Path(dst).unlink(missing_ok=True)
        raise
    finally:
        if isinstance(src, Path):
            fh_src.close()
    return written


def tree_size(path: Path) -> int:
    """Bytes of the regular files under `path` (0 when it does not exist)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def sweep_orphans(media_root: Path, known: set[tuple[str, str]], grace_s: float = ORPHAN_GRACE_S) -> int:
    """Remove media folders <workspace>/<screening> that no record points to and that are older than
    `grace_s` (younger ones may be a save in progress: files are copied before the record is written)."""
    removed, now = 0, time.time()
    if not media_root.is_dir():
        return 0
    for ws_dir in media_root.iterdir():
        if not ws_dir.is_dir() or ws_dir.is_symlink():
            continue
        for d in ws_dir.iterdir():
            try:
                if (ws_dir.name, d.name) in known or now - d.lstat().st_mtime < grace_s:
                    continue
                if d.is_dir() and not d.is_symlink():
                    shutil.rmtree(d, ignore_errors=True)
                else:
                    d.unlink(missing_ok=True)
                removed += 1
            except OSError:
                continue
    return removed
