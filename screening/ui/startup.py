"""Once per server process, at its first page run: sweep what a killed process left (temp folders, saved media);
and keep the imported modules out of the garbage collector's full collections."""
from __future__ import annotations

import gc
import sys
import threading
from typing import Callable

import streamlit as st

from screening.pipeline import STALE_TEMP_S, sweep_stale_temp
from screening.store.db import default_db_path

#: Temp folders that are never held (a PDF or a save being written) take seconds: 10 minutes is ample.
UNHELD_AGE_S = 600.0


@st.cache_resource(show_spinner=False)
def sweep_once(saving_on: bool, _open_store: Callable[[], object]) -> bool:
    """Uploads, frames and live recordings left by a killed process are removed now (not at the next
    analysis), and so are saved media without a record (by opening the store: store.files.sweep_orphans).
    Returns `saving_on`."""
    sweep_stale_temp(min(STALE_TEMP_S, UNHELD_AGE_S))
    if saving_on and default_db_path().is_file():
        _open_store()
    return saving_on


_frozen_at = [0]                 # len(sys.modules) when the collector last set the imported objects aside
_freeze_lock = threading.Lock()


def freeze_imports() -> bool:
    """Move every object alive now to the collector's permanent generation when modules were imported since
    the last call (a cheap check otherwise); True when it did.

    Streamlit runs a full collection after every page run (runner.postScriptGC), and a panel that reruns
    twice a second (the live page's) makes that two a second. Each walked the ~250,000 objects of the
    imported modules (Streamlit, MediaPipe, av, pandas, aiortc...): about 0.1 s holding the GIL, longer on a
    busy machine, and the live camera's worker thread waited: 1-2 frames a second measured instead of
    10 or more. Frozen objects are still freed by reference counting; only garbage cycles among them would
    be kept, and the collection just before the freeze leaves none (objects alive at a freeze that later
    form a garbage cycle stay; freezes happen only when new modules appear, a few times per process)."""
    if len(sys.modules) == _frozen_at[0]:
        return False
    with _freeze_lock:
        if len(sys.modules) == _frozen_at[0]:
            return False
        gc.collect()
        gc.freeze()
        _frozen_at[0] = len(sys.modules)
    return True
