"""KneeScreen's private temp folders: marked 'in use' by a lock while they are used, so the stale sweep skips them."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_NAME = ".in-use"


def hold(folder: Path | None) -> int | None:
    """Mark a (mkdtemp, owner-only) folder as in use until release(): a shared flock on a file inside it. The
    kernel drops the lock when the process dies, however it dies, so a killed run's folder can be swept."""
    if folder is None:
        return None
    fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def in_use(folder: Path) -> bool:
    """True while some process holds the folder (see hold); a folder without the lock file is not in use."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return False
    except OSError:
        return True                      # cannot tell: keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
