"""The live page's sessions on this server: each temp folder held while used, released with its pose models when
the browser session ends (tab closed or gone), when the recording is analysed, and at exit."""
from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from screening import tempdirs
from screening.live.session import LiveSession

log = logging.getLogger(__name__)

PREFIX = "kneescreen-live-"
CHECK_S = 5.0                  # how often ended browser sessions are looked for


@dataclass
class _Held:
    session_id: str
    workdir: Path
    lock: int | None
    live: LiveSession | None


_lock = threading.Lock()
_held: dict[Path, _Held] = {}
_reaper: list[threading.Thread] = []


def new_workdir(session_id: str) -> Path:
    """A private temp folder for one browser session's live camera, held (the start sweep skips it) until
    finish() or the session's end."""
    workdir = Path(tempfile.mkdtemp(prefix=PREFIX))
    with _lock:
        _held[workdir] = _Held(session_id, workdir, tempdirs.hold(workdir), None)
        if not _reaper:
            _reaper.append(threading.Thread(target=_watch, name="kneescreen-live-reaper", daemon=True))
            _reaper[0].start()
    return workdir


def attach(workdir: Path, live: LiveSession) -> None:
    """The LiveSession working in `workdir`: closed with it."""
    with _lock:
        if workdir in _held:
            _held[workdir].live = live


def close_models(workdir: Path) -> None:
    """Free the pose models (about 64 MB) of the session in `workdir`; its folder (a recording waiting for
    its analysis) stays until finish()."""
    with _lock:
        held = _held.get(workdir)
        live = held.live if held else None
        if held:
            held.live = None
    if live is not None:
        try:
            live.close()
        except Exception:  # noqa: BLE001 - closing must not stop the page
            log.exception("closing a live session failed")


def finish(workdir: Path, close: bool = True) -> None:
    """Close the models, release the folder and delete it with any recording in it."""
    if close:
        close_models(workdir)
    with _lock:
        held = _held.pop(workdir, None)
    if held is not None:
        tempdirs.release(held.lock)
    shutil.rmtree(workdir, ignore_errors=True)


def open_count() -> int:
    with _lock:
        return len(_held)


def _alive(session_id: str) -> bool:
    """Whether Streamlit still has this browser session connected (True when it cannot tell)."""
    try:
        from streamlit.runtime import Runtime
        return Runtime.instance().is_active_session(session_id)
    except Exception:  # noqa: BLE001 - no runtime (tests, bare mode): keep everything
        return True


def reap(alive: Callable[[str], bool] = _alive) -> int:
    """finish() every folder whose browser session has ended; returns how many."""
    with _lock:
        gone = [w for w, h in _held.items() if not alive(h.session_id)]
    for workdir in gone:
        finish(workdir)
    return len(gone)


def _watch() -> None:
    while True:
        time.sleep(CHECK_S)
        try:
            reap()
        except Exception:  # noqa: BLE001 - keep watching
            log.exception("live reaper")
        with _lock:
            if not _held:
                _reaper.clear()
                return


@atexit.register
def _finish_all() -> None:
    """At exit the folders go (the process's memory goes with it; MediaPipe may already be shut down)."""
    for workdir in list(_held):
        finish(workdir, close=False)
